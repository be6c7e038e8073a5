"""The Linux first-run check names the missing libraries and the packages to install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from companion import desktop_check


@pytest.mark.parametrize("soname,package", [
    ("libxcb-icccm.so.4", "libxcb-icccm4"), ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"), ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libGL.so.1", "libgl1"), ("libxcb-render-util.so.0", "libxcb-render-util0"),
])
def test_sonames_map_to_debian_packages(soname, package):
    assert desktop_check.debian_package(soname) == package


def test_offscreen_and_wayland_do_not_need_x11():
    assert not desktop_check.uses_xcb({"QT_QPA_PLATFORM": "offscreen"})
    assert not desktop_check.uses_xcb({"WAYLAND_DISPLAY": "wayland-0"})
    assert desktop_check.uses_xcb({"QT_QPA_PLATFORM": "xcb"}) == sys.platform.startswith("linux")


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("ldd") is None
                    or shutil.which("cc") is None, reason="needs Linux, ldd and a C compiler")
def test_a_missing_library_is_found_by_the_real_dynamic_linker(tmp_path: Path):
    """Hide one real library from the linker (a plugin copy with an unknown dependency)."""
    plugin = desktop_check.xcb_plugin()
    assert plugin is not None
    assert isinstance(desktop_check.missing_libraries(plugin), list)
    (tmp_path / "nothere.c").write_text("int g(void){return 1;}")
    (tmp_path / "fake.c").write_text("int g(void); int f(void){return g();}")
    subprocess.run(["cc", "-shared", "-fPIC", str(tmp_path / "nothere.c"), "-o",
                    str(tmp_path / "libnothere.so")], check=True)
    fake = tmp_path / "libfake.so"
    subprocess.run(["cc", "-shared", "-fPIC", str(tmp_path / "fake.c"), "-o", str(fake),
                    "-L", str(tmp_path), "-lnothere", "-Wl,--no-as-needed"], check=True)
    (tmp_path / "libnothere.so").unlink()  # now the linker cannot find it
    assert desktop_check.missing_libraries(fake) == ["libnothere.so"]


def test_the_gui_command_prints_one_line_instead_of_a_qt_abort(monkeypatch):
    monkeypatch.setattr(desktop_check, "uses_xcb", lambda env=os.environ: True)
    monkeypatch.setattr(desktop_check, "missing_libraries",
                        lambda plugin: ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"])
    line = desktop_check.problem()
    assert line is not None and "\n" not in line
    assert line.endswith("sudo apt-get install libxcb-icccm4 libxcb-keysyms1")
