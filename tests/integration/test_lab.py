"""The Lab on the real bundled model through llama.cpp, in the core and in the window.

Also writes a screenshot of every experiment (tests/screenshots/lab-*.png) to look at.
"""

from __future__ import annotations

import numpy as np
import pytest

from companion.jobs import JobContext
from companion.lab import model_access, next_token, tokenizer
from companion.lab.sampling import Settings
from companion.tutor.model_files import bundled_model_path


@pytest.fixture(scope="module")
def lab_model(engine):
    model = model_access.from_engine(engine)
    assert model is not None and model.name.startswith("SmolLM2-135M")
    return model


def test_the_lab_reads_the_tutors_own_model(engine, lab_model):
    assert lab_model.llm is engine._llm and lab_model.note == ""


def test_next_token_logits_match_a_full_read(lab_model):
    tokens = lab_model.tokenize("Attention lets every token look at the tokens before it")
    last = lab_model.next_logits(tokens)
    every = lab_model.all_logits(tokens)
    assert every.shape == (len(tokens), lab_model.n_vocab)
    assert np.allclose(last, every[-1], atol=1e-3)
    again = lab_model.next_logits(tokens + [int(np.argmax(last))])  # one new token read
    assert np.allclose(again, lab_model.all_logits(tokens + [int(np.argmax(last))])[-1],
                       atol=1e-3)


def test_the_tutor_still_answers_after_lab_experiments(engine, lab_model):
    next_token.surprise(lab_model, "The cat sat on the mat.")
    next_token.next_token(lab_model, "Paris is")
    answer = engine.complete_chat([{"role": "user", "content": "Say hello."}], max_tokens=8)
    assert answer.strip()
    tokens, _ = engine.chat_tokens([{"role": "user", "content": "Say hello."}])
    assert engine.cached_prefix(tokens) == len(tokens)  # its prompt cache is still true


def test_paris_is_the_likely_capital_and_greedy_is_repeatable(lab_model):
    result = next_token.next_token(lab_model, "The capital of France is")
    shown, picked = result.candidates(Settings(temperature=0.8), 5)
    assert shown[0].text == "␣Paris" and shown[0].prob > 0.5
    first = next_token.continue_both(lab_model, "The capital of France is", Settings(), 6, 3)
    second = next_token.continue_both(lab_model, "The capital of France is", Settings(), 6, 3)
    assert first.greedy == second.greedy and first.sampled == second.sampled
    assert first.greedy.startswith(" Paris")


def test_a_natural_sentence_is_less_surprising_than_word_salad(lab_model):
    natural = next_token.surprise(lab_model, "The cat sat on the mat and went to sleep.")
    salad = next_token.surprise(lab_model, "Mat the sleep cat went on and sat to the.")
    assert natural.perplexity < salad.perplexity / 3
    assert all(0 < t.prob <= 1 for t in natural.tokens)


def test_continuations_stop_on_cancel(lab_model):
    ctx = JobContext()
    ctx.cancel()
    from companion.jobs import Cancelled

    with pytest.raises(Cancelled):
        next_token.continue_both(lab_model, "Hello", Settings(), 10, 0, ctx)


def test_byte_fallback_pieces_join_back_into_the_text(lab_model):
    text = "naïve café 🤖 日本"
    t = tokenizer.tokenize(lab_model, text)
    assert any(tok.byte_fallback for tok in t.tokens)
    assert b"".join(lab_model.piece(tok.id) for tok in t.tokens).decode() == text


@pytest.mark.slow
def test_every_experiment_in_the_window_with_the_real_model(window, qtbot, shots):
    from companion.ui.lab_view import LabFeature

    inference = window.features.inference
    with qtbot.waitSignal(inference.modelReady, timeout=60_000):
        inference.load(bundled_model_path())
    lab = LabFeature(window, inference)
    view = lab.open("tokenizer", "Tokenization splits text into pieces: unbelievable! "
                                 "12345 naïve café\n    def f(x): return x")
    view.resize(1240, 820)
    qtbot.waitUntil(lambda: view.tokenizer.job is None and view.tokenizer.shown_once,
                    timeout=60_000)
    assert view.model.text() == "Model: SmolLM2-135M-Instruct.Q4_1"  # the tutor's own
    view.grab().save(str(shots / "lab-tokenizer.png"))

    lab.open("next-token", "The capital of France is")
    qtbot.waitUntil(lambda: view.next_token.result is not None, timeout=60_000)
    view.next_token.compare()
    qtbot.waitUntil(lambda: view.next_token.job is None
                    and bool(view.next_token.greedy.toPlainText()), timeout=120_000)
    assert "Paris" in view.next_token.greedy.toPlainText()
    view.grab().save(str(shots / "lab-next-token.png"))

    lab.open("surprise")
    qtbot.waitUntil(lambda: view.surprise.result is not None, timeout=60_000)
    assert "Perplexity" in view.surprise.summary.text()
    view.grab().save(str(shots / "lab-surprise.png"))

    lab.open("anatomy")
    qtbot.waitUntil(lambda: view.anatomy.anatomy is not None, timeout=60_000)
    view.grab().save(str(shots / "lab-anatomy.png"))

    tab = lab.open("quantization").quantization
    qtbot.waitUntil(lambda: tab.tensor.count() > 0, timeout=60_000)
    tab.run()
    qtbot.waitUntil(lambda: tab.result is not None, timeout=120_000)
    view.grab().save(str(shots / "lab-quantization.png"))

    lab.open("run-code", day=3)
    view.run_code.run()
    qtbot.waitUntil(lambda: view.run_code.last is not None, timeout=60_000)
    view.grab().save(str(shots / "lab-run-code.png"))
    # figures show inline (matplotlib comes with the test extra)
    view.run_code.edit_copy()
    view.run_code.code.setPlainText(
        "import numpy as np\nimport matplotlib.pyplot as plt\n"
        "x = np.linspace(-4, 4, 200)\nplt.figure(figsize=(4, 3))\n"
        "plt.plot(x, 1 / (1 + np.exp(-x)), label='sigmoid')\n"
        "plt.plot(x, np.tanh(x), label='tanh')\nplt.legend()\nplt.show()\n"
        "print('two activation functions')")
    view.run_code.last = None
    view.run_code.run()
    qtbot.waitUntil(lambda: view.run_code.last is not None, timeout=60_000)
    assert len(view.run_code.last.figures) == 1 and view.run_code.figures_area.isVisible()
    view.grab().save(str(shots / "lab-run-code-figure.png"))

    tiny = lab.open("tiny-model").tiny_model
    tiny.steps.setValue(1500)
    tiny.train()
    qtbot.waitUntil(lambda: tiny.result is not None, timeout=300_000)
    assert tiny.result.final_val_loss < tiny.result.first_loss - 1.0
    view.grab().save(str(shots / "lab-tiny-model.png"))


def test_a_text_too_long_for_surprise_gets_a_clear_limit(lab_model):
    with pytest.raises(ValueError, match="at most 512"):
        next_token.surprise(lab_model, "word " * 600)
