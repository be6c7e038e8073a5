"""Explain code through the real bundled model: streaming, and a visible cut notice."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_explain_view_streams_with_the_real_model(qtbot, window):
    from companion.tutor.model_files import bundled_model_path

    with qtbot.waitSignal(window.features.inference.modelReady, timeout=120_000):
        window.features.inference.load(bundled_model_path())
    view = window.features.explain.view
    view.set_code("for i in range(3):\n    print(i * i)\n", "python")
    with qtbot.waitSignal(window.features.inference.finished, timeout=120_000):
        view.start()
    assert "Walk-through" in view.explanation.toPlainText()  # the course part came first
    assert "a loop, for `i`" in view.explanation.markdown() or "a loop" in \
        view.explanation.toPlainText()
    assert "print" in view.highlighted.toPlainText()
    assert "style=" in view.highlighted.toHtml()  # highlighted, not plain text


def test_pasted_numpy_code_gets_links_and_a_checked_explanation(qtbot, window):
    from companion.tutor.model_files import bundled_model_path
    from tests.conftest import SHOTS

    with qtbot.waitSignal(window.features.inference.modelReady, timeout=120_000):
        window.features.inference.load(bundled_model_path())
    view = window.features.explain.view
    view.resize(1100, 720)
    view.set_code("import numpy as np\n\ndef normalise(scores, t):\n    w = np.exp(scores / t)\n"
                  "    return w / w.sum()\n\nx = np.zeros((4, 8))\nprint(normalise(x[0], 0.5))\n",
                  "python")
    with qtbot.waitSignal(window.features.inference.finished, timeout=120_000) as blocker:
        view.start()
    result = blocker.args[1]
    assert result.source == "walk-through" and result.citations
    assert "softmax" in view.explanation.toPlainText()
    view.grab().save(str(SHOTS / "tutor-explain-code.png"))


def test_too_long_code_gets_a_visible_notice(qtbot, window):
    from companion.tutor.llama_engine import LlamaEngine
    from companion.tutor.model_files import bundled_model_path

    with qtbot.waitSignal(window.features.inference.modelReady, timeout=120_000):
        # a 1024-token context: the same cut as with 4096, a quarter of the reading
        window.features.inference.load_engine(
            lambda: LlamaEngine(bundled_model_path(), n_ctx=1024), "bundled (n_ctx 1024)")
    view = window.features.explain.view
    view.set_code("\n".join(f"x{i} = x{i - 1} + {i}" for i in range(1, 4000)), "python")
    with qtbot.waitSignal(window.features.inference.finished, timeout=180_000):
        view.start()
        view.stop()  # no need to read the whole explanation
    assert "too long" in view.notice.text()


