"""The model manager dialog as a learner uses it: browse, download, cancel, import, use, delete.

Downloads come from the fake hub on 127.0.0.1 through huggingface_hub; "Use as tutor
model" really loads the file with llama.cpp on the inference worker.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from companion import paths
from companion.storage import settings
from companion.tutor import catalog, model_files
from companion.ui import model_manager
from tests import gguf_samples
from tests.conftest import SHOTS
from tests.fake_hub import FakeHub

ENTRY_ID = "smollm2-135m-instruct"


@pytest.fixture
def dialog(window, qtbot):
    window.features.models.action.trigger()
    dlg = window.features.models.dialog
    qtbot.waitExposed(dlg)
    yield dlg
    dlg.cancel_download()
    qtbot.waitUntil(lambda: not dlg.downloading(), timeout=30000)
    dlg.close()


@pytest.fixture
def hub(monkeypatch):
    from huggingface_hub import constants

    entry = catalog.find(ENTRY_ID)
    with FakeHub() as server:
        data = model_files.bundled_model_path().read_bytes()
        server.host(entry.repo, entry.file, entry.revision, data)
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
        monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
        yield server


def select_catalog(dlg, entry_id: str) -> None:
    table = dlg.downloads.catalog
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == entry_id:
            table.selectRow(row)
            return
    raise AssertionError(entry_id)


def select_installed(dlg, name: str) -> None:
    for row in range(dlg.installed.rowCount()):
        if Path(dlg.installed.item(row, 0).data(model_manager.PATH_ROLE)).name == name:
            dlg.installed.selectRow(row)
            return
    raise AssertionError(name)


def cell(table, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


def drop(dlg, files: list[Path]) -> None:
    """A real drag-and-drop event sequence, as the window system would deliver it."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    with warnings.catch_warnings():  # PySide 6.12 marks the only QDragEnterEvent ctor deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(dlg, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(dlg, event)


def test_menu_opens_the_manager_with_metadata_and_fit_hints(window, dialog, qtbot):
    assert window.features.models.action in window.view_menu.actions()
    assert window.features.models.action.shortcut() == QKeySequence("Ctrl+Shift+M")
    bundled = model_files.bundled_model_path()
    assert dialog.installed.rowCount() == 1
    assert cell(dialog.installed, 0, 0).startswith(bundled.name)
    qtbot.waitUntil(lambda: cell(dialog.installed, 0, 3) == "Q4_1", timeout=10000)
    assert (cell(dialog.installed, 0, 4), cell(dialog.installed, 0, 5)) == ("8192", "llama")
    assert "in use" in cell(dialog.installed, 0, 0)
    dialog.installed.selectRow(0)
    assert not dialog.delete_button.isEnabled()  # the built-in model cannot be deleted

    entries = catalog.load_catalog()
    table = dialog.downloads.catalog
    assert table.rowCount() == len(entries)
    free = catalog.available_ram()
    for row, entry in enumerate(entries):
        assert cell(table, row, 0) == entry.id
        assert cell(table, row, 5) == catalog.fit(entry, free)
    assert cell(table, 0, 7) == "in use"
    SHOTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(SHOTS / "model-manager.png"))


def test_download_shows_progress_then_installs(dialog, hub, qtbot):
    hub.rate = 30_000_000  # about 3 s, so the progress can be seen
    downloads = dialog.downloads
    select_catalog(dialog, ENTRY_ID)
    assert downloads.download_button.isEnabled()
    downloads.download_button.click()
    assert dialog.downloading() and downloads.progress.isVisible()
    assert downloads.cancel_button.isVisible()
    label = downloads.progress_label.text
    qtbot.waitUntil(lambda: downloads.progress.value() > 0 and " of " in label()
                    and "MB/s" in label() and "left" in label(), timeout=20000)
    assert dialog.grab().save(str(SHOTS / "model-manager-downloading.png"))
    qtbot.waitUntil(lambda: not dialog.downloading(), timeout=60000)
    assert "Installed" in dialog.message.text(), dialog.message.text()
    installed = paths.models_dir() / catalog.find(ENTRY_ID).file
    assert installed.is_file() and not downloads.progress.isVisible()
    assert dialog.installed.rowCount() == 2
    select_catalog(dialog, ENTRY_ID)
    assert not downloads.download_button.isEnabled()  # nothing left to download


