"""Quizzes, review cards, practice questions, explain it back, card export and their numbers."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from companion.curriculum import Concept, Question
from companion.quiz import bank, cards, explain_back, practice
from companion.quiz.mastery import DayMastery, day_badges, day_mastery
from companion.quiz.review import ReviewSession
from companion.quiz.session import QuizSession
from companion.quiz.stats import QuizStats, compute
from companion.quiz.validation import Accepted
from companion.services.base import Service
from companion.services.changes import Changes
from companion.storage import quiz as store
from companion.storage.quiz import Explanation


class QuizService(Service):
    # ----- questions -----------------------------------------------------------------------
    def questions(self, day: int) -> tuple[Question, ...]:
        return bank.day_questions(self.course, day)

    def find(self, question_id: str) -> Question | None:
        return bank.find(self.course, self._db, question_id)

    def section_title(self, question: Question) -> str:
        return bank.section_title(self.course, question)

    def all_question_texts(self) -> list[str]:
        return bank.all_question_texts(self.course, self._db)

    # ----- taking a quiz -------------------------------------------------------------------
    def start(self, day: int, questions: list[Question] | tuple[Question, ...],
              kind: str = "bank", rng: random.Random | None = None) -> QuizSession:
        """A quiz run whose every answer is saved at once and reported as a change."""
        return QuizSession(self._db, day, questions, kind, on_change=self._publish, rng=rng)

    def review(self, limit: int | None = None, now: dt.datetime | None = None,
               rng: random.Random | None = None) -> ReviewSession:
        return ReviewSession(self._db, self.course, limit, now, on_change=self._publish,
                             rng=rng)

    # ----- review queue --------------------------------------------------------------------
    def due_count(self, now: dt.datetime | None = None) -> int:
        return sum(store.due_counts(self._db, now).values())

    def next_due(self) -> str | None:
        return store.next_due(self._db)

    def badges(self) -> dict[int, str]:
        return day_badges(self._db, self.course)

    def mastery(self, day: int) -> DayMastery:
        return day_mastery(self._db, self.course)[day]

    def stats(self) -> QuizStats:
        return compute(self._db, self.course)

    # ----- instant practice ----------------------------------------------------------------
    def practice(self, day: int, count: int = practice.DEFAULT_COUNT,
                 rng: random.Random | None = None) -> list[practice.PracticeQuestion]:
        """Questions built from the course data in milliseconds, each checked again."""
        return practice.checked_round(self.course, day, count, rng)

    # ----- explain it back -----------------------------------------------------------------
    def concepts(self, day: int) -> tuple[Concept, ...]:
        return self.course.day(day).concepts

    def check_explanation(self, concept: Concept, text: str) -> explain_back.ExplainCheck:
        """What the explanation covers, misses and gets wrong (saves nothing)."""
        return explain_back.check(self.course, concept, text)

    def save_explanation(self, result: explain_back.ExplainCheck) -> Changes:
        """Keep the attempt: a complete one counts towards the day's mastery."""
        store.save_explanation(self._db, result.concept.id, result.concept.day, result.text,
                               result.covered, [m.index for m in result.missing],
                               [m.index for m in result.misconceptions])
        return self._publish(Changes(quiz=True))

    def explanations(self, concept_id: str | None = None) -> list[Explanation]:
        return store.explanations(self._db, concept_id)

    def explained(self) -> set[str]:
        return store.explained_concepts(self._db)

    # ----- generated practice questions ----------------------------------------------------
    def generated(self, day: int | None = None) -> list[Question]:
        return store.generated(self._db, day)

    def keep_generated(self, accepted: list[Accepted], model: str) -> Changes:
        for a in accepted:
            store.save_generated(self._db, a.question, a.passage.text, model)
        return self._publish(Changes(quiz=True)) if accepted else Changes()

    def flag(self, question_id: str, reason: str = "") -> Changes:
        store.flag_generated(self._db, question_id, reason)
        return self._publish(Changes(quiz=True))

    # ----- taking the cards elsewhere ------------------------------------------------------
    def export_cards(self, fmt: str, out: Path, on_conflict: str = "fail") -> list[Path]:
        """Write the question bank and review cards as an Anki deck ("anki") or CSV ("csv").

        ``on_conflict`` as for the notes export: "fail", "overwrite" or "rename".
        """
        from companion.export import anki, cards_csv
        from companion.export.files import ExportError, check_target, free_path, taken

        writers = {"anki": (anki.write, ".apkg"), "csv": (cards_csv.write, ".csv")}
        if fmt not in writers:
            raise ExportError(f"Unknown card format {fmt!r}: use anki or csv.")
        writer, suffix = writers[fmt]
        if out.is_dir():
            out = out / f"llm-study-companion{suffix}"
        if taken(out):  # a dangling symbolic link counts: it is never written through
            if on_conflict == "rename":
                out = free_path(out)
            elif on_conflict != "overwrite":
                raise ExportError(f"{out} already exists (use --force to overwrite or "
                                  "--rename to keep both).")
        # only a new path or a regular file: never a device node, a link or a folder
        check_target(out, replace=on_conflict == "overwrite")
        return [writer(cards.collect(self.course, self._db), out)]
