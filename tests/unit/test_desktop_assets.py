"""Desktop integration files: icon sizes, .desktop entry, AppStream metadata, install script."""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import companion

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "assets"
APP_ID = "io.github.llm_study_companion"
DESKTOP = ASSETS / f"{APP_ID}.desktop"
METAINFO = ASSETS / f"{APP_ID}.metainfo.xml"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_header(path: Path) -> tuple[int, int, int]:
    """(width, height, colour type) from the PNG's IHDR chunk."""
    data = path.read_bytes()[:26]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height, data[25]


@pytest.mark.parametrize("size", PNG_SIZES)
def test_every_icon_size_exists_square_with_alpha(size):
    width, height, colour_type = png_header(ASSETS / "png" / f"companion-{size}.png")
    assert (width, height) == (size, size)
    assert colour_type == 6  # RGBA: the rounded corners are transparent


def test_the_window_icon_is_the_generated_256px_icon():
    window_icon = Path(companion.__file__).parent / "assets" / "companion.png"
    assert window_icon.read_bytes() == (ASSETS / "png" / "companion-256.png").read_bytes()


def test_the_svg_source_is_well_formed_and_square():
    root = ET.parse(ASSETS / "companion.svg").getroot()
    assert root.tag.endswith("svg")
    assert root.get("viewBox") == "0 0 256 256"


def test_windows_ico_holds_the_sizes_windows_asks_for():
    data = (ASSETS / "companion.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for i in range(count):
        w, h = data[6 + 16 * i], data[7 + 16 * i]
        sizes.add((w or 256, h or 256))  # 0 means 256 in an ICO directory
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= sizes


def test_macos_icns_holds_retina_sizes():
    data = (ASSETS / "companion.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    types, offset = set(), 8
    while offset < len(data):
        kind, length = data[offset:offset + 4], struct.unpack(">I", data[offset + 4:offset + 8])[0]
        types.add(kind)
        offset += length
    assert {b"ic07", b"ic08", b"ic09", b"ic10"} <= types  # 128, 256, 512, 1024 px


def _desktop_entry(path: Path = DESKTOP) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in desktop entries
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_names_the_app_its_icon_and_command():
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "LLM Study Companion"
    assert entry["Exec"].split()[0] == "companion"
    assert entry["Icon"] == APP_ID  # the file name = Qt's desktopFileName = the icon name
    assert "Education" in entry["Categories"].split(";")
    assert entry["Terminal"] == "false"


def test_the_app_announces_the_same_desktop_file_name():
    assert f'setDesktopFileName("{APP_ID}")' in (ROOT / "companion" / "app.py").read_text()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-utils is not installed")
def test_desktop_entry_passes_desktop_file_validate():
    out = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr


def test_metainfo_is_well_formed_and_matches_the_app():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == DESKTOP.name
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.find("releases/release").get("version") == companion.__version__
    assert root.findtext("provides/binary") == "companion"
    assert root.findtext("summary")
    assert root.find("description/p") is not None


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream is not installed")
def test_metainfo_passes_appstreamcli_validate():
    out = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.skipif(os.name == "nt", reason="the Linux installer is a shell script")
def test_linux_install_and_uninstall_leave_the_learners_data_alone(tmp_path: Path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "companion").write_text("#!/bin/sh\necho companion\n")
    (bundle / "companion").chmod(0o755)
    home = tmp_path / "home"
    notes = home / ".local" / "share" / "LLM Study Companion" / "companion.db"
    notes.parent.mkdir(parents=True)
    notes.write_text("my notes")
    env = {"PATH": os.environ["PATH"], "HOME": str(home)}
    script = ROOT / "packaging" / "install-linux.sh"

    out = subprocess.run(["bash", str(script), str(bundle)], capture_output=True, text=True,
                         env=env)
    assert out.returncode == 0, out.stderr
    prefix = home / ".local" / "opt" / "llm-study-companion"
    installed = home / ".local" / "share" / "applications" / DESKTOP.name
    assert (prefix / "companion").is_file()
    assert (home / ".local" / "bin" / "companion").resolve() == (prefix / "companion").resolve()
    assert _desktop_entry(installed)["Exec"] == str(prefix / "companion")
    for size in PNG_SIZES:
        icon = home / f".local/share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png"
        assert png_header(icon)[:2] == (size, size)
    assert (home / ".local/share/metainfo" / METAINFO.name).is_file()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(installed)], capture_output=True,
                               text=True)
        assert check.returncode == 0, check.stdout

    # installing again (an upgrade) replaces the program, never the notes
    assert subprocess.run(["bash", str(script), str(bundle)], env=env).returncode == 0
    out = subprocess.run(["bash", str(script), "--uninstall"], capture_output=True, text=True,
                         env=env)
    assert out.returncode == 0, out.stderr
    assert not prefix.exists() and not installed.exists()
    assert notes.read_text() == "my notes"


@pytest.mark.skipif(os.name == "nt", reason="the Linux installer is a shell script")
def test_linux_install_without_a_build_says_how_to_make_one(tmp_path: Path):
    out = subprocess.run(["bash", str(ROOT / "packaging" / "install-linux.sh"),
                          str(tmp_path / "nothing")], capture_output=True, text=True,
                         env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)})
    assert out.returncode == 1
    assert "python packaging/build.py" in out.stderr
