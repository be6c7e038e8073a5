"""The Lab window: menus, lesson links, sliders that need no model call, code runs, training.

The tutor here runs on the scripted engine, which has no logits: the Lab says so and
reads the bundled model instead, which is also what a server engine gets.
"""

from __future__ import annotations

import pytest

from companion.ui.lab_view import EXPERIMENTS, LabFeature


@pytest.fixture
def lab(window):
    from companion.ui.background import wait_for_all

    feature: LabFeature = window.features.lab  # built by app.build_window
    yield feature
    if feature.view is not None:
        feature.view.stop_all()
    wait_for_all(30_000)  # no job may report to a window that is gone


def test_view_menu_opens_the_lab_with_its_shortcut(window, lab):
    action = next(a for a in window.view_menu.actions() if a.text() == "&Lab…")
    assert action.shortcut().toString() == "Ctrl+Shift+L"
    action.trigger()
    assert lab.view is not None and lab.view.isVisible()
    names = [lab.view.tabs.widget(i).objectName() for i in range(lab.view.tabs.count())]
    assert names == list(EXPERIMENTS)


def test_without_a_model_the_lab_says_what_to_do(window, lab):
    view = lab.open("next-token", "Hello")
    assert "not loaded yet" in view.next_token.error.text()
    assert view.next_token.job is None and view.next_token.score_btn.isEnabled()


def test_sliders_recompute_from_cached_scores_without_a_model_call(window, lab, fake_engine,
                                                                    qtbot):
    fake_engine(["unused"])
    view = lab.open("next-token", "The capital of France is")
    tab = view.next_token
    qtbot.waitUntil(lambda: tab.result is not None, timeout=60_000)
    assert "bundled model" in view.model.text()  # it says which model, and why
    inference = window.features.inference
    jobs = inference._next_id
    before = list(tab.final_bars.opts["width"])
    tab.top_k.setValue(0)
    tab.top_p.setValue(100)
    tab.min_p.setValue(0)
    tab.temperature.setValue(200)
    hot = list(tab.final_bars.opts["width"])
    assert hot != before and hot[0] < before[0]  # a hotter, flatter distribution
    tab.top_k.setValue(1)
    assert tab.info.text().startswith("1 of 49,152 tokens survive")
    assert tab.values["top_k"].text() == "1"
    assert inference._next_id == jobs  # no new model call for any of it


def test_step_appends_one_sampled_token(window, lab, fake_engine, qtbot):
    fake_engine(["unused"])
    tab = lab.open("next-token", "One, two, three,").next_token
    qtbot.waitUntil(lambda: tab.result is not None, timeout=60_000)
    before = len(tab.result.prompt_tokens)
    tab.temperature.setValue(0)  # greedy: " four" is the obvious next token
    tab.step()
    qtbot.waitUntil(lambda: len(tab.result.prompt_tokens) == before + 1, timeout=60_000)
    assert tab.prompt.text().startswith("One, two, three, ")
    assert len(tab.prompt.text()) > len("One, two, three,")


def test_tokenizer_shows_each_token_with_its_id(window, lab, fake_engine, qtbot):
    fake_engine(["unused"])
    tab = lab.open("tokenizer", "hello world").tokenizer
    qtbot.waitUntil(lambda: "␣world" in tab.left.toPlainText(), timeout=60_000)
    assert "905" in tab.left.toPlainText()  # the id of " world" in SmolLM2's vocabulary
    assert "2 tokens · 11 characters" in tab.left.toPlainText()


def test_run_lesson_code_edit_a_copy_and_save_to_notes(window, lab, study, qtbot):
    view = lab.open("run-code", day=4, block=1)
    tab = view.run_code
    assert tab.block.currentData() == 1 and tab.code.isReadOnly()
    tab.run()
    qtbot.waitUntil(lambda: tab.last is not None, timeout=60_000)
    assert tab.verdict.text() == "✓ Same output as the lesson says."
    tab.edit_copy()
    assert not tab.code.isReadOnly()
    tab.code.setPlainText("print(6 * 7)\nraise SystemExit('bye')")
    tab.last = None
    tab.run()
    qtbot.waitUntil(lambda: tab.last is not None, timeout=60_000)
    assert "42" in tab.output.toPlainText() and "bye" in tab.output.toPlainText()
    assert "error" in tab.verdict.text()
    tab.save()
    window.notes.flush()  # notes are saved off the GUI thread: wait for the database
    qtbot.waitUntil(lambda: "42" in study.notes.body(4), timeout=10_000)
    assert "print(6 * 7)" in study.notes.body(4)
    assert "Saved to your notes for day 4" in tab.verdict.text()


def test_a_block_that_is_not_code_is_explained(window, lab):
    tab = lab.open("run-code", day=4, block=2).run_code  # the multi-head formula
    assert "not Python code that runs here" in tab.verdict.text()


def test_anatomy_and_memory_calculator(window, lab, qtbot):
    view = lab.open("anatomy")
    tab = view.anatomy
    qtbot.waitUntil(lambda: tab.anatomy is not None, timeout=60_000)
    assert tab.anatomy.kv_bytes_per_token() == 23040
    assert "grouped-query attention" in tab.facts.toPlainText()
    tab.context.setValue(1000)
    assert "× 1,000 tokens = 22.0 MiB" in tab.formula.toPlainText()
    tab.kv_type.setCurrentText("q8_0")
    assert "1.062 bytes (q8_0)" in tab.formula.toPlainText()


