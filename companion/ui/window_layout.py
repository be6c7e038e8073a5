"""Where the window opens and how its side areas share the screen.

The lesson is the reading area in the middle; the checklist with the notes, and the
tutor, are docks on the right. On a wide screen the two docks stand side by side; on a
laptop they are tabs of one dock area, so the lesson keeps a readable width. The first
window fits the screen's available area (never under the task bar); later starts
restore exactly what the learner arranged, pulled back onto a screen if it moved away.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow

DEFAULT_SIZE = QSize(1760, 1040)  # the most a first window takes (then: 92% of smaller screens)
SCREEN_SHARE = 0.92  # a first window leaves a margin around it
SIDE_BY_SIDE_FROM = 1600  # window width from which both docks are shown at once
MIN_SIZE = QSize(960, 560)  # fits a 1024 x 600 screen with room for its panel


def available_area(window: QMainWindow) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1440, 900)


def first_geometry(window: QMainWindow) -> QRect:
    """A centred rectangle that fits the screen: 92% of it, at most 1760 x 1040."""
    area = available_area(window)
    width = min(DEFAULT_SIZE.width(), int(area.width() * SCREEN_SHARE))
    height = min(DEFAULT_SIZE.height(), int(area.height() * SCREEN_SHARE))
    width, height = max(width, min(MIN_SIZE.width(), area.width())), max(
        height, min(MIN_SIZE.height(), area.height()))
    rect = QRect(0, 0, width, height)
    rect.moveCenter(area.center())
    return rect


def keep_on_screen(window: QMainWindow) -> None:
    """After restoring a saved geometry: shrink and move it into the screen it is on."""
    area = available_area(window)
    frame = window.frameGeometry()
    width = min(window.width(), area.width() - (frame.width() - window.width()))
    height = min(window.height(), area.height() - (frame.height() - window.height()))
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.left()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.top()), area.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)


def arrange_docks(window: QMainWindow, study: QDockWidget, tutor: QDockWidget
                  ) -> tuple[list[QDockWidget], list[int]]:
    """Side by side in a wide window, tabs in a narrow one.

    Decided by the window's first size (which fits the screen); afterwards the learner's
    own arrangement is saved and restored. Returns the docks and their widths, to apply
    once the window is shown (Qt ignores dock sizes before that).
    """
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, study)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, tutor)
    width = window.width()
    if width >= SIDE_BY_SIDE_FROM:
        window.splitDockWidget(study, tutor, Qt.Orientation.Horizontal)
        return [study, tutor], [int(width * 0.2), int(width * 0.23)]
    window.tabifyDockWidget(study, tutor)
    study.raise_()
    return [study], [max(280, min(440, int(width * 0.3)))]
