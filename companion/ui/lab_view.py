"""The Lab: the course's ideas happening in the real local model, one tab per experiment.

``LabFeature(window, inference)`` adds View › Lab (Ctrl+Shift+L) and ``open(...)``, which
the lesson's "Try it in the lab" links call with an experiment name from the course
data (``tokenizer``, ``next-token``, ``anatomy``, ``quantization``, ``run-code``,
``tiny-model``; ``surprise`` also works). The window is separate from the main one, so a
learner can keep a lesson and an experiment side by side.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QTabWidget, QVBoxLayout

from companion.ui.inference import Inference
from companion.ui.lab_anatomy import AnatomyTab
from companion.ui.lab_common import LabJobs, model_file, model_line
from companion.ui.lab_next_token import NextTokenTab
from companion.ui.lab_quantization import QuantizationTab
from companion.ui.lab_run_code import RunCodeTab
from companion.ui.lab_surprise import SurpriseTab
from companion.ui.lab_tiny_model import TinyModelTab
from companion.ui.lab_tokenizer import TokenizerTab

EXPERIMENTS = ("tokenizer", "next-token", "surprise", "anatomy", "quantization", "run-code",
               "tiny-model")


class LabWindow(QDialog):
    def __init__(self, window, inference: Inference) -> None:
        super().__init__(window, Qt.WindowType.Window)
        self.setWindowTitle("Lab — inside the model")
        self.resize(1180, 820)
        self.inference = inference
        self.jobs = LabJobs(inference, self)
        study = window.study
        self.model = QLabel("", self)
        self.model.setWordWrap(True)
        self.model.setAccessibleName("Model used")
        self.tokenizer = TokenizerTab(self.jobs, study.models.installed(), self)
        self.next_token = NextTokenTab(self.jobs, self)
        self.surprise = SurpriseTab(self.jobs, self)
        self.anatomy = AnatomyTab(self._model_file, self)
        self.quantization = QuantizationTab(self._model_file, self)
        self.run_code = RunCodeTab(study.course, self._save_to_notes, self)
        self.tiny_model = TinyModelTab(study.course,
                                       lambda: [n.body for n in study.notes.all()], self)
        self.tabs = QTabWidget(self)
        for name, tab, title in (
                ("tokenizer", self.tokenizer, "Tokenizer"),
                ("next-token", self.next_token, "Next token"),
                ("surprise", self.surprise, "Surprise"),
                ("anatomy", self.anatomy, "Anatomy and memory"),
                ("quantization", self.quantization, "Quantization"),
                ("run-code", self.run_code, "Run lesson code"),
                ("tiny-model", self.tiny_model, "Train a tiny model")):
            tab.setObjectName(name)
            self.tabs.addTab(tab, title)
        layout = QVBoxLayout(self)
        layout.addWidget(self.model)
        layout.addWidget(self.tabs, 1)
        self.main = window
        self.jobs.modelUsed.connect(self._model_used)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.tiny_model.showCode.connect(self._show_code)
        inference.modelReady.connect(lambda *_: self._refresh_model())
        inference.modelFailed.connect(self._model_failed)
        window.changed.connect(self._on_changed)
        self._refresh_model()

    def _on_changed(self, changes) -> None:
        if changes.touches("models"):  # a model downloaded, imported or deleted
            self.tokenizer.set_installed(self.main.study.models.installed())

    # ----- which model ----------------------------------------------------------------
    def _model_file(self) -> tuple[Path, str]:
        path, note = model_file(self.inference)
        self.model.setText(model_line(path.stem, note))
        return path, note

    def _model_used(self, name: str, note: str) -> None:
        self.model.setText(model_line(name, note))

    def _refresh_model(self) -> None:
        if self.inference.ready:
            self.model.setText(model_line(self.inference.model_name))
        else:
            self.model.setText("Model: not loaded yet (the experiments that read a model file "
                               "use the bundled one meanwhile)")
        if self.isVisible():
            self._tab_shown(self.tabs.currentIndex())

    def stop_all(self) -> None:
        """Cancel training and running code (the app is closing)."""
        for op in (self.tiny_model.op, self.run_code.op, self.quantization.op):
            if op is not None:
                op.cancel()

    def _model_failed(self, message: str) -> None:
        self.model.setText(f"Model: the tutor's model could not be loaded ({message}). "
                           "Anatomy and quantization read the bundled model meanwhile.")

    def _tab_shown(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if tab in (self.anatomy, self.quantization):
            tab.load()
        # the first time a model tab is seen, its example runs (a learner sees a result,
        # not an empty chart); a job already asked for (e.g. by a lesson link) comes first
        elif tab is self.tokenizer and not self.tokenizer.shown_once \
                and self.tokenizer.job is None:
            self.tokenizer.start()
        elif tab is self.next_token and self.next_token.result is None \
                and self.next_token.job is None:
            self.next_token.score()
        elif tab is self.surprise and self.surprise.result is None and self.surprise.job is None:
            self.surprise.measure()

    # ----- opening --------------------------------------------------------------------
    def show_experiment(self, experiment: str, text: str = "", day: int | None = None,
                        block: int | None = None) -> None:
        """Show the window at ``experiment`` ("" keeps the current tab)."""
        tabs = {self.tabs.widget(i).objectName(): self.tabs.widget(i)
                for i in range(self.tabs.count())}
        self.show()
        self.raise_()
        self.activateWindow()
        if experiment == "tokenizer" and text:
            self.tokenizer.set_text(text)
        elif experiment == "next-token" and text:
            self.next_token.set_prompt(text)
        elif experiment == "surprise" and text:
            self.surprise.set_text(text)
        elif experiment == "run-code" and day is not None:
            self.run_code.show_block(day, block)
        if experiment in tabs:
            self.tabs.blockSignals(True)  # _tab_shown runs once, below
            self.tabs.setCurrentWidget(tabs[experiment])
            self.tabs.blockSignals(False)
        self._tab_shown(self.tabs.currentIndex())

    def _show_code(self, title: str, code: str) -> None:
        self.tabs.setCurrentWidget(self.run_code)
        self.run_code.show_code(title, code)

    def _save_to_notes(self, day: int, markdown: str) -> None:
        """Add to the day's note: through the editor if it shows that day, else directly."""
        window = self.main
        if window.notes.day == day:
            window.notes.append(markdown)
            window.notes.flush()
            return
        window.notes.flush()
        notes = window.study.notes
        body = notes.body(day)
        notes.save(day, (body.rstrip() + "\n\n" if body.strip() else "") + markdown.strip() + "\n")


class LabFeature:
    """View › Lab (Ctrl+Shift+L), and ``open`` for "Try it in the lab" links."""

    def __init__(self, window, inference: Inference) -> None:
        self.window = window
        self.inference = inference
        self.view: LabWindow | None = None  # built on first use: the app starts faster
        window.add_action(window.view_menu, "&Lab…", lambda: self.open(""), "Ctrl+Shift+L")
        window.closing.connect(self._closing)

    def _closing(self) -> None:
        if self.view is not None:
            self.view.stop_all()

    def open(self, experiment: str, text: str = "", day: int | None = None,
             block: int | None = None) -> LabWindow:
        """Show the Lab at ``experiment`` (one of ``EXPERIMENTS``; "" keeps the tab shown
        last); ``text`` fills its input; ``day``/``block`` choose lesson code (block
        numbers as in ``Day.code_blocks()``)."""
        if self.view is None:
            self.view = LabWindow(self.window, self.inference)
        if day is None and experiment == "run-code":
            day = self.window.current_day()
        self.view.show_experiment(experiment, text, day, block)
        return self.view
