"""Real and scripted OpenAI-compatible servers on 127.0.0.1 for the server-engine tests.

``LlamaServer`` runs llama-cpp-python's own server (``python -m llama_cpp.server``,
the ``[server]`` extra) on the bundled model in a child process. ``ScriptedServer``
is a stdlib HTTP server that misbehaves on purpose (never answers, stalls mid-stream,
sends HTML, wants a key): failures no healthy server can be made to show on demand.
Nothing here listens on or talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"
ALIAS = "smollm2"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class LlamaServer:
    """``python -m llama_cpp.server`` serving ``model`` on 127.0.0.1 (started, then killed)."""

    def __init__(self, model: Path, n_ctx: int = 4096, threads: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}/v1"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # the log goes to a file: llama.cpp writes more than a pipe holds while loading
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", HOST,
             "--port", str(self.port), "--n_ctx", str(n_ctx), "--model_alias", ALIAS,
             "--n_threads", str(threads), "--n_threads_batch", str(threads)],
            stdout=subprocess.DEVNULL, stderr=self.log, env=env)

    def wait_ready(self, timeout_s: float = 90.0) -> LlamaServer:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError("llama_cpp.server exited: "
                                   + self.log.read().decode(errors="replace")[-800:])
            try:
                with urllib.request.urlopen(f"{self.url}/models", timeout=2) as reply:
                    if reply.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"llama_cpp.server did not answer within {timeout_s:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self.log.close()


class ScriptedServer:
    """An OpenAI-shaped server on 127.0.0.1 whose behaviour a test picks.

    mode: "ok" (a short streamed answer), "hang" (accepts, never answers), "stall"
    (models list fine, then two pieces of a stream and silence), "html" (a web page),
    "auth" (401 unless the right key), "garbage-stream" (a stream of non-JSON).
    """

    KEY = "secret-key"

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.release = threading.Event()  # ends every wait, so shutdown is quick
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.handle(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                server.handle(self, "POST")

        self.httpd = ThreadingHTTPServer((HOST, 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://{HOST}:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        mode = self.mode
        if mode == "hang":
            self.release.wait(30)
            return
        if mode == "html":
            return self._send(h, 200, b"<!doctype html><html><body>Router login</body></html>",
                              "text/html")
        if mode == "auth" and h.headers.get("Authorization") != f"Bearer {self.KEY}":
            return self._send(h, 401, json.dumps({"error": {
                "message": "Invalid API key", "type": "invalid_request_error"}}).encode())
        if method == "GET":
            return self._send(h, 200, json.dumps({"object": "list", "data": [
                {"id": "scripted", "object": "model", "owned_by": "test"}]}).encode())
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        if mode == "garbage-stream":
            self._chunk(h, b"data: this is not json\n\n")
            self._chunk(h, b"")
            return
        for word in ["Hello", " there", "."]:
            self._chunk(h, _event({"content": word}))
            if mode == "stall" and word == " there":
                self.release.wait(30)
                return
        self._chunk(h, _event({}, "stop"))
        self._chunk(h, b"data: [DONE]\n\n")
        self._chunk(h, b"")

    @staticmethod
    def _send(h, status: int, body: bytes, kind: str = "application/json") -> None:
        h.send_response(status)
        h.send_header("Content-Type", kind)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    @staticmethod
    def _chunk(h, data: bytes) -> None:
        try:
            h.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            h.wfile.flush()
        except OSError:
            pass

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def _event(delta: dict, finish: str | None = None) -> bytes:
    chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "scripted",
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(chunk)}\n\n".encode()
