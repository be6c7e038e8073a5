"""Talking to an OpenAI-compatible server: its address, its models, and plain-words errors.

llama.cpp's ``llama-server``, Ollama, LM Studio, vLLM and Jan all speak the OpenAI
chat-completions API. The official ``openai`` client does the HTTP and the
server-sent events; this module turns what a learner types into a base URL, asks
the server which models it has (``GET /v1/models``), and turns every failure into
one line that says what to do (server down, wrong address, 401, no such model,
a reply that is not JSON, a stream cut off).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from companion.tutor.engine import ModelError

CONNECT_TIMEOUT_S = 5.0  # an address that does not answer in 5 s is not going to
TOKEN_TIMEOUT_S = 60.0  # the longest wait for the next piece (the first includes reading)
NO_KEY = "no-key"  # sent when there is none: never the OPENAI_API_KEY of the environment


def normalize_url(text: str) -> str:
    """``localhost:8080`` -> ``http://localhost:8080/v1``; raises ModelError if not an address."""
    text = (text or "").strip().rstrip("/")
    if not text:
        raise ModelError("Type the server's address, e.g. http://127.0.0.1:8080/v1.")
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise ModelError(f"{text} is not a web address: it must start with http:// or https://.")
    try:
        port = parts.port
    except ValueError:
        raise ModelError(f"{text} has an invalid port number.") from None
    if not parts.hostname or " " in text or (port is not None and not 0 < port < 65536):
        raise ModelError(f"{text} is not a valid server address.")
    path = parts.path.rstrip("/")
    if not path:
        path = "/v1"  # every one of the servers above serves the API under /v1
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def host_of(url: str) -> str:
    return urlsplit(url).netloc or url


def make_client(base_url: str, api_key: str | None, connect_s: float = CONNECT_TIMEOUT_S,
                token_s: float = TOKEN_TIMEOUT_S):
    """An ``openai.OpenAI`` client with our timeouts and no automatic retries.

    Retries would turn "server down" into a 10-second wait before the same answer;
    the learner can press the button again.
    """
    try:
        import openai
    except ImportError:
        raise ModelError("Using a server needs the 'openai' package (pip install openai).") \
            from None

    _quiet_transport_logs()
    timeout = openai.Timeout(token_s, connect=connect_s, write=connect_s, pool=connect_s)
    return openai.OpenAI(base_url=base_url, api_key=api_key or NO_KEY, timeout=timeout,
                         max_retries=0)


def _quiet_transport_logs() -> None:
    """The HTTP library logs every request at INFO; a learner's terminal is not a log.

    (A library that calls ``logging.basicConfig(level=INFO)`` on import would otherwise
    print a line per question.) ``OPENAI_LOG=debug`` still shows them for debugging.
    """
    import logging
    import os

    if not os.environ.get("OPENAI_LOG"):
        for name in ("httpx2", "httpcore2", "httpx", "httpcore"):
            logging.getLogger(name).setLevel(logging.WARNING)


@dataclass(frozen=True)
class ServerModel:
    id: str
    context: int | None  # tokens, when the server says (vLLM, some others)


def list_models(client: Any, base_url: str) -> list[ServerModel]:
    """The models the server offers, from ``GET /v1/models``; ModelError in one line if not."""
    try:
        raw = client.models.with_raw_response.list()
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line for the learner
        raise ModelError(describe(exc, base_url)) from None
    try:
        if "json" not in raw.headers.get("content-type", "").lower():
            raise ValueError("not JSON")
        items = list(raw.parse().data)
    except Exception:  # noqa: BLE001 - a web page, or JSON of another shape
        raise ModelError(f"The server at {host_of(base_url)} did not answer with JSON: is "
                         f"{base_url} the API address (it usually ends in /v1)?") from None
    models = []
    for item in items:
        extra = getattr(item, "model_extra", None) or {}
        context = None
        for key in ("max_model_len", "context_length", "context_window", "n_ctx"):
            if isinstance(extra.get(key), int) and extra[key] > 0:
                context = extra[key]
                break
        meta = extra.get("meta") if isinstance(extra.get("meta"), dict) else {}
        if context is None and isinstance(meta.get("n_ctx_train"), int):
            context = meta["n_ctx_train"]
        if isinstance(item.id, str) and item.id:
            models.append(ServerModel(item.id, context))
    if not models:
        raise ModelError(f"The server at {host_of(base_url)} offers no models: load one in "
                         "the server first.")
    return models


def pick_model(models: list[ServerModel], wanted: str | None, base_url: str) -> ServerModel:
    """The model called ``wanted`` (the first one when none is given), or a one-line error."""
    if not wanted:
        return models[0]
    for m in models:
        if m.id == wanted:
            return m
    offered = ", ".join(m.id for m in models[:5]) + (", …" if len(models) > 5 else "")
    raise ModelError(f"The server at {host_of(base_url)} has no model '{wanted}'; it offers: "
                     f"{offered}.")


