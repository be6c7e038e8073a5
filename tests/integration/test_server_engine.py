"""The tutor on a real OpenAI-compatible server: llama-cpp-python's own server on 127.0.0.1.

The server is ``python -m llama_cpp.server`` (the ``[server]`` extra) serving the
bundled model in a child process; misbehaviour no healthy server shows on demand
(hanging, stalling mid-stream, HTML, 401, non-JSON) comes from a scripted stdlib
server. Nothing talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import threading
import time

import pytest

from companion.jobs import JobContext
from companion.tutor import engines
from companion.tutor.conversation import Conversation
from companion.tutor.engine import Engine, ModelError, Sampling
from companion.tutor.server_client import check_server
from companion.tutor.server_engine import ServerEngine
from tests.integration.llama_server import ALIAS, HOST, LlamaServer, ScriptedServer, free_port

pytest.importorskip("uvicorn", reason="needs llama-cpp-python[server] (the test extra)")
pytestmark = pytest.mark.slow

ESSAY = [{"role": "user", "content": "Write a long, detailed essay about how attention works "
                                     "in transformers, with many examples."}]


@pytest.fixture(scope="module")
def server(model_path):
    s = LlamaServer(model_path).wait_ready()
    yield s
    s.stop()


@pytest.fixture
def scripted(request):
    s = ScriptedServer(request.param)
    yield s
    s.stop()


def test_streams_an_answer_in_pieces_with_numbers(server):
    engine = ServerEngine(server.url, sampling=Sampling(seed=3))
    assert isinstance(engine, Engine) and engine.kind == "server"
    assert engine.model == ALIAS and engine.name == f"{ALIAS} @ {HOST}:{server.port}"
    pieces = list(engine.stream_chat([{"role": "user", "content": "What is a token?"}], 40))
    assert len(pieces) > 5 and "".join(pieces).strip()
    stats = engine.last
    assert stats.finish_reason in ("stop", "length") and not stats.stopped
    assert stats.completion_tokens >= len(pieces) - 1 and stats.ttft_s > 0
    assert stats.prompt_tokens > 5  # the server's own count (usage), or our estimate
    engine.close()


def test_the_course_first_pipeline_runs_unchanged_on_a_server(server, study):
    engine = engines.server_factory(server.url)()  # what the GUI and the CLI make
    conv = Conversation(max_tokens=60)
    answer = conv.answer(engine, conv.prepare(study.db, study.course, "What is LoRA?"),
                         JobContext())
    assert answer.citations, "a course question is answered from the course"
    assert answer.model == engine.name and answer.to_json()["citations"]
    engine.close()


def test_stop_mid_answer_ends_the_stream_and_the_server_stays_usable(server):
    engine = ServerEngine(server.url)
    cancel = threading.Event()
    got, times = [], []
    start = time.perf_counter()
    for piece in engine.stream_chat(ESSAY, 400, cancel):
        got.append(piece)
        times.append(time.perf_counter())
        if len(got) == 4:
            cancel.set()
    assert engine.last.stopped and len(got) == 4
    assert time.perf_counter() - start < 30
    # the server stopped writing the essay: the next answer does not wait for the other
    # 396 tokens (it would if the server went on generating for nobody)
    per_token = (times[-1] - times[0]) / 3
    start = time.perf_counter()
    assert "".join(engine.stream_chat([{"role": "user", "content": "Say hi."}], 4)).strip()
    assert time.perf_counter() - start < 396 * per_token / 2
    engine.close()


def test_wrong_model_name_is_one_line_naming_what_the_server_has(server):
    with pytest.raises(ModelError) as err:
        ServerEngine(server.url, model="qwen2.5-7b")
    assert str(err.value) == (f"The server at {HOST}:{server.port} has no model 'qwen2.5-7b'; "
                              f"it offers: {ALIAS}.")


def test_wrong_path_and_server_down_are_one_line_each(server):
    with pytest.raises(ModelError, match=r"not an OpenAI-compatible API \(404"):
        ServerEngine(f"http://{HOST}:{server.port}/api")
    port = free_port()
    with pytest.raises(ModelError, match="No server is running at 127.0.0.1:.*connection refused"):
        ServerEngine(f"http://{HOST}:{port}/v1")
    # an address typed without http:// and /v1 reaches the same API
    assert ServerEngine(f"{HOST}:{server.port}").base_url == server.url


def test_the_test_button_reports_a_working_server(server):
    said = check_server(f"{HOST}:{server.port}", None, ALIAS)
    assert said.startswith(f"Works: {ALIAS} at {HOST}:{server.port} answered in ")


def test_server_killed_mid_stream_is_a_one_line_error(model_path):
    own = LlamaServer(model_path).wait_ready()
    try:
        engine = ServerEngine(own.url)
        got = []
        with pytest.raises(ModelError) as err:
            for piece in engine.stream_chat(ESSAY, 400):
                got.append(piece)
                if len(got) == 3:
                    own.process.kill()
        assert len(got) >= 3
        assert "cut mid-answer" in str(err.value) or "without finishing" in str(err.value)
        assert "\n" not in str(err.value)
        with pytest.raises(ModelError, match="No server is running"):
            list(engine.stream_chat([{"role": "user", "content": "Still there?"}], 8))
    finally:
        own.stop()


@pytest.mark.parametrize("scripted", ["hang"], indirect=True)
def test_a_server_that_never_answers_times_out(scripted):
    start = time.perf_counter()
    with pytest.raises(ModelError, match="did not answer in time"):
        ServerEngine(scripted.url, token_timeout=1.0)
    assert time.perf_counter() - start < 10


@pytest.mark.parametrize("scripted", ["stall"], indirect=True)
def test_a_stream_that_stalls_is_cut_by_the_between_token_timeout(scripted):
    engine = ServerEngine(scripted.url, token_timeout=1.0)
    got = []
    start = time.perf_counter()
    with pytest.raises(ModelError, match="stopped sending for too long"):
        for piece in engine.stream_chat([{"role": "user", "content": "hi"}], 20):
            got.append(piece)
    assert got == ["Hello", " there"] and time.perf_counter() - start < 10


@pytest.mark.parametrize("scripted", ["stall"], indirect=True)
def test_stop_works_while_the_server_is_silent(scripted):
    engine = ServerEngine(scripted.url, token_timeout=20.0)
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    start = time.perf_counter()
    got = list(engine.stream_chat([{"role": "user", "content": "hi"}], 20, cancel))
    assert got == ["Hello", " there"] and engine.last.stopped
    assert time.perf_counter() - start < 5, "Stop must not wait for the 20 s timeout"


@pytest.mark.parametrize("scripted", ["html"], indirect=True)
def test_a_web_page_instead_of_json_is_named(scripted):
    with pytest.raises(ModelError, match="did not answer with JSON"):
        ServerEngine(scripted.url)


@pytest.mark.parametrize("scripted", ["garbage-stream"], indirect=True)
def test_a_stream_of_non_json_is_named(scripted):
    engine = ServerEngine(scripted.url)
    with pytest.raises(ModelError, match="not JSON"):
        list(engine.stream_chat([{"role": "user", "content": "hi"}], 20))


@pytest.mark.parametrize("scripted", ["auth"], indirect=True)
def test_401_says_the_key_is_refused_and_the_right_key_works(scripted):
    with pytest.raises(ModelError, match=r"refused the API key \(401"):
        ServerEngine(scripted.url, api_key="wrong")
    engine = ServerEngine(scripted.url, api_key=ScriptedServer.KEY)
    assert "".join(engine.stream_chat([{"role": "user", "content": "hi"}], 20)) == "Hello there."


def _cli(*args: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "companion", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_models_server_then_use_bundled(server, monkeypatch):
    import json

    done = _cli("models", "server", f"{HOST}:{server.port}", "--model", ALIAS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == server.url
    assert done.stderr.startswith(f"Works: {ALIAS} at {HOST}:{server.port}")
    listed = json.loads(_cli("models", "list", "--json").stdout)
    assert listed["server"] == {"url": server.url, "model": ALIAS} and listed["in_use"] is None

    wrong = _cli("models", "server", server.url, "--model", "nope")
    assert wrong.returncode == 1 and wrong.stderr.count("\n") == 1
    assert "has no model 'nope'; it offers: smollm2." in wrong.stderr
    monkeypatch.delenv("NO_SUCH_KEY_VAR", raising=False)
    missing = _cli("models", "server", server.url, "--api-key-env", "NO_SUCH_KEY_VAR")
    assert missing.returncode == 1 and "NO_SUCH_KEY_VAR is not set" in missing.stderr

    back = _cli("models", "use", "bundled")
    assert back.returncode == 0 and back.stdout.strip().endswith(".gguf")
    assert json.loads(_cli("models", "list", "--json").stdout)["server"] is None


def test_an_address_that_never_accepts_the_connection_times_out_on_connect():
    """A listening socket with a full backlog drops new connections: connecting hangs."""
    import socket

    listener = socket.socket()
    listener.bind((HOST, 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            try:
                filler.connect((HOST, port))
            except BlockingIOError:
                pass
            fillers.append(filler)
        time.sleep(0.2)
        start = time.perf_counter()
        with pytest.raises(ModelError, match="did not answer in time"):
            ServerEngine(f"http://{HOST}:{port}/v1", connect_timeout=1.0, token_timeout=60.0)
        assert time.perf_counter() - start < 10  # the connect timeout, not the 60 s one
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_cli_ask_over_a_server_answers_from_the_course_and_says_the_engine(server):
    """The acceptance line: `companion ask "What is LoRA?" --json --server URL`."""
    import json

    done = _cli("ask", "What is LoRA?", "--json", "--server", server.url, "--max-tokens", "40")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["engine"] == "server" and not answer["not_from_course"]
    assert answer["answer"] and any(c["day"] in (5, 10) for c in answer["citations"])
    down = _cli("ask", "What is LoRA?", "--server", f"http://{HOST}:{free_port()}/v1")
    assert down.returncode == 1 and down.stderr.count("\n") == 1
