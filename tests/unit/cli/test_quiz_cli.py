"""`companion quiz` and `companion review` run as a learner would: a real process, piped stdin."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from companion.curriculum import course
from companion.quiz import shuffle


def run(*args: str, home: Path, input: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COMPANION_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "companion", *args], capture_output=True,
                          text=True, env=env, input=input, timeout=120)


def test_quiz_json_lists_the_days_valid_questions(tmp_path: Path):
    out = run("quiz", "--day", "4", "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    questions = json.loads(out.stdout)
    assert len(questions) >= 8
    sections = {s.id for s in course().day(4).sections}
    for q in questions:
        assert q["day"] == 4 and q["section"] in sections
        assert len(q["options"]) == (4 if q["kind"] == "choice" else 2)
        assert len(set(q["options"])) == len(q["options"]) and all(q["options"])
        assert q["options"][q["answer"]] == q["correct_option"] and q["explanation"]


def test_interactive_quiz_from_a_pipe_then_review(tmp_path: Path):
    """Answers piped by number: ``--seed`` fixes the shuffled order so a script knows it."""
    questions = course().day(4).quiz
    rng = random.Random(7)
    shown = [shuffle.show(q, rng).question for q in questions]  # what --seed 7 shows
    answers = []
    for i, q in enumerate(shown):
        if i == 0:
            answers.append("nine")  # not an option: asked again
        wrong = (q.answer + 1) % len(q.options)
        answers.append(str((wrong if i in (2, 6) else q.answer) + 1))
    out = run("quiz", "--day", "4", "--seed", "7", home=tmp_path,
              input="\n".join(answers) + "\n")
    assert out.returncode == 0, out.stderr
    assert "Type a number from 1 to 4" in out.stdout
    for q in shown[:3]:  # the options appear in the shuffled order
        listing = "".join(f"  {i}) {o}\n" for i, o in enumerate(q.options, start=1))
        assert f"{q.question}\n{listing}" in out.stdout
    n = len(questions)
    assert f"Score: {n - 2}/{n} ({round(100 * (n - 2) / n)}%)" in out.stdout
    assert "To master day 4: explain 2 more of its 4 concepts back (0 done so far)." \
        in out.stdout
    assert "2 missed question(s) are in your review queue" in out.stdout
    assert f"the answer is {shown[2].answer + 1}) {shown[2].correct_option}" in out.stdout
    missed = out.stdout.split("What you missed:")[1]
    wrong2 = shown[2].options[(shown[2].answer + 1) % 4]
    assert f"1. {questions[2].question}\n   You chose: {wrong2}\n" \
        f"   Right answer: {questions[2].correct_option}\n   Why: {questions[2].explanation}" \
        in missed
    assert f"2. {questions[6].question}" in missed and "Read again: day 4, “" in missed

    due = json.loads(run("review", "--json", home=tmp_path).stdout)
    assert {d["id"] for d in due} == {questions[2].id, questions[6].id}

    rng = random.Random(3)
    first, second = (shuffle.show(next(q for q in questions if q.id == d["id"]), rng).question
                     for d in due)
    script = f"{first.answer + 1}\n\n{(second.answer + 1) % len(second.options) + 1}\n1\n"
    out = run("review", "--seed", "3", home=tmp_path, input=script)
    assert out.returncode == 0, out.stderr
    assert "Reviewed 2 card(s). 0 still due." in out.stdout
    assert "[Enter = Good]" in out.stdout and "[Enter = Again]" in out.stdout
    assert json.loads(run("review", "--json", home=tmp_path).stdout) == []
    again = run("review", home=tmp_path)
    assert "Nothing is due for review. Next card is due" in again.stdout


def test_without_a_seed_each_attempt_has_its_own_order(tmp_path: Path):
    orders = set()
    for _ in range(3):
        out = run("quiz", "--day", "4", home=tmp_path, input="q\n")
        first = out.stdout.split("Question 1/")[1].split("Your answer")[0]
        orders.add(first)
    assert len(orders) > 1


def test_quiz_stops_cleanly_when_input_ends(tmp_path: Path):
    out = run("quiz", "--day", "2", home=tmp_path, input="1\n")
    assert out.returncode == 0 and "Traceback" not in out.stderr
    assert f"Stopped after 1 of {len(course().day(2).quiz)} questions" in out.stdout
    assert "kept in your stats as stopped" in out.stdout


def test_bad_input_is_one_line(tmp_path: Path):
    for args in (["quiz", "--day", "20", "--json"], ["quiz", "--day", "0"],
                 ["review", "--limit", "0"]):
        out = run(*args, home=tmp_path)
        assert out.returncode == 1 and "Traceback" not in out.stderr, args
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "There is no day 20" in run("quiz", "--day", "20", home=tmp_path).stderr
