"""Attempts, mastery and FSRS review cards in the real SQLite file, across restarts.

Options are shuffled per attempt, so answers are given by the position the
session shows (``session.current.answer``), never by the bank's position.
"""

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
    for i in range(len(questions)):
        shown = session.current
        session.answer((shown.answer + 1) % len(shown.options) if i in wrong else shown.answer)
        session.next()
    return session


def explain_all(study, day: int) -> None:
    """Explain each of a day's concepts back with the words of its own key points."""
    for concept in study.course.day(day).concepts:
        text = " ".join(p.text for p in concept.key_points)
        result = study.quiz.check_explanation(concept, text)
        study.quiz.save_explanation(result)


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
    explain_all(study, 3)
    assert mastered_days(study.db, study.course) == set()
    _take(study, 3, {0, 1})  # 80%
    assert mastered_days(study.db, study.course) == {3}
    # the two missed again were graded Again (back in a minute); the third is still due
    assert store.due_counts(study.db) == {3: 1}
    assert day_badges(study.db, study.course)[3] == "★ ↻1"


def test_an_unfinished_quiz_keeps_its_answers_but_does_not_count(study):
    questions = bank.day_questions(study.course, 5)
    session = QuizSession(study.db, 5, questions)
    for _ in questions[:9]:
        session.answer(session.current.answer)
        session.next()
    session.finish()
    assert len(store.attempts(study.db, session.run_id)) == 9
    assert not session.passed and 5 not in mastered_days(study.db, study.course)


def test_answering_twice_counts_once(study):
    q = bank.day_questions(study.course, 4)[0]
    session = QuizSession(study.db, 4, [q])
    first = session.answer(session.current.answer)
    assert session.answer((session.current.answer + 1) % 4) is first
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
    first = QuizSession(study.db, 4, [q])
    first.answer((first.current.answer + 1) % 4, now=start)
    card = scheduling.load(store.get_card(study.db, q.id))
    store.save_review(study.db, q.id, 4, scheduling.review(card, Grade.EASY, start))
    assert store.due_cards(study.db, start + dt.timedelta(days=1)) == []
    again = QuizSession(study.db, 4, [q])
    feedback = again.answer((again.current.answer + 1) % 4, now=start + dt.timedelta(days=1))
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
    session = QuizSession(study.db, 4, [q], kind="practice")
    session.answer((session.current.answer + 1) % 4)  # a miss makes a review card
    assert store.get_card(study.db, q.id) is not None
    assert store.flag_generated(study.db, q.id, "wrong answer")
    assert store.generated(study.db, 4) == [] and bank.find(study.course, study.db, q.id) is None
    assert store.get_card(study.db, q.id) is None
    assert q.question in bank.all_question_texts(study.course, study.db)  # never made again
    assert store.flagged_count(study.db) == 1


def test_practice_runs_never_count_for_mastery(study):
    q = bank.day_questions(study.course, 6)[0]
    session = QuizSession(study.db, 6, [q], kind="practice")
    session.answer(session.current.answer)
    session.next()
    explain_all(study, 6)
    assert session.complete and not session.passed
    assert mastered_days(study.db, study.course) == set()


def test_a_quiz_stopped_after_nine_questions_shows_in_the_stats_as_stopped(study):
    from companion.quiz.stats import compute

    questions = bank.day_questions(study.course, 5)
    session = QuizSession(study.db, 5, questions)
    for _ in range(len(questions) - 1):
        session.answer(session.current.answer)
        session.next()
    session.finish()
    finished = _take(study, 4, {0})
    runs = store.runs(study.db)
    assert [r.id for r in runs] == [finished.run_id, session.run_id]  # newest first
    stopped = runs[1]
    assert not stopped.complete and stopped.stopped and stopped.day == 5
    assert stopped.answered == len(questions) - 1 and stopped.correct == len(questions) - 1
    assert runs[0].complete and runs[0].answered == runs[0].total == len(finished.questions)
    stats = compute(study.db, study.course)
    assert [r.id for r in stats.runs] == [finished.run_id, session.run_id]
    assert 5 not in stats.best  # a stopped run never counts for mastery


def test_a_run_the_app_never_closed_counts_as_stopped(study):
    questions = bank.day_questions(study.course, 2)
    session = QuizSession(study.db, 2, questions)
    session.answer(session.current.answer)  # then the app is killed: finish() never runs
    [run] = store.runs(study.db)
    assert run.id == session.run_id and run.stopped and not run.complete and run.answered == 1


def test_an_empty_stopped_run_is_no_result(study):
    QuizSession(study.db, 2, bank.day_questions(study.course, 2)).finish()
    assert store.runs(study.db) == []
