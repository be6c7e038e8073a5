"""Render the app icon from its one SVG source into every format a desktop wants.

    python packaging/icons.py

writes ``assets/png/companion-<N>.png`` (the Linux hicolor sizes),
``assets/companion.ico`` (Windows), ``assets/companion.icns`` (macOS) and the
window icon the app loads, ``companion/assets/companion.png``. The SVG is the
only file a person edits; everything else is regenerated, so the formats
cannot drift apart.

Qt's SVG renderer draws the PNGs (it is already a dependency, and it is the
renderer that will show the icon inside the app); Pillow writes the ICO and
ICNS containers (build-time only: the ``package`` extra).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
SVG = ASSETS / "companion.svg"
PNG_DIR = ASSETS / "png"
ICO = ASSETS / "companion.ico"
ICNS = ASSETS / "companion.icns"
WINDOW_ICON = ROOT / "companion" / "assets" / "companion.png"
WINDOW_ICON_SIZE = 256
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)  # freedesktop hicolor sizes we ship
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # Windows uses up to 256
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)  # every size Pillow's ICNS writer stores


def png_path(size: int) -> Path:
    return PNG_DIR / f"companion-{size}.png"


def render_png_bytes(svg: Path, size: int) -> bytes:
    """One square PNG of ``svg`` at ``size`` pixels, with a transparent background."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"icons: {svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def generate(svg: Path = SVG) -> list[Path]:
    """Write every icon file; returns the paths written."""
    import io

    from PIL import Image

    PNG_DIR.mkdir(parents=True, exist_ok=True)
    WINDOW_ICON.parent.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(PNG_SIZES) | set(ICO_SIZES) | set(ICNS_SIZES) | {WINDOW_ICON_SIZE})
    rendered = {size: render_png_bytes(svg, size) for size in sizes}
    images = {size: Image.open(io.BytesIO(data)).convert("RGBA") for size, data in rendered.items()}
    written = []
    for size in PNG_SIZES:
        png_path(size).write_bytes(rendered[size])
        written.append(png_path(size))
    WINDOW_ICON.write_bytes(rendered[WINDOW_ICON_SIZE])
    written.append(WINDOW_ICON)
    biggest = images[max(ICO_SIZES)]
    biggest.save(ICO, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[images[s] for s in ICO_SIZES])
    written.append(ICO)
    images[1024].save(ICNS, format="ICNS", append_images=[images[s] for s in ICNS_SIZES])
    written.append(ICNS)
    return written


def main() -> int:
    for path in generate():
        print(f"{path.relative_to(ROOT)}  ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
