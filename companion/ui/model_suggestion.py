"""Banners above the tutor: "could not use your model" and "a stronger model fits".

``NoticeBanner`` says, visibly, that the chosen model (file or server) could not be
used and what the tutor uses instead. ``SuggestionBanner`` is the quiet offer shown
while the built-in 135M model is in use: the biggest catalog model that fits this
computer's free memory, its size and a download-time estimate; one click downloads
it with progress and Cancel (SHA-256 and a test load included) and, once verified,
makes it the tutor. "Don't suggest again" is remembered; the panel's × hides it for
this session. Both are plain widgets: the tutor panel hosts them (``add_banner``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.tutor.catalog import GIB, Suggestion, human
from companion.tutor.download import Progress
from companion.ui.background import BackgroundOp, run_in_background
from companion.ui.model_download import show_progress
from companion.ui.theme import is_dark


class Banner(QFrame):
    """A framed row of text and buttons; ``host`` is what the panel wrapped it in."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host: object = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.text)
        layout.addLayout(self.buttons)

    def add_button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        return button

    def close_banner(self) -> None:
        """Remove the banner (and the panel's frame around it)."""
        target = self.host if isinstance(self.host, QWidget) else self
        target.hide()
        target.deleteLater()
        self.closed.emit()


class NoticeBanner(Banner):
    """The chosen model could not be used: why, and what the tutor uses instead."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Tutor model notice")
        colour = "#fbbc04" if is_dark(self) else "#b45309"
        self.text.setText(f"<span style='color:{colour}'>⚠</span> {_escape(text)}")
        self.message = text


class SuggestionBanner(Banner):
    """A stronger catalog model that fits, one click from being the tutor."""

    switched = Signal(object)  # the installed Path, once it is the tutor

    def __init__(self, suggestion: Suggestion, models, on_switched: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Stronger model suggestion")
        self.suggestion = suggestion
        self.models = models  # the study's ModelService
        self._on_switched = on_switched
        self._op: BackgroundOp | None = None
        entry = suggestion.entry
        how = "Use it" if suggestion.installed else "Download and use"
        self.text.setText(
            f"A stronger tutor fits this computer: <b>{_escape(entry.name)}</b> — "
            f"{human(entry.size)} download ({suggestion.download_estimate()}), needs about "
            f"{entry.min_ram_gb:.1f} GB of the {suggestion.free_ram / GIB:.1f} GB free now.")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress_label = QLabel(self)
        self.layout().insertWidget(1, self.progress)
        self.layout().insertWidget(2, self.progress_label)
        self.go = self.add_button(how, self.start)
        self.cancel = self.add_button("Cancel", self.cancel_download)
        self.never = self.add_button("Don't suggest again", self.dismiss)
        self._show_progress(False)

    def _show_progress(self, on: bool) -> None:
        self.progress.setVisible(on)
        self.progress_label.setVisible(on)
        self.cancel.setVisible(on)
        self.go.setVisible(not on)
        self.never.setVisible(not on)

    # ----- actions --------------------------------------------------------------------------
    def start(self) -> None:
        """Download (unless installed), verify, choose, then switch the tutor to it."""
        if self._op is not None:
            return
        entry, models = self.suggestion.entry, self.models
        self._show_progress(True)
        self.progress.setValue(0)
        self.progress_label.setText(f"Starting {entry.name}…")

        def fetch(ctx) -> Path:
            path = entry.installed_path()
            if path is None or path != entry.download_path:
                path = models.download(entry, ctx)  # SHA-256 and a test load included
            else:
                models.check(path)
            return path

        self._op = run_in_background(self, fetch, self._installed, self._failed,
                                     lambda: self._failed("cancelled"))
        self._op.reported.connect(self._progress)

    def cancel_download(self) -> None:
        if self._op is not None:
            self._op.cancel()
            self.cancel.setEnabled(False)
            self.progress_label.setText("Cancelling…")

    def dismiss(self) -> None:
        self.models.dismiss_suggestion(self.suggestion.entry.id)
        self.close_banner()

    def downloading(self) -> bool:
        return self._op is not None

    # ----- progress and results ---------------------------------------------------------------
    def _progress(self, p: Progress) -> None:
        if self._op is None or self._op.is_cancelled:
            return
        show_progress(self.progress, self.progress_label, p, prefix="Downloading ")

    def _installed(self, path: Path) -> None:
        self._op = None
        self.models.choose(path)
        self.switched.emit(path)
        self._on_switched()
        self.close_banner()

    def _failed(self, error: str) -> None:
        cancelled = self._op is not None and self._op.is_cancelled
        self._op = None
        self._show_progress(False)
        self.cancel.setEnabled(True)
        self.go.setText("Try again")
        self.text.setText(self.text.text().split("<br>")[0] + "<br>" + _escape(
            "Download cancelled; nothing was installed." if cancelled else error))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
