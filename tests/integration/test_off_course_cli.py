"""`companion ask` in a real child process on questions the course may not cover."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from companion.curriculum import course


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COMPANION_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "companion", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_a_borderline_question_names_the_closest_section_and_cites_nothing(tmp_path: Path):
    out = _cli("ask", "how do I pay attention in lectures", "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["not_from_course"] is True and data["borderline"] is True
    assert data["citations"] == [] and data["answer"] == "" and data["model"] == ""
    near = data["closest"]
    section = course().day(near["day"]).section(near["section"])
    assert section is not None and section.title == near["title"]
    assert near["link"] == f"lesson:{near['day']}#{near['section']}"
    assert data["message"].startswith("The course may not cover this question.")
    text = _cli("ask", "how do I pay attention in lectures", home=tmp_path)
    assert "may not cover" in text.stdout and near["title"] in text.stdout
    assert "--anyway" in text.stdout


def test_a_clear_off_course_question_has_no_closest_section(tmp_path: Path):
    out = _cli("ask", "What is the capital of Australia?", "--json", home=tmp_path)
    data = json.loads(out.stdout)
    assert data["not_from_course"] is True and data["borderline"] is False
    assert data["closest"] is None and data["citations"] == []
