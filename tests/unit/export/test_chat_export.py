"""A conversation exported to Markdown keeps the tutor's labels: which words are the
course's, which the model wrote (checked, or unchecked with its warning), which of its
sentences were held back, and where the course may not cover a question.

The messages are saved the way the tutor panel saves them (``answer_markdown`` of the
answer's parts), then exported through the same service and writer the panel uses.
"""

from __future__ import annotations

from companion.export import atomic_write
from companion.tutor import prompts

COURSE_ANSWER = {
    "excerpt": [{"day": 4, "section": "multi-head-attention", "title": "Multi-head attention",
                 "text": "Multi-head attention runs several attention operations."}],
    "elaboration": "Each head looks at the tokens in its own way.",
    "unsupported": [{"sentence": "Heads were invented in 1950.", "reason": "not in the course"}],
    "not_from_course": False, "anyway": False, "unchecked": "", "model": "SmolLM2",
    "stopped": False, "notices": [],
}
ANYWAY = {"not_from_course": True, "anyway": True, "excerpt": [],
          "unchecked": "Paris is the capital of France.", "notices": [],
          "closest": {"day": 1, "title": "What is a language model", "link": "lesson:1#what"}}


def test_chat_export_keeps_the_tutors_labels(study, tmp_path):
    chats = study.chats
    chat = chats.create("About attention", 4)
    chats.add_message(chat, "user", "What does multi-head attention do?")
    chats.add_message(chat, "assistant", prompts.answer_markdown(COURSE_ANSWER),
                      [{"number": 1, "day": 4, "title": "Multi-head attention"}], COURSE_ANSWER)
    chats.add_message(chat, "user", "What is the capital of France?")
    chats.add_message(chat, "assistant", prompts.answer_markdown(ANYWAY), [], ANYWAY)
    target = tmp_path / "chat.md"
    atomic_write(target, chats.to_markdown(chat))
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# About attention\n")
    assert text.count("**You**") == 2 and text.count("**Tutor**") == 2
    for label in (prompts.FROM_COURSE, prompts.EXPLANATION, prompts.HELD_BACK,
                  prompts.MAY_NOT_COVER, prompts.ANYWAY_WARNING):
        assert label in text, label
    assert "> Multi-head attention runs several attention operations." in text  # quoted
    assert "Heads were invented in 1950." in text  # held back, listed with its warning
    assert "Sources: [1] Day 4 · Multi-head attention" in text
    assert text.index(prompts.ANYWAY_WARNING) < text.index("Paris is the capital")
