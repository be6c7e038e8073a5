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
from companion.tutor import model_check, model_files
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
    assert model_files.resolve_model(str(tmp_path / "gone.gguf")) == bundled
    assert model_files.resolve_model(None) == bundled
