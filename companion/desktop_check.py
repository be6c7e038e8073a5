"""Before the first window on Linux: are the system libraries Qt's X11 plugin needs there?

Without them Qt aborts (exit 134) with a message that names the wrong library. So the
app asks the dynamic linker first (``ldd`` on the xcb platform plugin, ~20 ms) and,
if something is missing, prints one line naming the libraries and the exact
``apt-get install`` line, then exits. Qt-free: this runs before Qt is imported.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# sonames whose Debian/Ubuntu package does not follow the lib<name><version> rule
_PACKAGES = {
    "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1", "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0", "libX11-xcb.so.1": "libx11-xcb1",
}
EXIT_MISSING_LIBRARIES = 3


def xcb_plugin() -> Path | None:
    """The Qt xcb platform plugin of the installed PySide6 (without importing Qt)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        plugin = Path(base) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def uses_xcb(env: dict[str, str] | os._Environ = os.environ) -> bool:
    """Whether Qt will pick its X11 plugin here (not offscreen, not Wayland)."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return not env.get("WAYLAND_DISPLAY")


def missing_libraries(plugin: Path) -> list[str]:
    """Shared libraries the plugin needs that the dynamic linker cannot find."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=10,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = re.findall(r"^\s*(\S+)\s+=>\s+not found", out, re.M)
    return sorted(set(found))


def debian_package(soname: str) -> str:
    """``libxcb-icccm.so.4`` -> ``libxcb-icccm4``; ``libxkbcommon-x11.so.0`` -> ``…-x11-0``."""
    if soname in _PACKAGES:
        return _PACKAGES[soname]
    m = re.fullmatch(r"(lib[\w.+-]+?)\.so\.(\d+)(?:\.\d+)*", soname)
    if not m:
        return soname
    name, version = m.group(1).lower(), m.group(2)
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def problem() -> str | None:
    """One line saying what to install, or None when the window can open."""
    if not uses_xcb():
        return None
    plugin = xcb_plugin()
    if plugin is None:
        return None
    missing = missing_libraries(plugin)
    if not missing:
        return None
    packages = " ".join(dict.fromkeys(debian_package(m) for m in missing))
    return (f"The app cannot open a window: Qt's X11 plugin needs {', '.join(missing)}, "
            f"which {'is' if len(missing) == 1 else 'are'} not installed. On Debian or "
            f"Ubuntu: sudo apt-get install {packages}")
