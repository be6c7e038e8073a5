"""`companion practice` as a learner or a script runs it: a real process, timed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from companion.curriculum import Question, course
from companion.quiz import practice


def run(*args: str, home: Path, input: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COMPANION_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "companion", *args], capture_output=True,
                          text=True, env=env, input=input, timeout=120)


def _from_json(item: dict) -> practice.PracticeQuestion:
    q = Question(item["id"], "choice", item["question"], tuple(item["options"]), item["answer"],
                 item["explanation"], item["section"], item["day"])
    return practice.PracticeQuestion(q, item["style"], item["source"])


def test_practice_json_gives_five_valid_questions_in_under_five_seconds(tmp_path: Path):
    start = time.perf_counter()
    out = run("practice", "--day", "4", "--json", home=tmp_path)
    elapsed = time.perf_counter() - start
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert len(items) >= 5 and elapsed < 5.0, (len(items), elapsed)
    bank = [q.question for d in course().days for q in d.quiz]
    for item in items:
        practice.check(course(), _from_json(item), bank)  # raises if one is not valid
        assert item["options"][item["answer"]] == item["correct_option"]
        assert item["source"] and item["day"] == 4
    assert {i["style"] for i in items} == {"cloze", "term", "section"}


def test_interactive_practice_from_a_pipe(tmp_path: Path):
    out = run("practice", "--day", "3", "--count", "3", home=tmp_path, input="1\n2\n3\n")
    assert out.returncode == 0, out.stderr
    assert "Day 3 practice: 3 questions" in out.stdout
    assert "Practice: " in out.stdout and "do not count towards mastery" in out.stdout
    assert "(section:" not in out.stdout  # the section would give the answer away


def test_bad_input_is_one_line(tmp_path: Path):
    for args, message in ((["practice", "--day", "20", "--json"], "There is no day 20"),
                          (["practice", "--day", "2", "--count", "0"], "--count must be")):
        out = run(*args, home=tmp_path)
        assert out.returncode == 1 and "Traceback" not in out.stderr, args
        assert len(out.stderr.strip().splitlines()) == 1 and message in out.stderr
