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
