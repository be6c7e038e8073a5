"""One HTTP response streamed into a partial file: a stall limit, a prompt Cancel, no HTML.

What a download needs beyond "GET and write":

* **A stall limit.** A read timeout alone is not one: a server sending one byte every
  5 s never trips it. A watchdog thread requires ``STALL_BYTES`` to arrive in every
  ``STALL_S`` seconds, else it cuts the connection and the download stops with a
  clear error; the partial file keeps what arrived, so the next try resumes.
* **Cancel within a fraction of a second**, even while no byte arrives: the same
  watchdog shuts the socket down (which wakes the blocked read) as soon as Cancel is
  pressed. It gets the socket from httpx's connection trace, so this works while
  waiting for the response headers too.
* **Nothing written that is not the file**: the status, the ``Content-Range``, the
  ``Content-Length`` and the ``Content-Type`` are checked before the first byte is
  written (an HTML sign-in page served with 200 used to become the start of the
  partial), and a body that starts at byte 0 must start with ``GGUF``.

It uses a fresh httpx client (the HTTP library huggingface_hub itself uses), with the
hub's headers and the usual proxy settings from the environment.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from companion import __version__

CONNECT_TIMEOUT_S = 10.0
STALL_S = 30.0  # this long with less than STALL_BYTES received: stalled
STALL_ENV = "COMPANION_DOWNLOAD_STALL_S"  # for very slow links (and for tests)
STALL_BYTES = 16 * 1024
WATCH_S = 0.1
MAGIC = b"GGUF"
_REFUSED_TYPES = ("text/html", "application/xhtml+xml", "text/xml", "application/json")


class StreamCancelled(Exception):
    """Cancel was pressed; nothing more was written."""


class Stalled(Exception):
    """Too little arrived for too long; what arrived before is kept."""


class StreamRefused(Exception):
    """The response is not the file's bytes (HTML, wrong size, error status); none written."""


class StreamFailed(OSError):
    """The connection failed or ended early; what arrived is kept."""


def stall_seconds() -> float:
    try:
        return max(1.0, float(os.environ.get(STALL_ENV, "")))
    except ValueError:
        return STALL_S


class _Watchdog:
    """Cuts the connection on Cancel or on a stall, from its own thread."""

    def __init__(self, cancel: threading.Event) -> None:
        self.stall_s = stall_seconds()
        self.cancel = cancel
        self.reason = ""
        self._socket: socket.socket | None = None
        self._window = time.monotonic()
        self._window_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="download-watchdog", daemon=True)
        self._thread.start()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx's trace hook: remember the socket as soon as it is connected."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                self._socket = sock
                if self.reason:  # cancelled while connecting
                    self._shut()

    def fed(self, count: int) -> None:
        self._window_bytes += count
        if self._window_bytes >= STALL_BYTES:
            self._window, self._window_bytes = time.monotonic(), 0

    def _run(self) -> None:
        while not self._stop.wait(WATCH_S):
            if self.cancel.is_set():
                self._cut("cancel")
            elif time.monotonic() - self._window > self.stall_s:
                self._cut("stalled")

    def _cut(self, reason: str) -> None:
        if not self.reason:
            self.reason = reason
            self._shut()

    def _shut(self) -> None:
        if self._socket is not None:
            try:
                self._socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


def _headers(have: int) -> dict[str, str]:
    from huggingface_hub.utils import build_hf_headers

    headers = dict(build_hf_headers(token=False, library_name="llm-study-companion",
                                    library_version=__version__))
    headers["Accept-Encoding"] = "identity"  # the bytes as stored: sizes and ranges hold
    if have:
        headers["Range"] = f"bytes={have}-"
    return headers


def _start(response: Any, have: int, size: int) -> int:
    """Where this response's body starts in the file, after checking it is the file at all."""
    status = response.status_code
    if status not in (200, 206):
        raise StreamRefused(f"the server answered HTTP {status}")
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in _REFUSED_TYPES:
        raise StreamRefused(f"the server sent a web page ({kind}) instead of the model file; "
                            "nothing of it was saved")
    start = 0
    if status == 206:
        announced = response.headers.get("content-range", "")
        try:
            start = int(announced.split()[1].split("-")[0])
        except (IndexError, ValueError):
            raise StreamRefused(f"the server sent a part without a valid Content-Range "
                                f"({announced!r})") from None
        if start != have:
            raise StreamRefused(f"the server resumed at byte {start:,}, not {have:,}")
    length = response.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) != size - start:
        raise StreamRefused(f"the server announced {int(length):,} bytes where "
                            f"{size - start:,} were expected")
    return start


def stream_into(url: str, part: Path, have: int, size: int,
                on_bytes: Callable[[int], None], cancel: threading.Event) -> None:
    """Fetch bytes ``have``..``size`` of ``url`` into ``part``; raises the classes above."""
    import httpx2

    watch = _Watchdog(cancel)
    timeout = httpx2.Timeout(CONNECT_TIMEOUT_S, read=watch.stall_s)
    try:
        with httpx2.Client(follow_redirects=True, trust_env=True, timeout=timeout) as client, \
                client.stream("GET", url, headers=_headers(have),
                              extensions={"trace": watch.trace}) as response:
            start = _start(response, have, size)
            _write(response, part, start, size, on_bytes, cancel, watch)
    except (StreamRefused, StreamCancelled):
        raise
    except (httpx2.HTTPError, OSError) as exc:
        if watch.reason == "cancel" or cancel.is_set():
            raise StreamCancelled() from None
        if watch.reason == "stalled" or isinstance(exc, httpx2.TimeoutException):
            raise Stalled(f"less than {STALL_BYTES // 1024} KB arrived in {watch.stall_s:.0f} s") \
                from None
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StreamFailed(text) from None
    finally:
        watch.stop()


def _write(response: Any, part: Path, start: int, size: int, on_bytes: Callable[[int], None],
           cancel: threading.Event, watch: _Watchdog) -> None:
    """Write the body at ``start``; the file is touched only once the body looks right."""
    done, handle = start, None
    sniffed = b"" if start == 0 else MAGIC  # a body from byte 0 must begin with GGUF
    try:
        for chunk in response.iter_raw():  # as it arrives: nothing waits in a buffer
            if cancel.is_set():
                raise StreamCancelled()
            if len(sniffed) < len(MAGIC):
                sniffed += chunk[:len(MAGIC) - len(sniffed)]
                if not MAGIC.startswith(sniffed):
                    preview = (sniffed + chunk[len(sniffed):16]).decode("ascii", "replace")
                    raise StreamRefused(f"the server sent something that is not a GGUF file "
                                        f"(it starts with {preview!r}); nothing was saved")
            if done + len(chunk) > size:
                raise StreamRefused(f"the server sent more than the {size:,} bytes expected")
            if handle is None:
                handle = part.open("r+b" if part.exists() else "wb")
                handle.seek(start)
                handle.truncate()  # a 200 to a resume starts over: nothing stale stays
            handle.write(chunk)
            done += len(chunk)
            watch.fed(len(chunk))
            on_bytes(done)
    finally:
        if handle is not None:
            handle.close()
    if cancel.is_set():
        raise StreamCancelled()
    if done != size:
        raise StreamFailed(f"the connection ended after {done:,} of {size:,} bytes")