def check_server(base_url: str, api_key: str | None, model: str | None,
                connect_s: float = CONNECT_TIMEOUT_S, token_s: float = 30.0) -> str:
    """What the dialog's Test button does: list the models, then ask for a few tokens."""
    base_url = normalize_url(base_url)
    client = make_client(base_url, api_key, connect_s, token_s)
    try:
        chosen = pick_model(list_models(client, base_url), model, base_url)
        start = time.perf_counter()
        try:
            reply = client.chat.completions.create(
                model=chosen.id, max_tokens=4, temperature=0.0,
                messages=[{"role": "user", "content": "Say OK."}])
            text = (reply.choices[0].message.content or "").strip()
        except Exception as exc:  # noqa: BLE001
            raise ModelError(describe(exc, base_url, chosen.id)) from None
        took = time.perf_counter() - start
        said = f" (it said “{text[:30]}”)" if text else ""
        return f"Works: {chosen.id} at {host_of(base_url)} answered in {took:.1f} s{said}."
    finally:
        client.close()


# ----- errors in one line --------------------------------------------------------------------
def describe(exc: BaseException, base_url: str, model: str | None = None) -> str:
    """One line that says what went wrong talking to the server and what to do about it."""
    import openai

    host = host_of(base_url)
    if isinstance(exc, ModelError):
        return str(exc)
    if isinstance(exc, openai.APITimeoutError):
        return (f"The server at {host} did not answer in time: it may be busy or "
                "unreachable.")
    if isinstance(exc, openai.APIConnectionError):
        return _connection_problem(exc, host)
    if isinstance(exc, openai.AuthenticationError):
        return (f"The server at {host} refused the API key (401 Unauthorized): check the key "
                "in Models → Use a server….")
    if isinstance(exc, openai.PermissionDeniedError):
        return f"The server at {host} refused access (403 Forbidden): check the API key."
    if isinstance(exc, openai.NotFoundError):
        if model and "model" in _server_message(exc).lower():
            return f"The server at {host} has no model '{model}'."
        return (f"{base_url} is not an OpenAI-compatible API (404 Not Found): the address "
                "usually ends in /v1.")
    if isinstance(exc, openai.APIResponseValidationError) or _is_json_error(exc):
        return (f"The server at {host} did not answer with JSON: is {base_url} the API "
                "address (it usually ends in /v1)?")
    if isinstance(exc, openai.APIStatusError):
        detail = _server_message(exc)
        if model and exc.status_code in (400, 404) and "model" in detail.lower() \
                and ("not found" in detail.lower() or "does not exist" in detail.lower()):
            return f"The server at {host} has no model '{model}'."
        return f"The server at {host} answered {exc.status_code}: {detail[:160]}"
    return f"Talking to the server at {host} failed: {_short(exc)}"


def stream_cut(exc: BaseException, host: str, received: int) -> str:
    """The line for an answer whose stream broke after ``received`` pieces."""
    import openai

    if _is_json_error(exc):
        return f"The server at {host} sent something that is not JSON mid-answer."
    if _is_read_timeout(exc):
        return (f"The server at {host} stopped sending for too long; the answer was cut off "
                f"after {received} pieces.")
    if isinstance(exc, openai.APIStatusError):
        return describe(exc, f"http://{host}")
    return (f"The connection to the server at {host} was cut mid-answer (after {received} "
            "pieces): the server may have stopped.")


def _connection_problem(exc: BaseException, host: str) -> str:
    chain = _chain(exc)
    text = " ".join(str(e) for e in chain).lower()
    if "refused" in text:
        return f"No server is running at {host} (connection refused): start it, or check the port."
    if "name or service not known" in text or "nodename nor servname" in text \
            or "getaddrinfo" in text or "name resolution" in text:
        return f"Cannot find the computer '{host.split(':')[0]}': check the address."
    if any(type(e).__name__ in ("RemoteProtocolError", "ReadError") for e in chain):
        return f"The server at {host} closed the connection without a proper answer."
    return f"Cannot reach the server at {host}: {_short(chain[-1])}"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen and len(seen) < 8:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def _is_json_error(exc: BaseException) -> bool:
    return any(isinstance(e, json.JSONDecodeError) for e in _chain(exc))


def _is_read_timeout(exc: BaseException) -> bool:
    import openai

    return any(isinstance(e, openai.APITimeoutError) or "timeout" in type(e).__name__.lower()
               for e in _chain(exc))


def _server_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"]
        if isinstance(body.get("detail"), str):
            return body["detail"]
    return _short(exc)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]
