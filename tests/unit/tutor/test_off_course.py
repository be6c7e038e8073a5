"""What a borderline answer says, as Markdown and as plain text."""

from __future__ import annotations

from companion.curriculum import course
from companion.tutor import off_course, prompts
from companion.tutor.retrieval import find

NEAR = {"day": 13, "section": "rag", "title": "Retrieval-augmented generation (RAG)",
        "link": "lesson:13#rag"}


def test_a_borderline_answer_reads_may_not_with_a_link_and_no_flat_refusal():
    text = prompts.answer_markdown({"not_from_course": True, "excerpt": [], "closest": NEAR})
    assert text.startswith(f"**{off_course.MAY_NOT_COVER}**")
    assert "[Day 13 · Retrieval-augmented generation (RAG)](lesson:13#rag)" in text
    assert prompts.OFF_COURSE not in text


def test_an_off_course_answer_without_a_closest_section_is_the_flat_line():
    text = prompts.answer_markdown({"not_from_course": True, "excerpt": []})
    assert text == f"**{prompts.OFF_COURSE}**"


def test_answer_anyway_keeps_the_warning_under_either_line():
    for near in (NEAR, None):
        parts = {"not_from_course": True, "closest": near, "anyway": True,
                 "unchecked": "The model's own words."}
        text = prompts.answer_markdown(parts)
        assert prompts.ANYWAY_WARNING in text and "The model's own words." in text


def test_closest_is_only_given_for_borderline_questions():
    c = course()
    assert off_course.closest(find(c, "What is the capital of Australia?")) is None
    assert off_course.closest(find(c, "What is multi-head attention?")) is None  # on-course
    near = off_course.closest(find(c, "how do I pay attention in lectures"))
    assert near and c.day(near["day"]).section(near["section"]).title == near["title"]
    assert off_course.line(near).startswith(off_course.MAY_NOT_COVER)
