"""Safe file writing: atomic replace, names that cannot escape their folder, and targets
that are what they seem.

An export is run with whatever path a learner (or a script) types, sometimes as root.
The earlier trials found it replacing the null device with a regular file (``--out
/dev/null --force``), replacing a dangling symlink without ``--force``, writing into
the current folder for ``--out ""``, answering "[Errno 17] File exists" for a path
under a file, and leaving 1 of 14 vault files behind on a full disk. So:

* ``check_target`` refuses anything that exists and is not a regular file (devices,
  pipes, sockets, folders) and any symbolic link, dangling or not: the export only
  ever writes regular files or new paths, and never through or over a link;
* an empty path and a path under a file get their own one-line messages;
* ``write_all`` writes every file to a temporary folder beside the target first and
  moves them into place only when all are written: all or nothing;
* files and folders get the learner's normal permissions (the umask's), not the private
  0600 of a temporary file; a replaced file keeps its mode.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
from pathlib import Path

from pathvalidate import sanitize_filename

MAX_NAME = 120


class ExportError(Exception):
    """A one-line reason an export could not be written."""


def safe_name(title: str, fallback: str = "untitled") -> str:
    """A file name (no extension) that is valid on Windows, macOS and Linux.

    Path separators and ``..`` are removed, reserved names such as ``CON`` get a
    suffix, and the result is cut to a length every file system accepts.
    """
    cleaned = title.replace("/", " ").replace("\\", " ")
    name = sanitize_filename(cleaned, platform="universal", max_len=MAX_NAME).strip(" .")
    name = sanitize_filename(name, platform="universal", max_len=MAX_NAME)
    return name or fallback


def taken(path: Path) -> bool:
    """True if anything is at ``path``, a dangling symbolic link included."""
    return os.path.lexists(path)


def check_target(path: Path, replace: bool = False) -> None:
    """Refuse to write at ``path`` unless it is new, or (with ``replace``) a regular file.

    Also refuses an empty path and a path below an existing file, with messages that
    say so (instead of "[Errno 17] File exists").
    """
    if not str(path).strip():
        raise ExportError("No file or folder name was given to export to.")
    _check_parents(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ExportError(f"Cannot use {path}: {exc.strerror or exc}.") from exc
    if stat.S_ISLNK(info.st_mode):
        raise ExportError(f"{path} is a symbolic link; an export never writes through a link "
                          "or replaces one. Remove it or choose another name.")
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, " \
            "pipe or socket)"
        raise ExportError(f"{path} is {what}; not writing to it.")
    if not replace:
        raise ExportError(f"{path} already exists; use --force to overwrite it or --rename "
                          "to keep both.")


def _check_parents(path: Path) -> None:
    for parent in Path(path).parents:
        if os.path.lexists(parent):
            if not parent.is_dir():
                raise ExportError(f"{parent} is a file, so nothing can be written under it "
                                  f"({path}).")
            return


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` holds either the old or the new content, never half.

    Only a regular file is ever replaced: a device, pipe, folder or symbolic link at
    ``path`` is refused (``check_target``), whoever calls this.
    """
    check_target(path, replace=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"Cannot create the folder {path.parent}: {exc.strerror or exc}.") \
            from exc
    fd, tmp = _new_file(path.parent, ".tmp-", ".md", _mode_of(path))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"Could not write {path}: {_reason(exc)}") from exc


# ----- permissions: what the learner's other files get -------------------------------------
# tempfile.mkstemp/mkdtemp make private files (0600) and folders (0700): right for secrets,
# wrong for notes a learner opens in another editor or syncs. Files here are created with
# mode 0666 and folders 0777, which the operating system narrows by the umask exactly as
# for any file the learner saves; a file that is replaced keeps its own mode.

def _mode_of(path: Path) -> int | None:
    """The permission bits of the regular file at ``path`` (None: nothing there)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None


def _new_file(folder: Path, prefix: str, suffix: str, keep_mode: int | None = None
              ) -> tuple[int, str]:
    """A new file with a random name in ``folder``, opened for writing: (fd, path)."""
    for _ in range(100):
        name = str(folder / f"{prefix}{secrets.token_hex(6)}{suffix}")
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o666)
        except FileExistsError:
            continue
        if keep_mode is not None:
            os.chmod(name, keep_mode)
        return fd, name
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new folder with a random name in ``parent``, with the umask's permissions."""
    for _ in range(100):
        folder = parent / f"{prefix}{secrets.token_hex(6)}"
        try:
            os.mkdir(folder, 0o777)
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(parent))


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full."
    return f"{exc.strerror or exc}."


def free_path(path: Path) -> Path:
    """``path`` if nothing is there, else ``name (2).md``, ``name (3).md``, ..."""
    if not taken(path):
        return path
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not taken(candidate):
            return candidate
        n += 1


def write_all(files: dict[Path, str]) -> list[Path]:
    """Write every file, or none: all go to a temporary folder first, then into place.

    When the files go into a folder that does not exist yet (a new vault), the whole
    temporary folder is renamed to it in one step. Otherwise each file is renamed into
    place (same file system: a rename needs no space, so a full disk fails while
    writing the temporary copies, before any target is touched). Every target must
    have passed ``check_target`` already.
    """
    if not files:
        return []
    folders = {path.parent for path in files}
    folder = next(iter(folders))
    _check_parents(next(iter(files)))
    new_folder = len(folders) == 1 and not taken(folder)
    anchor = _existing_parent(folder) if new_folder or not folder.is_dir() else folder
    try:
        staging = _new_folder(anchor, ".export-")
    except OSError as exc:
        raise ExportError(f"Cannot write in {anchor}: {_reason(exc)}") from exc
    try:
        staged = {}
        for i, (path, text) in enumerate(files.items()):
            temp = staging / (path.name if new_folder else f"{i:04d}.md")
            with temp.open("w", encoding="utf-8", newline="\n") as handle:  # umask's mode
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            staged[path] = temp
        if new_folder:
            folder.parent.mkdir(parents=True, exist_ok=True)
            os.rename(staging, folder)  # made with the umask's mode, like any new folder
        else:
            for path, temp in staged.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                kept = _mode_of(path)
                if kept is not None:  # overwriting: the file keeps the mode it had
                    os.chmod(temp, kept)
                os.replace(temp, path)
    except OSError as exc:
        raise ExportError(f"Could not export to {folder}: {_reason(exc)} Nothing was "
                          "written.") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return list(files)


def _existing_parent(path: Path) -> Path:
    for parent in path.parents:
        if parent.is_dir():
            return parent
    return Path.cwd()
