"""Attempts, mastery and FSRS review cards in the real SQLite file, across restarts."""

from __future__ import annotations

import datetime as dt

from companion.curriculum import Question
from companion.quiz import bank, scheduling
from companion.quiz.scheduling import Grade
from companion.quiz.session import QuizSession, day_badges, mastered_days
from companion.storage import quiz as store
from companion.storage.schema import SCHEMA_VERSION
from companion.study import Study
from companion.text import utc_stamp

UTC = dt.timezone.utc


def _take(study, day: int, wrong: set[int]) -> QuizSession:
    """Answer a day's bank quiz, missing the questions whose positions are in ``wrong``."""
    questions = bank.day_questions(study.course, day)
    session = QuizSession(study.db, day, questions)
    for i, q in enumerate(questions):
        session.answer((q.answer + 1) % len(q.options) if i in wrong else q.answer)
        session.next()
    return session


def test_quiz_tables_exist_and_changes_are_counted_for_backups(study):
    assert {"quiz_runs", "quiz_attempts", "review_cards", "review_log",
            "generated_questions"} <= set(study.db.table_names())
    assert study.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    before = study.db.execute("SELECT value FROM change_counter").fetchone()[0]
    _take(study, 4, {0})
    after = study.db.execute("SELECT value FROM change_counter").fetchone()[0]
    assert after > before


def test_two_misses_make_two_due_cards_and_every_answer_is_saved(study):
    session = _take(study, 4, {1, 5})
    n = session.total
    assert n >= 10 and session.complete and session.correct == n - 2
    assert session.percent == round(100 * (n - 2) / n)
    saved = store.attempts(study.db, session.run_id)
    assert len(saved) == n and [ok for _, _, ok in saved].count(False) == 2
    due = store.due_cards(study.db)
    questions = bank.day_questions(study.course, 4)
    assert {c.question_id for c in due} == {questions[1].id, questions[5].id}
    assert store.due_counts(study.db) == {4: 2}


def test_mastery_needs_eighty_percent_of_a_finished_quiz(study):
    _take(study, 3, {0, 1, 2})  # 70%
    assert mastered_days(study.db) == set()
    _take(study, 3, {0, 1})  # 80%
    assert mastered_days(study.db) == {3}
    # the two missed again were graded Again (back in a minute); the third is still due
    assert store.due_counts(study.db) == {3: 1}
    assert day_badges(study.db, study.course)[3] == "★ ↻1"


def test_an_unfinished_quiz_keeps_its_answers_but_does_not_count(study):
    questions = bank.day_questions(study.course, 5)
    session = QuizSession(study.db, 5, questions)
    for q in questions[:9]:
        session.answer(q.answer)
        session.next()
    session.finish()
    assert len(store.attempts(study.db, session.run_id)) == 9
    assert not session.mastered and 5 not in mastered_days(study.db)


def test_answering_twice_counts_once(study):
    q = bank.day_questions(study.course, 4)[0]
    session = QuizSession(study.db, 4, [q])
    first = session.answer(q.answer)
    assert session.answer((q.answer + 1) % 4) is first
    assert session.correct == 1 and len(store.attempts(study.db, session.run_id)) == 1


def test_fsrs_state_survives_a_restart(study):
    _take(study, 4, {0})
    qid = bank.day_questions(study.course, 4)[0].id
    card = store.get_card(study.db, qid)
    now = dt.datetime.now(UTC)
    update = scheduling.review(scheduling.load(card), Grade.GOOD, now)
    store.save_review(study.db, qid, 4, update)
    path = study.db_path
    study.close()

    reopened = Study.open(path)
    try:
        saved = store.get_card(reopened.db, qid)
        fsrs_card = scheduling.load(saved)
        assert saved.card_json == update.card_json
        assert fsrs_card.step == 1 and fsrs_card.stability and fsrs_card.difficulty
        assert fsrs_card.due > now and saved.due == utc_stamp(fsrs_card.due)
        assert store.due_cards(reopened.db, now) == []  # not due until its next step
        later = now + dt.timedelta(days=1)
        assert [c.question_id for c in store.due_cards(reopened.db, later)] == [qid]
        # the restored state keeps scheduling: Good again graduates it to days away
        nxt = scheduling.review(fsrs_card, Grade.GOOD, later)
        assert dt.datetime.fromisoformat(nxt.due) - later >= dt.timedelta(days=1)
    finally:
        reopened.close()


def test_missing_a_question_that_already_has_a_card_grades_it_again(study):
    q = bank.day_questions(study.course, 4)[2]
    start = dt.datetime.now(UTC)
    QuizSession(study.db, 4, [q]).answer((q.answer + 1) % 4, now=start)
    card = scheduling.load(store.get_card(study.db, q.id))
    store.save_review(study.db, q.id, 4, scheduling.review(card, Grade.EASY, start))
    assert store.due_cards(study.db, start + dt.timedelta(days=1)) == []
    feedback = QuizSession(study.db, 4, [q]).answer((q.answer + 1) % 4,
                                                    now=start + dt.timedelta(days=1))
    assert not feedback.new_card
    due = store.due_cards(study.db, start + dt.timedelta(days=1, minutes=20))
    assert [c.question_id for c in due] == [q.id]
    sources = [r[0] for r in study.db.execute("SELECT source FROM review_log ORDER BY id")]
    assert sources == ["review", "quiz"]


def test_flagging_a_generated_question_removes_it_and_its_card(study):
    q = Question(id="gen-d04-abc", kind="choice", question="How many heads did it use?",
                 options=("4 heads", "8 heads", "16 heads", "32 heads"), answer=1,
                 explanation="From the lesson: 8 heads.", section="multi-head-attention",
                 day=4, generated=True)
    store.save_generated(study.db, q, "passage text", "SmolLM2")
    assert store.generated(study.db, 4) == [q]
    assert bank.find(study.course, study.db, q.id) == q
    QuizSession(study.db, 4, [q], kind="practice").answer(0)
    assert store.get_card(study.db, q.id) is not None
    assert store.flag_generated(study.db, q.id, "wrong answer")
    assert store.generated(study.db, 4) == [] and bank.find(study.course, study.db, q.id) is None
    assert store.get_card(study.db, q.id) is None
    assert q.question in bank.all_question_texts(study.course, study.db)  # never made again
    assert store.flagged_count(study.db) == 1


def test_practice_runs_never_count_for_mastery(study):
    q = bank.day_questions(study.course, 6)[0]
    session = QuizSession(study.db, 6, [q], kind="practice")
    session.answer(q.answer)
    session.next()
    assert session.complete and not session.mastered
    assert mastered_days(study.db) == set()
