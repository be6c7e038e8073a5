"""build.py --model hf:...: the real huggingface_hub download path, up to a hub that is down.

Real HTTP on 127.0.0.1 only (a closed port): no test may reach a real hub. The real
retries run; only huggingface_hub's back-off sleeps are skipped (about 23 s otherwise).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"


@pytest.fixture(scope="module")
def build():
    if str(PACKAGING) not in sys.path:
        sys.path.insert(0, str(PACKAGING))
    spec = importlib.util.spec_from_file_location("companion_build_script", PACKAGING / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_hub_that_does_not_answer_gives_one_clear_line(build, monkeypatch, tmp_path: Path):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    # huggingface_hub retries refused connections 5 times with 1-8 s sleeps (~23 s):
    # the same real requests and retries, without the waiting
    import huggingface_hub.utils._http as hf_http
    slept: list[float] = []
    monkeypatch.setattr(hf_http, "time", SimpleNamespace(sleep=slept.append))
    with pytest.raises(build.BuildError, match="cannot download example/x-GGUF/model.gguf"):
        build.choose_model("hf:example/x-GGUF/model.gguf")
    assert not any(tmp_path.rglob("*.gguf"))
    assert len(slept) == 5  # it did retry, as a packager's build would