def test_quantization_of_a_small_tensor(window, lab, qtbot):
    tab = lab.open("quantization").quantization
    qtbot.waitUntil(lambda: tab.tensor.count() > 200, timeout=60_000)
    assert tab.tensor.currentData() == "token_embd.weight"
    tab.tensor.setCurrentIndex(tab.tensor.findData("blk.0.attn_v.weight"))
    tab.run()
    qtbot.waitUntil(lambda: tab.result is not None, timeout=60_000)
    assert tab.table.rowCount() == 13  # 4 schemes x 3 widths + the file's own format
    tab.bits.setCurrentIndex(2)  # 2 bits: the histogram follows
    assert len(tab.hist.listDataItems()) == 4


def test_train_shows_a_falling_curve_and_can_be_cancelled(window, lab, qtbot):
    tab = lab.open("tiny-model").tiny_model
    tab.kind.setCurrentIndex(1)  # bigram: quick
    tab.steps.setValue(300)
    tab.train()
    qtbot.waitUntil(lambda: tab.result is not None, timeout=120_000)
    xs, ys = tab.trend.getData()
    assert len(xs) == 300 and ys[-1] < ys[0]
    assert "Loss" in tab.info.text() and tab.samples.toPlainText().count("── step") == 1
    tab.kind.setCurrentIndex(0)
    tab.steps.setValue(50_000)
    tab.result = None
    tab.train()
    qtbot.waitUntil(lambda: tab.trend.getData()[0] is not None
                    and len(tab.trend.getData()[0]) >= 20, timeout=60_000)
    tab.busy.cancel_btn.click()
    qtbot.waitUntil(lambda: tab.result is not None, timeout=60_000)
    assert tab.result.stopped and "stopped early" in tab.info.text()


def test_show_the_code_opens_it_as_a_runnable_scratch_cell(window, lab):
    view = lab.open("tiny-model")
    view.tiny_model.code_btn.click()
    assert view.tabs.currentWidget() is view.run_code
    assert "def backward" in view.run_code.code.toPlainText()
    assert not view.run_code.code.isReadOnly()


def test_saving_to_another_days_notes_keeps_what_is_there(window, lab, study, qtbot):
    study.notes.save(7, "My own words about sampling.")
    view = lab.open("run-code", day=7)
    assert window.notes.day != 7
    view._save_to_notes(7, "**Lab run** output")
    assert study.notes.body(7) == "My own words about sampling.\n\n**Lab run** output\n"


def test_stop_during_continuations_says_stopped(window, lab, fake_engine, qtbot):
    fake_engine(["unused"])
    tab = lab.open("next-token", "Once upon a time").next_token
    qtbot.waitUntil(lambda: tab.result is not None, timeout=60_000)
    tab.compare()
    tab.busy.cancel_btn.click()
    qtbot.waitUntil(lambda: tab.job is None, timeout=60_000)
    assert tab.error.text() == "Stopped." and tab.compare_btn.isEnabled()


def test_compare_two_installed_tokenizers(window, companion_home, qtbot, fake_engine):
    import shutil

    from companion import paths
    from companion.tutor.model_files import bundled_model_path

    paths.models_dir().mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bundled_model_path(), paths.models_dir() / "my-copy.gguf")
    fake_engine(["unused"])
    lab = LabFeature(window, window.features.inference)
    tab = lab.open("tokenizer", "same words").tokenizer
    index = tab.compare_with.findText("my-copy")
    assert index > 0
    tab.compare_with.setCurrentIndex(index)
    qtbot.waitUntil(lambda: tab.right.isVisible() and "my-copy" in tab.right.toPlainText(),
                    timeout=60_000)
    assert tab.summary.text() == "Both tokenizers use 2 tokens for this text."


def test_closing_the_app_stops_training(window, lab, qtbot):
    tab = lab.open("tiny-model").tiny_model
    tab.steps.setValue(50_000)
    tab.train()
    qtbot.waitUntil(lambda: tab.trend.getData()[0] is not None, timeout=60_000)
    window.closing.emit()
    qtbot.waitUntil(lambda: tab.result is not None, timeout=60_000)
    assert tab.result.stopped


def test_every_lab_name_in_the_course_opens_its_tab(window, lab):
    from companion.curriculum import LAB_EXPERIMENTS

    used = {s.lab for d in window.study.course.days for s in d.sections if s.lab} | {
        t.lab for d in window.study.course.days for t in d.tasks if t.lab}
    assert used <= set(LAB_EXPERIMENTS) <= set(EXPERIMENTS)
    for name in LAB_EXPERIMENTS:
        view = lab.open(name, day=5)
        assert view.tabs.currentWidget().objectName() == name
    assert view.run_code.day.currentData() == 5  # run-code without a block: that day's code


def test_a_model_added_later_can_be_compared(window, lab, companion_home):
    import shutil

    from companion import paths
    from companion.tutor.model_files import bundled_model_path

    tab = lab.open("tokenizer").tokenizer
    assert tab.compare_with.findText("added-later") < 0
    paths.models_dir().mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bundled_model_path(), paths.models_dir() / "added-later.gguf")
    from companion.services.changes import Changes

    window.study.publish(Changes(models=True))  # what a download or an import publishes
    assert tab.compare_with.findText("added-later") > 0
