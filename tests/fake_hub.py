"""A small Hugging Face Hub look-alike on 127.0.0.1 for download tests.

It speaks the part of the protocol huggingface_hub uses to fetch one LFS file:

* ``HEAD|GET /{repo}/resolve/{revision}/{file}`` on the *hub* port answers ``302`` with
  ``X-Repo-Commit``, ``X-Linked-Etag`` (the file's SHA-256), ``X-Linked-Size``, an
  ``ETag`` and a ``Location`` on the *CDN* port, like huggingface.co redirecting to its
  CDN. Unknown repos, revisions and files get 404 with the hub's ``X-Error-Code``.
* ``HEAD|GET /blobs/{sha256}`` on the CDN port serves the real bytes with
  ``Content-Length``, ``ETag`` and ``Accept-Ranges``; ``Range: bytes=N-`` gets ``206``
  with ``Content-Range``.

Knobs for failure cases: ``corrupt`` (same size, wrong bytes, headers still announce
the real SHA-256), ``drop_after`` (the first GET is cut off after that many body bytes,
the connection closed mid-transfer), ``rate`` (bytes per second, to make a download
slow enough to cancel), ``trickle`` (after ``stall_after`` bytes, one byte every that
many seconds: alive but useless), ``stall_after`` alone (that many bytes, then
silence with the connection open), ``headers_delay`` (seconds of silence before the
status line), ``html`` (a sign-in page with 200 and ``text/html``; or, with
``html="octet"``, the same page labelled ``application/octet-stream``) and
``wrong_length`` (a Content-Length that is not the file's). Every request is logged in
``requests``. The servers are threaded, time out idle sockets, and stop in ``close()``
(or at the end of a ``with``); a stalled response ends when the server closes.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

CHUNK = 256 * 1024
COMMIT_MAIN = "0123456789abcdef0123456789abcdef01234567"
SIGN_IN_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>"
                b"<h1>Please log in to download this file</h1></body></html>\n")


@dataclass
class HostedFile:
    repo: str
    filename: str
    revision: str
    data: bytes
    sha256: str = ""

    def __post_init__(self) -> None:
        self.sha256 = self.sha256 or hashlib.sha256(self.data).hexdigest()


@dataclass
class Request:
    server: str  # "hub" or "cdn"
    method: str
    path: str
    range: str | None


@dataclass
class FakeHub:
    corrupt: bool = False
    drop_after: int | None = None
    rate: float | None = None
    trickle: float | None = None
    stall_after: int | None = None
    headers_delay: float | None = None
    html: bool | str = False
    wrong_length: int | None = None
    files: list[HostedFile] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    bytes_sent: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._dropped = False
        self.closing = threading.Event()  # wakes stalled responses when the server stops
        self.hub = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self, "hub"))
        self.cdn = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self, "cdn"))
        self._threads = []
        for server in (self.hub, self.cdn):
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                      daemon=True)
            thread.start()
            self._threads.append(thread)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.hub.server_address[1]}"

    @property
    def cdn_url(self) -> str:
        return f"http://127.0.0.1:{self.cdn.server_address[1]}"

    def host(self, repo: str, filename: str, revision: str, data: bytes) -> HostedFile:
        hosted = HostedFile(repo, filename, revision, data)
        self.files.append(hosted)
        return hosted

    def log(self, request: Request, sent: int = 0) -> None:
        with self._lock:
            self.requests.append(request)
            self.bytes_sent += sent

    def body_for(self, hosted: HostedFile) -> bytes:
        if not self.corrupt:
            return hosted.data
        # same length, different content: only the SHA-256 can tell
        half = len(hosted.data) // 2
        return hosted.data[:half] + bytes(len(hosted.data) - half)

    def take_drop(self) -> int | None:
        with self._lock:
            if self.drop_after is None or self._dropped:
                return None
            self._dropped = True
            return self.drop_after

    def close(self) -> None:
        self.closing.set()
        for server in (self.hub, self.cdn):
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> FakeHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
_BLOB = re.compile(r"^/blobs/(?P<sha>[0-9a-f]{64})$")
_RANGE = re.compile(r"^bytes=(\d+)-$")


def _handler(hub: FakeHub, role: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10  # an abandoned connection cannot hold a thread for long

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_HEAD(self) -> None:
            self._serve(body=False)

        def do_GET(self) -> None:
            self._serve(body=True)

        def _serve(self, body: bool) -> None:
            hub.log(Request(role, self.command, self.path, self.headers.get("Range")))
            if role == "hub":
                self._resolve()
            else:
                self._blob(body)

        def _error(self, status: int, code: str, message: str) -> None:
            payload = f'{{"error": "{message}"}}'.encode()
            self.send_response(status)
            self.send_header("X-Error-Code", code)
            self.send_header("X-Error-Message", message)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(payload)

        def _resolve(self) -> None:
            match = _RESOLVE.match(self.path.split("?")[0])
            if not match:
                return self._error(404, "RepoNotFound", "Repository not found")
            repo, rev, name = match["repo"], unquote(match["rev"]), unquote(match["file"])
            in_repo = [f for f in hub.files if f.repo == repo]
            if not in_repo:
                return self._error(401, "RepoNotFound", "Repository not found")
            at_rev = [f for f in in_repo if rev in (f.revision, "main")]
            if not at_rev:
                return self._error(404, "RevisionNotFound", "Invalid rev id")
            hosted = next((f for f in at_rev if f.filename == name), None)
            if hosted is None:
                return self._error(404, "EntryNotFound", "Entry not found")
            text = f"Found. Redirecting to {hub.cdn_url}/blobs/{hosted.sha256}".encode()
            self.send_response(302)
            self.send_header("Location", f"{hub.cdn_url}/blobs/{hosted.sha256}")
            self.send_header("X-Repo-Commit", hosted.revision if rev != "main" else COMMIT_MAIN)
            self.send_header("X-Linked-Etag", f'"{hosted.sha256}"')
            self.send_header("X-Linked-Size", str(len(hosted.data)))
            self.send_header("ETag", f'"{hashlib.sha1(hosted.sha256.encode()).hexdigest()}"')
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(text)

        def _blob(self, body: bool) -> None:
            match = _BLOB.match(self.path.split("?")[0])
            hosted = next((f for f in hub.files if match and f.sha256 == match["sha"]), None)
            if hosted is None:
                return self._error(404, "EntryNotFound", "No such blob")
            if hub.headers_delay and hub.closing.wait(hub.headers_delay):
                return
            if hub.html:
                return self._page(body)
            data = hub.body_for(hosted)
            start = 0
            wanted = _RANGE.match(self.headers.get("Range") or "")
            if wanted and int(wanted[1]) < len(data):
                start = int(wanted[1])
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            length = len(data) - start if hub.wrong_length is None else hub.wrong_length
            self.send_header("Content-Length", str(length))
            self.send_header("ETag", f'"{hosted.sha256}"')
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if not body:
                return
            if hub.trickle or hub.stall_after is not None:
                return self._stall(data, start)
            stop = hub.take_drop()
            self._send(data, start, len(data) if stop is None else min(len(data), start + stop))
            if stop is not None:
                self.close_connection = True  # cut off mid-transfer, as a flaky network does

        def _page(self, body: bool) -> None:
            self.send_response(200)
            kind = "application/octet-stream" if hub.html == "octet" else "text/html"
            self.send_header("Content-Type", kind)
            length = len(SIGN_IN_PAGE) if hub.wrong_length is None else hub.wrong_length
            self.send_header("Content-Length", str(length))
            self.end_headers()
            if body:
                self.wfile.write(SIGN_IN_PAGE)
                self.close_connection = True

        def _stall(self, data: bytes, start: int) -> None:
            """Send ``stall_after`` bytes, then a byte per ``trickle`` seconds (or nothing)."""
            first = min(len(data), start + (hub.stall_after or 0))
            self._send(data, start, first)
            self.close_connection = True
            sent = 0
            try:
                for offset in range(first, len(data)):
                    if hub.closing.wait(hub.trickle or 3600):
                        return
                    self.wfile.write(data[offset:offset + 1])
                    self.wfile.flush()
                    sent += 1
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up: what a stall limit is for
            finally:
                hub.log(Request(role, "TRICKLE", self.path, None), sent)

        def _send(self, data: bytes, start: int, end: int) -> None:
            began, sent = time.monotonic(), 0
            view = memoryview(data)
            try:
                for offset in range(start, end, CHUNK):
                    piece = view[offset:min(offset + CHUNK, end)]
                    self.wfile.write(piece)
                    sent += len(piece)
                    if hub.rate:
                        ahead = sent / hub.rate - (time.monotonic() - began)
                        if ahead > 0:
                            time.sleep(ahead)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client went away (cancel): nothing to do
            finally:
                hub.log(Request(role, "BODY", self.path, None), sent)

    return Handler


def free_port() -> int:
    """A port nothing listens on (for the "server down" case)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
