"""The learner's choice becomes an engine plan; a fallback is always announced."""

from __future__ import annotations

import os
import stat

import pytest

from companion import paths
from companion.storage import settings
from companion.tutor import api_key, engines, model_files
from companion.tutor.engine import ModelError
from companion.tutor.engines import EngineChoice


def test_the_built_in_model_is_the_default_plan():
    plan = engines.plan_for(EngineChoice())
    assert plan.is_default and plan.problem is None and plan.fallback is None
    assert plan.where == str(model_files.bundled_model_path())


def test_a_missing_chosen_file_is_said_before_falling_back(tmp_path):
    plan = engines.plan_for(EngineChoice("file", path=str(tmp_path / "gone.gguf")))
    assert plan.problem.startswith("The chosen tutor model gone.gguf is missing")
    assert plan.problem.endswith(f"using {model_files.bundled_model_path().name} instead.")
    with pytest.raises(ModelError, match="gone.gguf is missing.*models use bundled"):
        model_files.resolve_model(str(tmp_path / "gone.gguf"))


def test_a_server_plan_falls_back_to_the_built_in_model():
    plan = engines.plan_for(EngineChoice("server", url="http://127.0.0.1:9/v1", model="m"))
    assert plan.where == "http://127.0.0.1:9/v1" and plan.fallback.is_default
    with pytest.raises(ModelError, match="No server is running at 127.0.0.1:9"):
        plan.factory()
    with pytest.raises(ModelError, match="no address is saved"):
        engines.plan_for(EngineChoice("server"))


def test_the_cli_warns_then_falls_back_and_never_for_an_explicit_choice(tmp_path):
    said: list[str] = []
    saved = EngineChoice("server", url="http://127.0.0.1:9/v1")
    engine = engines.cli_engine(saved=saved, warn=said.append)
    try:
        assert engine.kind == "llama.cpp" and len(said) == 1
        assert said[0].startswith("No server is running") and "instead." in said[0]
    finally:
        engine.close()
    with pytest.raises(ModelError, match="No server is running"):
        engines.cli_engine(server="http://127.0.0.1:9/v1")
    with pytest.raises(ModelError, match="Model file not found"):
        engines.cli_engine(model=str(tmp_path / "nope.gguf"))


def test_server_settings_keep_the_key_out_of_the_database(study, monkeypatch):
    monkeypatch.setattr(api_key, "_keyring", lambda: None)  # as on a machine without one
    study.models.use_server("127.0.0.1:8080", "qwen", key="sk-secret")
    choice = study.models.engine_choice()
    assert choice == EngineChoice("server", url="http://127.0.0.1:8080/v1", model="qwen")
    dumped = "\n".join(str(row) for row in study.db.execute("SELECT * FROM settings"))
    assert "sk-secret" not in dumped
    assert study.models.server_key(choice.url) == "sk-secret"
    assert engines.server_key(choice) == "sk-secret"
    if os.name == "posix":
        assert stat.S_IMODE(api_key.key_file().stat().st_mode) == 0o600
    assert str(paths.data_dir()) in api_key.where_kept()
    study.models.use_bundled()
    assert study.models.engine_choice() == EngineChoice("file")
    assert study.models.server_settings().url == choice.url  # kept for next time
    study.models.use_server("127.0.0.1:8080", key=None)
    assert study.models.server_key(choice.url) is None and not api_key.key_file().exists()


def test_a_key_from_the_environment_saves_only_the_variable_name(study, monkeypatch):
    monkeypatch.setenv("MY_TUTOR_KEY", "sk-env")
    study.models.use_server("http://127.0.0.1:8080/v1", key_env="MY_TUTOR_KEY")
    choice = study.models.engine_choice()
    assert settings.get(study.db, settings.SERVER_KEY_ENV) == "MY_TUTOR_KEY"
    assert engines.server_key(choice) == "sk-env"


def test_models_list_says_when_the_chosen_file_is_missing(study, tmp_path, capsys):
    import json

    from companion.cli import main

    study.models.choose(tmp_path / "gone.gguf")
    assert main(["models", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["problem"].startswith("The chosen tutor model gone.gguf is missing")
    assert listed["in_use"] == str(model_files.bundled_model_path().resolve())
    assert main(["models", "list"]) == 0
    assert capsys.readouterr().out.startswith("Note: The chosen tutor model gone.gguf is missing")
