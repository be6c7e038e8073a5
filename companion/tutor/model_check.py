"""A first load of a model in a throw-away child process, and the memory of what passed.

llama.cpp aborts the whole process on some malformed files (a GGML_ASSERT is an
``abort()``, not an exception). Loading a new file first in a child means such a
file kills the child, and the app reports it in one line instead of vanishing.

The verdict is stored in ``model-checks.json`` in the data folder, keyed by the
resolved path and tied to a content fingerprint (``model_fingerprint.py``: size,
mtime, a hash of the header and of sampled blocks), so an unchanged file is never
re-verified, while a file that changed on disk is, even if its size and mtime were
put back. A file that crashed llama.cpp in the child is remembered as such and never
loaded in the app's own process. A llama.cpp upgrade also invalidates verdicts: the
new version deserves its own trial.

Run as ``python -m companion.tutor.model_check PATH`` (or ``companion models
trial-load PATH`` in the frozen app), this module is the child.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from importlib import metadata
from pathlib import Path
from typing import Any

from companion import paths
from companion.tutor import model_fingerprint
from companion.tutor.engine import ModelError
from companion.tutor.model_files import (
    BUNDLED_PACKAGE,
    ModelInfo,
    inspect_gguf,
    is_shipped,
    quick_check,
    sha256_of,
)

CHECK_VERSION = 2  # bump when the checks change so old verdicts are redone (2: fingerprints)
TRIAL_TIMEOUT_S = 300.0
TRIAL_CONTEXT = 64
CACHE_NAME = "model-checks.json"
REFUSED = 5  # child's exit code when llama.cpp refused the file (abort() exits 3 on Windows)
_lock = threading.Lock()


def _error(message: str) -> Exception:
    return ModelError(message)


class TrialCrash(ModelError):
    """llama.cpp died (abort, segfault) while the child opened the file."""


# ----- the remembered verdicts --------------------------------------------------------------
def _cache_file() -> Path:
    return paths.data_dir() / CACHE_NAME


def _llama_version() -> str:
    try:
        return metadata.version("llama-cpp-python")
    except metadata.PackageNotFoundError:
        return ""


def _read() -> dict[str, Any]:
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(data: dict[str, Any]) -> None:
    target = _cache_file()
    temp = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        temp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(temp, target)
    except OSError:
        temp.unlink(missing_ok=True)  # a lost cache only costs a re-check


def _entry(path: Path) -> dict[str, Any] | None:
    """The remembered record for ``path`` if its content is unchanged since, else None."""
    try:
        key = str(Path(path).resolve())
    except OSError:
        return None
    entry = _read().get(key)
    if not isinstance(entry, dict) or entry.get("check") != CHECK_VERSION:
        return None
    return entry if model_fingerprint.matches(path, entry.get("fingerprint")) else None


def is_verified(path: Path) -> bool:
    """True if this exact file passed the full check, child load included, with this llama.cpp."""
    entry = _entry(path)
    return bool(entry and entry.get("loaded") and not entry.get("crashed")
                and entry.get("llama") == _llama_version())


def crashed(path: Path) -> str:
    """Why llama.cpp crashed on this exact file in a trial ("" if it never did)."""
    entry = _entry(path)
    if not entry or entry.get("llama") != _llama_version():
        return ""
    return str(entry.get("crashed") or "")


def cached_info(path: Path) -> ModelInfo | None:
    entry = _entry(path)
    try:
        return ModelInfo.from_json(entry["info"]) if entry else None
    except (KeyError, TypeError):
        return None


def remember(path: Path, info: ModelInfo, loaded: bool, head: int | None = None,
             crashed: str = "") -> None:
    """Record a verdict, tied to the file's fingerprint (``head``: the header's length)."""
    key = str(Path(path).resolve())
    if head is None:
        try:
            head = model_fingerprint.layout(path).header_end
        except Exception:  # a file gguf cannot parse: the first MiB will do
            head = model_fingerprint.HEAD_MIN
    print_ = model_fingerprint.fingerprint(path, head)
    info = ModelInfo.from_json({**info.to_json(), "path": key})
    with _lock:
        data = _read()
        data[key] = {"fingerprint": print_.to_json(), "check": CHECK_VERSION,
                     "llama": _llama_version(), "loaded": loaded and not crashed,
                     "crashed": crashed, "info": info.to_json()}
        _write(data)


def forget(path: Path) -> None:
    with _lock:
        data = _read()
        if data.pop(str(Path(path).resolve()), None) is not None:
            _write(data)


# ----- the full check -----------------------------------------------------------------------
def verify(path: Path, record: bool = True, timeout: float = TRIAL_TIMEOUT_S) -> ModelInfo:
    """Structural check with ``gguf``, then a trial load in a child; raises ModelError.

    With ``record``, the verdict is remembered, a crash included: a file that crashed
    llama.cpp is then refused at once, never handed to llama.cpp in this process.
    """
    path = Path(path)
    info = inspect_gguf(path)
    shape = model_fingerprint.layout(path)
    extra = info.size_bytes - shape.data_end
    if extra > max(shape.alignment, 4096):
        raise _error(f"{path.name} has {_human(extra)} of extra data after the model's last "
                     "tensor: it is not a clean GGUF file (a damaged download, or something "
                     "appended to it). Not using it.")
    try:
        trial_load(path, timeout=timeout)
    except TrialCrash as exc:
        if record:
            remember(path, info, loaded=False, head=shape.header_end, crashed=str(exc))
        raise
    if record:
        remember(path, info, loaded=True, head=shape.header_end)
    return info


def _human(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.1f} MB" if size >= 1e6 \
        else f"{size:,} bytes"


def child_command(path: Path) -> list[str]:
    if getattr(sys, "frozen", False):  # the bundled app has no "-m"; its CLI routes this
        return [sys.executable, "models", "trial-load", str(path)]
    return [sys.executable, "-m", "companion.tutor.model_check", str(path)]


def trial_load(path: Path, timeout: float = TRIAL_TIMEOUT_S) -> dict[str, Any]:
    """Load ``path`` with llama.cpp in a child process; its report, or ModelError."""
    path = Path(path)
    env = {**os.environ, "GGML_NO_BACKTRACE": "1"}  # no gdb backtrace on abort: just die
    try:
        done = subprocess.run(child_command(path), capture_output=True, text=True, env=env,
                              timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired:
        raise _error(f"llama.cpp took more than {timeout:.0f} s to open {path.name}; "
                     "giving up on it.") from None
    except OSError as exc:
        raise _error(f"Could not start the model check for {path.name}: {exc}.") from None
    report = _last_json(done.stdout)
    if done.returncode == 0:
        return report or {"ok": True}  # a windowed frozen child may have no stdout to report on
    clue = _clue(done.stderr) or report.get("error", "")
    if done.returncode == REFUSED:
        raise _error(f"llama.cpp could not load {path.name}: {clue or 'unknown reason'}.")
    how = _describe_exit(done.returncode)
    detail = f"{how}; {clue}" if clue else how
    raise TrialCrash(f"llama.cpp crashed while opening {path.name} ({detail}): the file is "
                     "damaged or not a model this app supports.")


def _last_json(text: str) -> dict[str, Any]:
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                continue
            return value if isinstance(value, dict) else {}
    return {}


def _clue(stderr: str) -> str:
    """The most telling line of llama.cpp's log, shortened to fit one message line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for marker in ("GGML_ASSERT", "error loading model:", "error:", "failed"):
        for line in lines:
            if marker not in line:
                continue
            if marker == "GGML_ASSERT":  # "<source path>:1328: GGML_ASSERT(...) failed"
                return line[line.index(marker):][:160]
            if marker.endswith(":"):
                return line.split(marker, 1)[1].strip(" :")[:160]
            return line[:160]
    return ""


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    if code in (134, 3):  # abort(): 128 + SIGABRT from a shell, 3 on Windows
        return "aborted"
    return f"exit code {code:#x}" if code > 255 else f"exit code {code}"