def test_cancel_stops_the_download_and_leaves_nothing(dialog, hub, qtbot):
    hub.rate = 10_000_000  # ten seconds for the whole file: plenty of time to cancel
    downloads = dialog.downloads
    select_catalog(dialog, ENTRY_ID)
    downloads.download_button.click()
    qtbot.waitUntil(lambda: downloads.progress.value() > 0, timeout=20000)
    downloads.cancel_button.click()
    assert downloads.progress_label.text() == "Cancelling…"
    qtbot.waitUntil(lambda: not dialog.downloading(), timeout=20000)
    assert "cancelled" in dialog.message.text()
    folder = paths.models_dir()
    assert not list(folder.glob("*.gguf")) and not any((folder / ".partial").iterdir())
    assert hub.bytes_sent < catalog.find(ENTRY_ID).size


def test_import_use_and_delete(window, dialog, qtbot, tmp_path, monkeypatch):
    # a hostile file dropped on the dialog: refused in one line, the app carries on
    drop(dialog, [gguf_samples.html_page(tmp_path / "login.gguf")])
    qtbot.waitUntil(lambda: "web page (HTML)" in dialog.message.text(), timeout=20000)
    assert window.isVisible() and dialog.installed.rowCount() == 1
    SHOTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(SHOTS / "model-manager-refused.png"))

    # a good one through the file dialog
    mine = tmp_path / "mine.gguf"
    shutil.copyfile(model_files.bundled_model_path(), mine)
    monkeypatch.setattr(model_manager.QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(mine)], ""))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.installed.rowCount() == 2, timeout=30000)
    assert "Imported mine.gguf" in dialog.message.text()
    installed = paths.models_dir().resolve() / "mine.gguf"

    # use it: saved, and loaded by llama.cpp on the worker, no restart
    select_installed(dialog, "mine.gguf")
    with qtbot.waitSignal(window.features.inference.modelReady, timeout=60000) as ready:
        dialog.use_button.click()
    assert Path(ready.args[1]) == installed
    assert settings.get(window.study.db, settings.TUTOR_MODEL) == str(installed)
    qtbot.waitUntil(lambda: "now uses mine.gguf" in dialog.message.text(), timeout=5000)
    assert "in use" in cell(dialog.installed, [
        r for r in range(2) if cell(dialog.installed, r, 0).startswith("mine.gguf")][0], 0)

    # delete asks first; "No" keeps it, "Yes" removes it and falls back to the default
    select_installed(dialog, "mine.gguf")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog.delete_button.click()
    assert installed.exists()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.features.inference.modelReady, timeout=60000) as ready:
        dialog.delete_button.click()
    assert not installed.exists() and dialog.installed.rowCount() == 1
    assert Path(ready.args[1]) == model_files.bundled_model_path()
    assert model_files.resolve_model(settings.get(window.study.db, settings.TUTOR_MODEL)) == \
        model_files.bundled_model_path()


# ----- the tutor on a server, fallbacks that are said, a stronger model suggested ------------
@pytest.fixture(scope="module")
def llama_server():
    pytest.importorskip("uvicorn", reason="needs llama-cpp-python[server] (the test extra)")
    from tests.integration.llama_server import LlamaServer

    server = LlamaServer(model_files.bundled_model_path()).wait_ready()
    yield server
    server.stop()


