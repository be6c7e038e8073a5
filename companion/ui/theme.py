"""Light/dark awareness: the app follows the system palette."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget


def is_dark(widget: QWidget | None = None) -> bool:
    palette = widget.palette() if widget is not None else QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def document_css(dark: bool) -> str:
    link = "#8ab4f8" if dark else "#1a5fb4"
    code_bg = "#272822" if dark else "#f0f0f0"  # the Pygments styles' own backgrounds
    return (
        f"a {{ color: {link}; }} "
        "h1 { font-size: 20pt; margin-bottom: 4px; } "
        "h2 { font-size: 15pt; margin-top: 18px; } "
        "h3 { font-size: 12pt; } "
        # code wraps inside the reading column instead of scrolling the whole lesson sideways
        f"pre {{ background-color: {code_bg}; white-space: pre-wrap; margin-top: 4px; "
        "margin-bottom: 2px; } "
        f"code {{ background-color: {code_bg}; }} "
        f"div {{ background-color: {code_bg}; }} "
        "table { border-collapse: collapse; margin-top: 6px; margin-bottom: 6px; } "
        f"td, th {{ padding: 3px 8px; border: 1px solid {'#5f6368' if dark else '#c4c7c5'}; "
        "vertical-align: top; } "
        f"th {{ font-weight: bold; text-align: left; "
        f"background-color: {'#303134' if dark else '#f1f3f4'}; }} "
    )
