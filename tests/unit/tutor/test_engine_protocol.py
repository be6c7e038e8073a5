"""Every engine offers the whole protocol, with the same parameters (so swapping is safe)."""

from __future__ import annotations

import inspect

import pytest

from companion.tutor.engine import Engine
from companion.tutor.llama_engine import LlamaEngine
from companion.tutor.server_engine import ServerEngine
from tests.fakes import FakeEngine

METHODS = [name for name, value in vars(Engine).items()
           if callable(value) and not name.startswith("_")]


@pytest.mark.parametrize("engine_class", [FakeEngine, LlamaEngine, ServerEngine])
def test_engine_implements_every_protocol_method_with_the_same_parameters(engine_class):
    assert set(METHODS) >= {"count", "count_chat", "cut", "stream_chat", "complete_chat",
                            "close"}
    for name in METHODS:
        want = list(inspect.signature(getattr(Engine, name)).parameters)
        got = list(inspect.signature(getattr(engine_class, name)).parameters)
        assert got[:len(want)] == want, f"{engine_class.__name__}.{name}{got} vs {want}"


def test_the_fake_is_an_engine_at_runtime():
    fake = FakeEngine(["a ", "b"])
    assert isinstance(fake, Engine)
    assert "".join(fake.stream_chat([{"role": "user", "content": "hi"}])) == "a b"
    assert fake.last.completion_tokens == 2 and fake.cut("one two three", 2) == "one two"
