"""Which engine the tutor runs on, loading it off the GUI thread, and saying how it went.

Kept apart from the tutor panel: the panel asks questions of whatever engine is
ready; this feature decides what that engine is (the chosen GGUF, the bundled model,
or a server, through ``study.models.engine_plan()``), loads it, and reports in the
status bar and to the panel. When the choice cannot be used (file missing, fails to
load, server down) it says so in a banner and the status bar *before* falling back
to the built-in model: the tutor never quietly answers with another model.
While the built-in model is in use, it offers a stronger catalog model that fits.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from companion.tutor.engine import ModelError
from companion.tutor.engines import EnginePlan
from companion.ui.inference import Inference
from companion.ui.model_suggestion import NoticeBanner, SuggestionBanner

BannerHost = Callable[[QWidget], object]


class TutorModel(QObject):
    """Loads the tutor's engine and keeps the status bar's "Tutor: …" label true."""

    message = Signal(str)  # a line for the tutor panel ("" clears it)

    def __init__(self, window, inference: Inference) -> None:
        super().__init__(window)
        self.window = window
        self.inference = inference
        self.error: str | None = None
        self.notice: NoticeBanner | None = None  # the last "could not use …" banner
        self.suggestion: SuggestionBanner | None = None
        self._plan: EnginePlan | None = None  # the plan being loaded by this feature
        self._add_banner: BannerHost = self._status_bar_banner
        inference.modelReady.connect(self._ready)
        inference.modelFailed.connect(self._failed)

    def set_banner_host(self, add_banner: BannerHost) -> None:
        """Where banners go: the tutor panel's ``add_banner`` (until then, the status bar)."""
        self._add_banner = add_banner

    def load(self) -> None:
        """Load what the learner chose in Models (a file, a server, or the built-in model)."""
        try:
            plan = self.window.study.models.engine_plan()
        except ModelError as exc:
            self._plan = None
            self._failed(str(exc))
            return
        if plan.problem:
            self._warn(plan.problem)
        self._start(plan)

    def _start(self, plan: EnginePlan) -> None:
        self._plan = plan
        self.message.emit(f"Loading the tutor model ({plan.label})…")
        self.window.tutor_status.setText("Tutor: loading…")
        self.window.tutor_status.setToolTip(plan.where)
        self.inference.load_engine(plan.factory, plan.where)

    @Slot(str, str)
    def _ready(self, name: str, where: str) -> None:
        plan, self._plan = self._plan, None
        self.error = None
        self.message.emit("")
        self.window.tutor_status.setText(f"Tutor: {name}")
        self.window.tutor_status.setToolTip(where)
        default = self.window.study.models.default_model()
        if (plan is not None and plan.is_default) or (default is not None
                                                     and where == str(default)):
            self.offer_stronger_model()

    @Slot(str)
    def _failed(self, message: str) -> None:
        plan, self._plan = self._plan, None
        if plan is not None and plan.fallback is not None:
            fallback = plan.fallback
            self._warn(f"Could not use {plan.label}: {message} The tutor uses "
                       f"{fallback.label} for now.")
            self._start(fallback)
            return
        self.error = message
        self.message.emit(f"The tutor is unavailable: {message}")
        self.window.tutor_status.setText("Tutor: unavailable")
        self.window.tutor_status.setToolTip(message)

    # ----- banners -----------------------------------------------------------------------------
    def _warn(self, text: str) -> None:
        """A visible, dismissible banner and the same words in the status bar."""
        if self.notice is not None:
            self.notice.close_banner()
        self.notice = NoticeBanner(text)
        self.notice.host = self._add_banner(self.notice)
        self.window.statusBar().showMessage(text, 15000)

    def offer_stronger_model(self) -> None:
        """The quiet suggestion of a catalog model that fits, once per session."""
        if self.suggestion is not None:
            return
        try:
            found = self.window.study.models.suggestion()
        except Exception:  # noqa: BLE001 - a broken catalog must not stop the tutor
            return
        if found is None:
            return
        self.suggestion = SuggestionBanner(found, self.window.study.models, self._switch_to)
        self.suggestion.host = self._add_banner(self.suggestion)

    def _switch_to(self) -> None:
        """The suggested model is downloaded and verified: it becomes the tutor now."""
        self.load()

    def _status_bar_banner(self, widget: QWidget) -> QWidget:
        self.window.statusBar().addWidget(widget, 1)
        return widget
