"""What a borderline answer says, as Markdown and as plain text."""

from __future__ import annotations

from companion.curriculum import course
from companion.tutor import off_course, prompts
from companion.tutor.retrieval import find

NEAR = {"day": 13, "section": "rag", "title": "Retrieval-augmented generation (RAG)",
        "link": "lesson:13#rag"}


def test_a_borderline_answer_reads_may_not_with_a_link_and_no_flat_refusal():
    parts = {"not_from_course": True, "excerpt": [], "closest": NEAR,
             "notices": [off_course.notice(NEAR)]}
    text = off_course.answer_markdown(parts)
    assert text.startswith(f"**{off_course.MAY_NOT_COVER}**")
    assert "[Day 13 · Retrieval-augmented generation (RAG)](lesson:13#rag)" in text
    assert prompts.OFF_COURSE not in text


def test_soften_leaves_other_answers_alone():
    flat = prompts.answer_markdown({"not_from_course": True, "excerpt": []})
    assert off_course.soften(flat) == flat
    notice_only = f"*{off_course.notice(NEAR)}*\n\nsomething else"
    assert off_course.soften(notice_only) == notice_only
    two = "\n\n---\n\n".join([off_course.answer_markdown(
        {"not_from_course": True, "closest": NEAR, "notices": [off_course.notice(NEAR)]})] * 2)
    assert off_course.soften(two) == two  # already soft: nothing left to rewrite
    raw = "\n\n---\n\n".join([prompts.answer_markdown(
        {"not_from_course": True, "closest": NEAR, "notices": [off_course.notice(NEAR)]})] * 2)
    assert off_course.soften(raw) == two and raw.count(prompts.OFF_COURSE) == 2


def test_closest_is_only_given_for_borderline_questions():
    c = course()
    assert off_course.closest(find(c, "What is the capital of Australia?")) is None
    assert off_course.closest(find(c, "What is multi-head attention?")) is None  # on-course
    near = off_course.closest(find(c, "how do I pay attention in lectures"))
    assert near and c.day(near["day"]).section(near["section"]).title == near["title"]
    assert off_course.line(near).startswith(off_course.MAY_NOT_COVER)
