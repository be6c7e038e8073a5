"""Server addresses and errors in plain words (no network: the live cases are integration)."""

from __future__ import annotations

import json

import httpx2
import openai
import pytest

from companion.tutor.engine import ModelError
from companion.tutor.server_client import (
    ServerModel,
    describe,
    normalize_url,
    pick_model,
    stream_cut,
)
from companion.tutor.server_engine import ServerEngine, _StripPrefill

URL = "http://127.0.0.1:8080/v1"


@pytest.mark.parametrize("typed, url", [
    ("127.0.0.1:8080", URL), ("http://127.0.0.1:8080", URL), ("http://127.0.0.1:8080/", URL),
    (" http://127.0.0.1:8080/v1/ ", URL), ("localhost:11434/v1", "http://localhost:11434/v1"),
    ("https://gpu-box.lan/api/v1", "https://gpu-box.lan/api/v1"),
])
def test_an_address_is_completed_to_the_api_base(typed, url):
    assert normalize_url(typed) == url


@pytest.mark.parametrize("typed, says", [
    ("", "Type the server's address"), ("ftp://host/v1", "not a web address"),
    ("http://host:99999/v1", "invalid port"), ("http:///v1", "not a valid server address"),
])
def test_a_bad_address_is_one_line(typed, says):
    with pytest.raises(ModelError, match=says):
        normalize_url(typed)


def _status(cls, code: int, body: dict | None = None):
    request = httpx2.Request("POST", URL + "/chat/completions")
    response = httpx2.Response(code, request=request, json=body or {})
    return cls(message=f"Error code: {code}", response=response, body=body)


def test_each_status_has_its_own_line():
    assert "refused the API key (401" in describe(_status(openai.AuthenticationError, 401), URL)
    assert "403" in describe(_status(openai.PermissionDeniedError, 403), URL)
    assert "(it usually ends in /v1)" not in describe(
        _status(openai.NotFoundError, 404, {"error": {"message": "model 'x' not found"}}), URL,
        "x")
    assert "has no model 'x'" in describe(
        _status(openai.NotFoundError, 404, {"error": {"message": "model 'x' not found"}}), URL,
        "x")
    assert "not an OpenAI-compatible API (404" in describe(
        _status(openai.NotFoundError, 404), URL)
    said = describe(_status(openai.InternalServerError, 500, {"detail": "boom"}), URL)
    assert said == "The server at 127.0.0.1:8080 answered 500: boom"


def test_connection_problems_are_named():
    request = httpx2.Request("GET", URL)
    refused = openai.APIConnectionError(request=request)
    refused.__cause__ = ConnectionRefusedError(111, "Connection refused")
    assert describe(refused, URL).startswith("No server is running at 127.0.0.1:8080")
    assert "did not answer in time" in describe(openai.APITimeoutError(request=request), URL)


def test_stream_problems_are_named():
    bad = json.JSONDecodeError("Expecting value", "x", 0)
    assert "not JSON" in stream_cut(bad, "h:1", 3)
    assert "cut mid-answer (after 3 pieces)" in stream_cut(ConnectionResetError(), "h:1", 3)


def test_pick_model_names_what_there_is():
    models = [ServerModel("a", None), ServerModel("b", 8192)]
    assert pick_model(models, None, URL).id == "a" and pick_model(models, "b", URL).context == 8192
    with pytest.raises(ModelError, match="has no model 'c'; it offers: a, b."):
        pick_model(models, "c", URL)


def test_estimated_counts_cut_inside_the_estimate():
    engine = ServerEngine.__new__(ServerEngine)  # counting needs no server
    text = "attention lets every token look at every other token " * 40
    cut = engine.cut(text, 50)
    assert engine.count(cut) <= 50 < engine.count(text) and text.startswith(cut)
    assert engine.count("") == 0 and engine.count_chat([{"role": "user", "content": "hi"}]) > 1


@pytest.mark.parametrize("pieces, out", [
    (["The correct", " answer is B.", " Because"], " Because"),
    (["The correct answer is B. Because"], "Because"),
    (["Because it", " is"], "Because it is"),
    (["The", " correct one is C"], "The correct one is C"),
])
def test_a_repeated_prefill_is_stripped_once(pieces, out):
    strip = _StripPrefill("The correct answer is B. ")
    assert "".join(strip.feed(p) for p in pieces) + strip.flush() == out
