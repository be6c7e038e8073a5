"""Which model the Lab reads: the tutor's own llama.cpp model, or the bundled one."""

from __future__ import annotations

from companion.lab import model_access
from companion.tutor.model_files import bundled_model_path


def test_a_server_engine_gets_the_bundled_model_with_a_plain_reason():
    class Server:
        kind, name = "server", "qwen @ 127.0.0.1:8080"

    model = model_access.for_engine(Server())
    assert model.path == bundled_model_path()
    assert "server" in model.note and "bundled model" in model.note
    assert model_access.from_engine(Server()) is None