# ----- the child ----------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    """Load the model, evaluate two tokens, report as one JSON line on stdout."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m companion.tutor.model_check MODEL.gguf", file=sys.stderr)
        return 2
    try:
        import llama_cpp

        # verbose: llama.cpp's own log goes to stderr, where the parent looks for the reason
        llm = llama_cpp.Llama(model_path=args[0], n_ctx=TRIAL_CONTEXT, n_batch=TRIAL_CONTEXT,
                              verbose=True)
        tokens = llm.tokenize(b"Hello", add_bos=True)[:2] or [llm.token_eos()]
        llm.eval(tokens)
        report = {"ok": True, "n_vocab": llm.n_vocab()}
        llm.close()
    except Exception as exc:  # reported to the parent, which words it for the learner
        report = {"ok": False, "error": str(exc).splitlines()[0] if str(exc) else repr(exc)}
    print(json.dumps(report), flush=True)
    return 0 if report["ok"] else REFUSED


if __name__ == "__main__":
    raise SystemExit(main())


# ----- what the app does with model files --------------------------------------------------
def model_info(path: Path) -> ModelInfo:
    """Metadata for the model list: remembered if the file is unchanged, else read now."""
    info = cached_info(path)
    if info is None:
        info = inspect_gguf(path)
        remember(path, info, loaded=False)
    return info


