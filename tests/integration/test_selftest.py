"""`companion self-test` as a learner runs it: a real process, real model, real window."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

CHECKS = ["database", "window", "model", "export"]


def run_selftest(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "companion", "self-test", *args],
                          capture_output=True, text=True, timeout=600,
                          env=env if env is not None else dict(os.environ))


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", head[16:24])


def test_self_test_passes_and_reports_every_check_with_timing(companion_home: Path):
    out = run_selftest()
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    for name in CHECKS:
        line = next((ln for ln in lines if ln.split()[1:2] == [name]), None)
        assert line is not None, f"no line for the {name} check:\n{out.stdout}"
        assert line.split()[0] == "ok", line
        assert " s  " in line, f"no timing on: {line}"
    assert "start-to-window:" in out.stdout
    assert lines[-1].startswith("self-test passed: 4 checks")
    # the learner's own data folder was never used
    assert not (companion_home / "companion.db").exists()


def test_json_report_has_real_tokens_a_real_screenshot_and_a_kept_profile(tmp_path: Path):
    shot = tmp_path / "window.png"
    out = run_selftest("--json", "--keep", "--screenshot", str(shot))
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    profile = Path(report["profile"])
    try:
        assert report["ok"] is True
        assert [c["name"] for c in report["checks"]] == CHECKS
        assert all(c["ok"] and c["seconds"] >= 0 for c in report["checks"])
        assert report["tokens"] >= 8
        assert report["sample"].strip()
        assert 0 < report["start_to_window_s"] < 120
        assert report["start_measured_from"].startswith("process start")
        info = report["llama_cpp_system_info"]
        assert "AVX" in info or "NEON" in info
        width, height = png_size(shot)
        assert width >= 800 and height >= 500
        # --keep: the temporary profile holds what the checks made
        assert (profile / "companion.db").is_file()
        assert "Self-test note" in (profile / "export" / "notes.md").read_text(encoding="utf-8")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def test_a_broken_model_fails_with_one_clear_line(tmp_path: Path):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x00" * 64)  # right magic, nothing usable behind it
    out = run_selftest("--model", str(broken))
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    reason = [ln for ln in out.stderr.splitlines() if ln.startswith("companion:")]
    assert len(reason) == 1
    assert reason[0].startswith("companion: self-test failed at model: ")
    assert "broken.gguf" in reason[0]
    # the other checks still ran and passed
    assert "  ok   database" in out.stdout and "  ok   export" in out.stdout
    assert "  FAIL model" in out.stdout


def test_missing_model_file_is_reported_not_silently_replaced(tmp_path: Path):
    out = run_selftest("--model", str(tmp_path / "nothing-here.gguf"))
    assert out.returncode == 1
    assert "self-test failed at model: no model file at" in out.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY logic is Linux-only")
def test_without_display_it_renders_offscreen_and_cleans_up():
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    out = run_selftest("--json", env=env)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["qt_platform"] == "offscreen"
    assert not Path(report["profile"]).exists()  # no --keep: the temporary profile is gone