@pytest.mark.slow
def test_use_a_server_fills_models_tests_and_switches_the_tutor(window, dialog, qtbot,
                                                                llama_server, monkeypatch):
    from companion.tutor import api_key
    from tests.integration.llama_server import ALIAS

    monkeypatch.setattr(api_key, "_keyring", lambda: None)  # as on this machine: no keyring
    server_dialog = dialog.ask_server()
    qtbot.waitExposed(server_dialog)
    server_dialog.url.setText(llama_server.url.removesuffix("/v1"))  # typed without /v1
    server_dialog.refresh_button.click()
    qtbot.waitUntil(lambda: server_dialog.model.count() == 1 and not server_dialog.busy(),
                    timeout=15000)
    assert server_dialog.chosen_model() == ALIAS
    assert "1 model" in server_dialog.result.text()
    server_dialog.key.setText("sk-local-test")
    server_dialog.test_button.click()
    qtbot.waitUntil(lambda: server_dialog.result.text().startswith("Works:"), timeout=30000)
    server_dialog.grab().save(str(SHOTS / "server-dialog.png"))
    with qtbot.waitSignal(window.features.inference.modelReady, timeout=60000) as ready:
        server_dialog.use_button.click()
    assert ready.args[0] == f"{ALIAS} @ 127.0.0.1:{llama_server.port}"
    assert ready.args[1] == llama_server.url
    qtbot.waitUntil(lambda: "now uses" in dialog.message.text(), timeout=5000)
    assert window.tutor_status.text() == f"Tutor: {ALIAS} @ 127.0.0.1:{llama_server.port}"
    assert "on the server" in dialog.in_use.text() and llama_server.url in dialog.in_use.text()
    assert "sk-local-test" not in str(list(window.study.db.execute("SELECT * FROM settings")))
    dialog.grab().save(str(SHOTS / "models-dialog-server.png"))

    # the tutor's own job runs on the server, through the same inference worker
    from companion.tutor.conversation import Conversation

    conv = Conversation(max_tokens=40)
    prepared = conv.prepare(window.study.db, window.study.course, "What is LoRA?")
    with qtbot.waitSignal(window.features.inference.finished, timeout=60000) as done:
        window.features.inference.submit(lambda engine, ctx: conv.answer(engine, prepared, ctx))
    answer = done.args[1]
    assert answer.citations and answer.model.startswith(ALIAS)

    # opened again, the dialog shows what is saved (the key read off the GUI thread)
    again_dialog = dialog.ask_server()
    qtbot.waitUntil(lambda: again_dialog.key.text() == "sk-local-test"
                    and again_dialog.model.count() == 1 and not again_dialog.busy(),
                    timeout=15000)
    assert again_dialog.url.text() == llama_server.url
    again_dialog.url.setText("127.0.0.1:1")  # nothing listens there
    again_dialog.refresh_button.click()
    qtbot.waitUntil(lambda: "No server is running" in again_dialog.result.text(), timeout=15000)
    again_dialog.grab().save(str(SHOTS / "server-dialog-error.png"))
    again_dialog.reject()

    # the saved choice loads at the next start, too
    with qtbot.waitSignal(window.features.inference.modelReady, timeout=60000) as again:
        window.features.model.load()
    assert again.args[1] == llama_server.url


@pytest.mark.slow
def test_a_server_that_is_down_is_said_then_the_built_in_model_answers(window, qtbot, shots):
    from tests.integration.llama_server import free_port

    model = window.features.model
    model.set_banner_host(window.features.tutor.add_banner)  # what app.py wires
    window.study.models.use_server(f"http://127.0.0.1:{free_port()}/v1", "big-model")
    with qtbot.waitSignal(window.features.inference.modelReady, timeout=60000) as ready:
        model.load()
    assert Path(ready.args[1]) == model_files.bundled_model_path()
    assert model.notice is not None
    qtbot.waitUntil(model.notice.isVisible, timeout=5000)
    said = model.notice.message
    assert said.startswith("Could not use big-model @ http://127.0.0.1:")
    assert "No server is running" in said and said.endswith("for now.")
    assert window.tutor_status.text().startswith("Tutor: SmolLM2")
    window.grab().save(str(shots / "tutor-fallback-banner.png"))


@pytest.mark.slow
def test_a_missing_chosen_file_is_said_before_loading_the_built_in_one(window, qtbot,
                                                                       tmp_path):
    model = window.features.model
    model.set_banner_host(window.features.tutor.add_banner)
    window.study.models.choose(tmp_path / "gone.gguf")
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    with qtbot.waitSignal(window.features.inference.modelReady, timeout=60000) as ready:
        model.load()
    assert Path(ready.args[1]) == model_files.bundled_model_path()
    assert model.notice.message.startswith("The chosen tutor model gone.gguf is missing")
    assert any("gone.gguf is missing" in m for m in messages)  # the status bar too


