"""Models → "Use a server…": the tutor on an OpenAI-compatible server.

llama.cpp's ``llama-server``, Ollama, LM Studio, vLLM and Jan all speak the same
API, on this computer or another (often one with a GPU). The learner types the
address; the model list is filled from the server's ``GET /v1/models``; an API key
is optional (kept in the system keyring, or a private file: the dialog says which);
"Test" asks the chosen model for a few words. Every request runs on the thread pool:
the dialog never waits on the network.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.tutor import api_key
from companion.tutor.engine import ModelError
from companion.tutor.server_client import (
    check_server,
    list_models,
    make_client,
    normalize_url,
)
from companion.ui.background import BackgroundOp, run_in_background
from companion.ui.theme import is_dark

EXAMPLES = ("llama-server: http://127.0.0.1:8080/v1 · Ollama: http://127.0.0.1:11434/v1 · "
            "LM Studio: http://127.0.0.1:1234/v1")


class ServerDialog(QDialog):
    """Address, model, key, Test; "Use this server" saves it (the caller loads it)."""

    def __init__(self, parent: QWidget | None, models) -> None:
        super().__init__(parent)
        self.models = models  # the study's ModelService
        self.setWindowTitle("Use a server for the tutor")
        self.setMinimumWidth(560)
        self._op: BackgroundOp | None = None
        saved = models.server_settings()

        self.url = QLineEdit(saved.url or "", self)
        self.url.setPlaceholderText("http://127.0.0.1:8080/v1")
        self.url.setAccessibleName("Server address")
        self.refresh_button = QPushButton("Get models", self)
        self.model = QComboBox(self)
        self.model.setEditable(True)  # a server may load models on demand (Ollama)
        self.model.setAccessibleName("Model on the server")
        if saved.model:
            self.model.addItem(saved.model)
        self.key = QLineEdit(self)
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText("optional: most local servers need none")
        self.key.setAccessibleName("API key")
        if saved.key_env:
            self.key.setPlaceholderText(f"from the environment variable {saved.key_env}")
        kept = QLabel(api_key.where_kept(), self)
        kept.setWordWrap(True)
        kept.setStyleSheet("color: palette(placeholder-text);")
        self.test_button = QPushButton("Test", self)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.use_button = self.buttons.addButton("Use this server",
                                                 QDialogButtonBox.ButtonRole.AcceptRole)

        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.refresh_button)
        form = QFormLayout()
        form.addRow("Address", url_row)
        hint = QLabel(EXAMPLES, self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        form.addRow("", hint)
        form.addRow("Model", self.model)
        form.addRow("API key", self.key)
        form.addRow("", kept)
        layout = QVBoxLayout(self)
        intro = QLabel("Any server that speaks the OpenAI chat API can be the tutor, on this "
                       "computer or another one. The course-first answers and their checks "
                       "stay the same.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result, 1)
        layout.addLayout(test_row)
        layout.addWidget(self.buttons)

        self.refresh_button.clicked.connect(self.fetch_models)
        self.url.editingFinished.connect(self._url_edited)
        self.test_button.clicked.connect(self.test)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._last_url = ""
        if saved.url and not saved.key_env:
            # the keyring may ask to be unlocked: never on the GUI thread
            self._run(lambda _ctx: models.server_key(saved.url), self._show_saved_key,
                      "Reading the saved key…")
        elif saved.url:
            self.fetch_models()

    # ----- helpers -----------------------------------------------------------------------------
    def say(self, text: str, error: bool = False, ok: bool = False) -> None:
        dark = is_dark(self)
        colour = ("#f28b82" if dark else "#c62828") if error else \
            ("#81c995" if dark else "#2e7d32") if ok else ""
        self.result.setStyleSheet(f"color: {colour};" if colour else "")
        self.result.setText(text)

    def chosen_model(self) -> str:
        return self.model.currentText().strip()

    def typed_key(self) -> str | None:
        """The key in the field, else the one in the saved environment variable."""
        return self.key.text().strip() or api_key.from_env(self.models.server_settings().key_env)

    def busy(self) -> bool:
        return self._op is not None

    def _run(self, fn, on_success, what: str) -> None:
        if self._op is not None:
            return
        self.say(what)
        for widget in (self.refresh_button, self.test_button, self.use_button):
            widget.setEnabled(False)
        self._op = run_in_background(self, fn, lambda r: self._done(on_success, r),
                                     lambda err: self._done(None, err))

    def _done(self, on_success, result) -> None:
        self._op = None
        for widget in (self.refresh_button, self.test_button, self.use_button):
            widget.setEnabled(True)
        if on_success is None:
            self.say(str(result), error=True)
        else:
            on_success(result)

    def _show_saved_key(self, key: str | None) -> None:
        if key and not self.key.text():
            self.key.setText(key)
        self.fetch_models()

    # ----- actions -----------------------------------------------------------------------------
    def _url_edited(self) -> None:
        if self.url.text().strip() and self.url.text().strip() != self._last_url:
            self.fetch_models()

    def fetch_models(self) -> None:
        """Fill the model picker from ``GET /v1/models`` (off the GUI thread)."""
        typed, key = self.url.text(), self.typed_key()
        self._last_url = typed.strip()
        try:
            url = normalize_url(typed)
        except ModelError as exc:
            self.say(str(exc), error=True)
            return

        def fetch(_ctx) -> list[str]:
            client = make_client(url, key)
            try:
                return [m.id for m in list_models(client, url)]
            finally:
                client.close()

        self._run(fetch, self._fill_models, f"Asking {url} for its models…")

    def _fill_models(self, ids: list[str]) -> None:
        keep = self.chosen_model()
        self.model.clear()
        self.model.addItems(ids)
        if keep in ids:
            self.model.setCurrentText(keep)
        self.say(f"The server offers {len(ids)} model{'s' if len(ids) != 1 else ''}.")

    def test(self) -> None:
        url, key, model = self.url.text(), self.typed_key(), self.chosen_model()
        self._run(lambda _ctx: check_server(url, key, model or None),
                  lambda said: self.say(said, ok=True), "Testing…")

    def save(self) -> None:
        """Check the server answers, then save it; the caller loads it as the tutor."""
        typed = self.key.text().strip() or None
        env = None if typed else self.models.server_settings().key_env
        url, key, model = self.url.text(), self.typed_key(), self.chosen_model()

        def saved(said: str) -> None:
            self.models.use_server(url, model or None, key=typed, key_env=env)
            self.say(said, ok=True)
            self.accept()

        self._run(lambda _ctx: check_server(url, key, model or None), saved, "Checking…")
