"""Rendering keeps lessons readable and strips anything dangerous from untrusted text."""

from companion.render import code_blocks, to_html


def test_code_is_highlighted_with_inline_styles():
    html = to_html("```python\ndef f(x):\n    return x\n```")
    assert "<pre" in html and "style=" in html and "def" in html


def test_scripts_images_and_javascript_links_are_removed():
    hostile = ('<script>alert(1)</script><img src="http://evil/x.png">'
               '[click](javascript:alert(1)) <a href="file:///etc/passwd">f</a>'
               '<span style="background:url(http://evil)">s</span>'
               '<iframe src="http://evil"></iframe> [ok](https://example.org)')
    html = to_html(hostile)
    for bad in ("<script", "<img", "javascript:", "file:", "url(", "<iframe"):
        assert bad not in html
    assert 'href="https://example.org"' in html


def test_code_blocks_are_found():
    assert code_blocks("x\n```python\nprint(1)\n```\n") == [("python", "print(1)\n")]


# ----- bounded rendering (issue 10, item 6) ---------------------------------------------------
import time  # noqa: E402

import pytest  # noqa: E402

from companion.render_limits import MAX_CHARS  # noqa: E402

HOSTILE = {
    # each of these froze the preview for seconds (or crashed it) before
    "style attribute backtracking": '<span style="color: ' + " " * 3000 + '(">x</span>',
    "20,000 nested brackets": "[" * 20000 + "a" + "]" * 20000 + "(x)",
    "10,000 unclosed links": "[a](" * 10000,
    "5,000 nested divs": "<div>" * 5000 + "x" + "</div>" * 5000,
    "5,000 list markers on a line": "- " * 5000 + "deep",
    "5,000 numbered markers": "1. " * 5000 + "deep",
    "5,000 quote markers": "> " * 5000 + "deep",
    "50,000 angle brackets": "<" * 50000,
    "30,000 paragraphs of <": "<\n\n" * 30000,
    "10,000 code fences": "```\nx\n```\n" * 10000,
    "a megabyte of words": "word " * 200_000,
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_markdown_renders_quickly_and_says_what_it_changed(name: str):
    text = HOSTILE[name]
    started = time.perf_counter()
    html = to_html(text)
    took = time.perf_counter() - started
    assert took < 1.5, f"{name} took {took:.1f} s"
    assert html  # rendered, not an exception
    if name != "style attribute backtracking":  # that one is simply an unsafe style
        assert any(word in html for word in ("truncated", "plain text", "flattened")), html[-300:]


def test_the_style_filter_keeps_pygments_styles_and_drops_everything_else():
    from companion.render import safe_style

    assert safe_style("color: #408080; font-style: italic")
    assert safe_style("background-color: #f8f8f8; font-weight: bold;")
    for bad in ("background:url(http://evil)", "color: expression(alert(1))", "color: red\\;",
                "position: fixed", "color: " + " " * 3000 + "(", "x" * 1000):
        assert not safe_style(bad), bad


def test_deep_lists_are_flattened_not_a_recursion_error():
    html = to_html("- " * 5000 + "deep")
    assert "deep" in html and "flattened" in html
    assert html.count("<ul>") <= 10


def test_long_text_is_cut_with_a_visible_note():
    html = to_html("a" * (MAX_CHARS + 10))
    assert "Preview truncated" in html


def test_ordinary_lessons_and_notes_are_untouched():
    text = ("## Attention\n\nQueries meet keys: see [the paper](https://arxiv.org/abs/1706.03762)"
            " and <b>bold</b>.\n\n- one\n    - two\n        - three\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint([[1]])\n```\n")
    html = to_html(text)
    assert 'href="https://arxiv.org/abs/1706.03762"' in html and "<table>" in html
    assert html.count("<ul>") == 3 and "print</span>([[" in html
    for note in ("truncated", "plain text", "flattened"):
        assert note not in html


def test_rendering_from_several_threads_at_once_gives_the_same_html():
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"# Day {i}\n\n*note* {i}, `code`, [link](https://x.org/{i})" for i in range(40)]
    expected = [to_html(t) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(to_html, texts)) == expected
