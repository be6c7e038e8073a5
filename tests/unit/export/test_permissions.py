"""Exported files get the learner's normal permissions (the umask's), not a temporary
file's private 0600; a file that is overwritten keeps the mode it had.

Before: ``atomic_write`` (chat and CSV card exports) left every file at 0600, and a new
vault folder was forced to 0755 whatever the umask said.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from companion.export import atomic_write, planned_files, write
from tests.unit.export.test_export import RECORD, SMALL

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.fixture(params=[0o022, 0o027, 0o002])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_write_follows_the_umask_and_keeps_a_replaced_files_mode(tmp_path, umask):
    new = tmp_path / "chat.md"
    atomic_write(new, "a conversation")
    assert _mode(new) == 0o666 & ~umask
    mine = tmp_path / "private.md"
    mine.write_text("old")
    mine.chmod(0o600)
    atomic_write(mine, "new text")
    assert mine.read_text() == "new text" and _mode(mine) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chat.md", "private.md"]


def test_single_file_and_vault_follow_the_umask(tmp_path, umask):
    single = write(planned_files("single", tmp_path / "notes.md", SMALL, RECORD))
    assert _mode(single[0]) == 0o666 & ~umask
    vault = tmp_path / "vault"
    files = write(planned_files("vault", vault, SMALL, RECORD))
    assert _mode(vault) == 0o777 & ~umask
    assert {_mode(p) for p in files} == {0o666 & ~umask}
    assert not list(tmp_path.glob(".export-*")) and not list(tmp_path.glob(".tmp-*"))


def test_overwriting_keeps_each_files_mode_and_keep_both_follows_the_umask(tmp_path, umask):
    target = tmp_path / "notes.md"
    target.write_text("mine")
    target.chmod(0o640)
    plan = planned_files("single", target, SMALL, RECORD)
    write(plan, "overwrite")
    assert target.read_text().startswith("# My LLM study notes") and _mode(target) == 0o640
    renamed = write(plan, "rename")
    assert renamed == [tmp_path / "notes (2).md"] and _mode(renamed[0]) == 0o666 & ~umask
    vault = tmp_path / "vault"
    first = write(planned_files("vault", vault, SMALL, RECORD))
    first[0].chmod(0o600)
    write(planned_files("vault", vault, SMALL, RECORD), "overwrite")  # an existing folder
    assert _mode(first[0]) == 0o600 and _mode(first[1]) == 0o666 & ~umask
