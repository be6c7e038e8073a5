"""The bundled course is complete: 14 days, four phases, every required part."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from companion import render
from companion.curriculum import CurriculumError, course, load_course
from companion.curriculum.loader import DAYS_DIR

PHASE_OF = {**dict.fromkeys(range(1, 4), "foundations"), **dict.fromkeys(range(4, 8), "core"),
            **dict.fromkeys(range(8, 12), "project"), **dict.fromkeys(range(12, 15), "advanced")}


def test_fourteen_days_in_four_phases():
    c = course()
    assert [d.number for d in c.days] == list(range(1, 15))
    assert {d.number: d.phase for d in c.days} == PHASE_OF


@pytest.mark.parametrize("number", range(1, 15))
def test_each_day_is_complete(number: int):
    day = course().day(number)
    assert day.title and day.goal and 30 <= day.minutes <= 480
    assert len(day.sections) >= 2 and all(s.title and s.body.strip() for s in day.sections)
    assert day.word_count >= 450
    assert 4 <= len(day.required_tasks) <= 7 and len(day.tasks) - len(day.required_tasks) <= 3
    assert all(re.fullmatch(rf"d{number:02d}-[a-z0-9-]+", t.id) for t in day.tasks)
    assert len(day.terms) >= 3 and all(t.definition for t in day.terms)
    assert len(day.resources) >= 3
    assert all(r.url.startswith("https://") or r.url.startswith("http://")
               for r in day.resources)
    # every day teaches with at least one worked example in a fenced block
    assert len(render.code_blocks(day.lesson_markdown())) >= 1


def test_transformer_day_has_multi_head_attention_section():
    day = course().day(4)
    assert any(s.title == "Multi-head attention" for s in day.sections)


def test_task_ids_are_unique_and_stable():
    ids = [t.id for d in course().days for t in d.tasks]
    assert len(ids) == len(set(ids))


def test_a_broken_day_file_is_refused_with_its_name(tmp_path: Path):
    for p in DAYS_DIR.glob("day*.toml"):
        shutil.copy(p, tmp_path / p.name)
    text = (tmp_path / "day03.toml").read_text().replace('phase = "foundations"', 'phase = "x"')
    (tmp_path / "day03.toml").write_text(text)
    with pytest.raises(CurriculumError, match="day03.toml"):
        load_course(tmp_path)


def test_a_missing_day_is_refused(tmp_path: Path):
    for p in DAYS_DIR.glob("day*.toml"):
        if p.name != "day07.toml":
            shutil.copy(p, tmp_path / p.name)
    with pytest.raises(CurriculumError, match="without gaps"):
        load_course(tmp_path)
