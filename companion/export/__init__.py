"""Qt-free export of the learner's notes and checklist to Markdown."""

from companion.export.files import ExportError, atomic_write, check_target, safe_name
from companion.export.markdown import FORMATS, StudyRecord, planned_files, write

__all__ = ["FORMATS", "ExportError", "StudyRecord", "atomic_write", "check_target",
           "planned_files", "safe_name", "write"]