@pytest.mark.slow
def test_the_stronger_model_suggestion_downloads_verifies_and_switches(window, qtbot, hub,
                                                                       monkeypatch, shots):
    """The fake hub serves the bundled file under a catalog entry that "fits"."""
    bundled = catalog.find(ENTRY_ID)
    entry = catalog.CatalogEntry(**{**bundled.__dict__, "id": "stronger-test",
                                    "name": "Stronger Test Model", "bundled": False,
                                    "file": "stronger-test.gguf", "min_ram_gb": 0.6})
    hub.host(entry.repo, entry.file, entry.revision,
             model_files.bundled_model_path().read_bytes())
    monkeypatch.setattr(catalog, "load_catalog", lambda path=None: [bundled, entry])
    monkeypatch.setattr(catalog, "available_ram", lambda: 6 * catalog.GIB)
    model = window.features.model
    model.set_banner_host(window.features.tutor.add_banner)
    with qtbot.waitSignal(window.features.inference.modelReady, timeout=60000):
        model.load()  # the built-in model: the suggestion appears
    banner = model.suggestion
    assert banner is not None
    qtbot.waitUntil(banner.isVisible, timeout=5000)  # a layout shows new children queued
    assert "Stronger Test Model" in banner.text.text() and "download (about" in \
        banner.text.text()
    window.grab().save(str(shots / "tutor-model-suggestion.png"))
    with qtbot.waitSignal(window.features.inference.modelReady, timeout=120000) as ready:
        banner.go.click()
        qtbot.waitUntil(lambda: banner.progress.isVisible(), timeout=5000)
        banner.grab().save(str(shots / "tutor-model-suggestion-downloading.png"))
    assert Path(ready.args[1]).name == "stronger-test.gguf"
    assert window.study.models.in_use() == (paths.models_dir() / "stronger-test.gguf").resolve()
    assert window.tutor_status.text() == "Tutor: stronger-test"


def test_dont_suggest_again_is_remembered(window, qtbot, monkeypatch):
    monkeypatch.setattr(catalog, "available_ram", lambda: 3 * catalog.GIB)
    model = window.features.model
    model.offer_stronger_model()
    banner = model.suggestion
    assert banner is not None and "Qwen2.5 1.5B Instruct" in banner.text.text()
    banner.never.click()
    assert window.study.models.suggestion() is None


@pytest.mark.slow
def test_a_chosen_file_that_fails_to_load_is_said_before_the_fallback(window, qtbot,
                                                                       tmp_path):
    """A file that passed no check (chosen by hand in settings) and that llama.cpp refuses."""
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\x00" * 64)
    model = window.features.model
    model.set_banner_host(window.features.tutor.add_banner)
    window.study.models.choose(broken)
    with qtbot.waitSignal(window.features.inference.modelReady, timeout=60000) as ready:
        model.load()
    assert Path(ready.args[1]) == model_files.bundled_model_path()
    said = model.notice.message
    assert said.startswith("Could not use broken: ") and "broken.gguf" in said
    assert said.endswith(f"The tutor uses {model_files.bundled_model_path().stem} for now.")


def test_the_suggestion_download_can_be_cancelled(window, qtbot, hub, monkeypatch):
    bundled = catalog.find(ENTRY_ID)
    entry = catalog.CatalogEntry(**{**bundled.__dict__, "id": "stronger-test",
                                    "name": "Stronger Test Model", "bundled": False,
                                    "file": "stronger-test.gguf", "min_ram_gb": 0.6})
    hub.host(entry.repo, entry.file, entry.revision,
             model_files.bundled_model_path().read_bytes())
    hub.rate = 10_000_000  # ten seconds for the whole file
    monkeypatch.setattr(catalog, "load_catalog", lambda path=None: [bundled, entry])
    monkeypatch.setattr(catalog, "available_ram", lambda: 6 * catalog.GIB)
    model = window.features.model
    model.offer_stronger_model()
    banner = model.suggestion
    banner.go.click()
    qtbot.waitUntil(lambda: banner.progress.value() > 0, timeout=20000)
    assert "Downloading" in banner.progress_label.text()
    banner.cancel.click()
    qtbot.waitUntil(lambda: not banner.downloading(), timeout=20000)
    assert "Download cancelled; nothing was installed." in banner.text.text()
    assert banner.go.text() == "Try again" and banner.go.isVisibleTo(banner)
    assert not (paths.models_dir() / "stronger-test.gguf").exists()
    assert window.study.models.in_use() == model_files.bundled_model_path().resolve()