# ----- before llama.cpp ---------------------------------------------------------------------
def precheck(path: Path) -> None:
    """Make sure ``path`` is safe to hand to llama.cpp in this process.

    Called by the Engine on every load, so the common case must be fast. A file already
    verified and unchanged since costs a stat. A file shipped with the app (installed
    from a hash-checked wheel or bundle) gets the gguf check (once, then remembered)
    but no child load: it is the app's own model. Anything else is verified in full
    here, child-process load included: that is the one safe place to find out.
    """
    path = Path(path)
    quick_check(path)
    reason = crashed(path)
    if reason:
        raise _error(f"{reason.rstrip('.')}. It is not loaded; replace the file or choose "
                     "another model.")
    if is_verified(path):
        return
    if is_shipped(path):
        entry = _entry(path)
        if entry is not None and entry.get("info"):
            return  # checked before and unchanged since
        if model_fingerprint.shipped_intact(path, BUNDLED_PACKAGE):
            model_info(path)  # byte for byte what the wheel installed: the gguf check will do
            return
    verify(path)  # anything else, a changed shipped file included: a child loads it first


def import_model(source: Path) -> Path:
    """Verify ``source`` and copy it into the models folder; returns the installed path.

    The original is checked before anything is copied, so a bad file never lands in
    the folder; the copy goes to a temporary name first so a crash cannot leave half a
    model that looks installed.
    """
    source = Path(source).expanduser()
    folder = paths.models_dir()
    if source.is_file() and source.resolve().parent == folder.resolve() \
            and source.suffix == ".gguf":
        remember(source, verify(source, record=False), loaded=True)
        return source.resolve()
    target = _free_name(folder, source) if source.is_file() else None
    if target is not None and target.exists() and is_verified(target):
        return target  # this very file was imported and checked before
    info = verify(source, record=False)  # raises ModelError with the reason
    assert target is not None  # verify() refuses anything that is not a file
    if not target.exists():
        staging = folder / ".partial"
        staging.mkdir(exist_ok=True)
        temp = staging / f"{target.name}.importing"
        try:
            shutil.copyfile(source, temp)
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
    remember(target, info, loaded=True)
    return target


def _free_name(folder: Path, source: Path) -> Path:
    """``folder/name.gguf``, or the existing identical copy, or ``name (2).gguf``..."""
    from pathvalidate import sanitize_filename

    stem, suffix = sanitize_filename(source.stem) or "model", ".gguf"
    name = stem + suffix
    for n in range(1, 1000):
        candidate = folder / (name if n == 1 else f"{stem} ({n}){suffix}")
        if not candidate.exists():
            return candidate
        if (candidate.stat().st_size == source.stat().st_size
                and sha256_of(candidate) == sha256_of(source)):
            return candidate
    raise _error(f"Too many models called {name} in {folder}.")


def delete_model(path: Path) -> None:
    """Remove a downloaded or imported model; shipped models are refused."""
    path = Path(path)
    if is_shipped(path):
        raise _error(f"{path.name} ships with the app and cannot be deleted.")
    if path.resolve().parent != paths.models_dir().resolve():
        raise _error(f"{path.name} is not in the models folder; delete it yourself if you wish.")
    forget(path)
    path.unlink(missing_ok=True)
