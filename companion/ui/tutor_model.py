"""Which engine the tutor runs on, loading it off the GUI thread, and saying how it went.

Kept apart from the tutor panel: the panel asks questions of whatever engine is
ready; this feature decides what that engine is (the chosen GGUF, the bundled model,
or a server), loads it, and reports in the status bar and to the panel.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from companion.tutor.engine import ModelError
from companion.ui.inference import Inference


class TutorModel(QObject):
    """Loads the tutor's engine and keeps the status bar's "Tutor: …" label true."""

    message = Signal(str)  # a line for the tutor panel ("" clears it)

    def __init__(self, window, inference: Inference) -> None:
        super().__init__(window)
        self.window = window
        self.inference = inference
        self.error: str | None = None
        inference.modelReady.connect(self._ready)
        inference.modelFailed.connect(self._failed)

    def load(self) -> None:
        """Load the model chosen in the Models dialog (or the bundled one)."""
        try:
            path = self.window.study.models.resolve()
        except ModelError as exc:
            self._failed(str(exc))
            return
        self.message.emit("Loading the tutor model…")
        self.window.tutor_status.setText("Tutor: loading…")
        self.inference.load(path)

    @Slot(str, str)
    def _ready(self, name: str, where: str) -> None:
        self.error = None
        self.message.emit("")
        self.window.tutor_status.setText(f"Tutor: {name}")
        self.window.tutor_status.setToolTip(where)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.error = message
        self.message.emit(f"The tutor is unavailable: {message}")
        self.window.tutor_status.setText("Tutor: unavailable")
        self.window.tutor_status.setToolTip(message)
