"""Markdown -> sanitized HTML for the lesson viewer, note preview and tutor answers.

Python-Markdown passes raw HTML through, and notes, imports and model output are
not ours, so everything is cleaned with nh3 afterwards: no scripts, no images or
other resources, links only to http/https/mailto (and in-page anchors).

Rendering is bounded: ``render_limits`` defuses input that would make
Python-Markdown take seconds or recurse too deep, styles are checked by splitting
(no regular expression that can backtrack), and if rendering still fails the text is
shown plain with a note rather than leaving a stale preview. ``to_html`` is safe to
call from a worker thread (each thread has its own Markdown converter).
"""

from __future__ import annotations

import html
import re
import threading

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from companion.render_limits import MAX_CHARS, limit

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "id", "name", "title"},
    "ul": {"style"},  # list-style-type: none on a task list (its boxes are the bullets)
    "span": {"style"},
    "div": {"style"},
    "pre": {"style"},
    "td": {"align"},
    "th": {"align"},
}
# Pygments' inline styles are plain colours and weights: only these properties, and
# values made of letters, digits, "#", ".", "%", "-" and spaces (no "(": no url(), no
# expression()). Checked by splitting, in time linear in the attribute's length.
STYLE_PROPERTIES = {"color", "background-color", "background", "font-weight", "font-style",
                    "text-decoration", "border", "padding", "margin", "line-height",
                    "font-size", "text-align", "white-space", "list-style-type"}
_VALUE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#.%- _")
MAX_STYLE = 500


def safe_style(value: str) -> bool:
    if len(value) > MAX_STYLE:
        return False
    for declaration in value.split(";"):
        if not declaration.strip():
            continue
        name, colon, setting = declaration.partition(":")
        if not colon or name.strip().lower() not in STYLE_PROPERTIES:
            return False
        setting = setting.strip()
        if not setting or not _VALUE_CHARS.issuperset(setting):
            return False
    return True


def _keep_attribute(tag: str, attr: str, value: str) -> str | None:
    if attr == "style":
        return value if safe_style(value) else None
    return value


_local = threading.local()

# ----- task lists: "- [ ]" and "- [x]" as boxes --------------------------------------------
BOX_OPEN, BOX_DONE = "\u2610", "\u2611"  # ☐ ☑: in DejaVu Sans, Segoe UI Symbol, Apple Symbols
_TASK = re.compile(r"\[([ xX])\][ \t]+")


class _TaskLists(Treeprocessor):
    """A list item starting ``[ ]`` or ``[x]`` gets a box glyph instead (text, no new tag,
    nothing for the sanitizer to let through); a bulleted list of tasks loses its bullets.
    Works on the parsed tree, so a ``[ ]`` in code or mid-sentence is left alone."""

    def run(self, root):  # noqa: ANN001, ANN201 (Python-Markdown's ElementTree)
        for listing in root.iter():
            if listing.tag not in ("ul", "ol"):
                continue
            tasks = 0
            for item in listing.findall("li"):
                holder = item
                if not (item.text or "").strip() and len(item) and item[0].tag == "p":
                    holder = item[0]  # a loose list: <li><p>[ ] ...</p></li>
                found = _TASK.match(holder.text or "")
                if found:
                    box = BOX_DONE if found.group(1) in "xX" else BOX_OPEN
                    holder.text = f"{box} " + holder.text[found.end():]
                    tasks += 1
            if tasks and listing.tag == "ul":
                listing.set("style", "list-style-type: none")


class TaskListExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's name)
        md.treeprocessors.register(_TaskLists(md), "task_lists", 5)



def _converter(dark: bool) -> markdown.Markdown:
    """This thread's converter (a Markdown instance keeps state while converting)."""
    cache = _local.__dict__.setdefault("converters", {})
    if dark not in cache:
        cache[dark] = markdown.Markdown(
            extensions=["fenced_code", "tables", "sane_lists", "codehilite",
                        TaskListExtension()],
            extension_configs={
                # align="…" (kept by the sanitizer) rather than style="text-align: …"
                "tables": {"use_align_attribute": True},
                "codehilite": {"noclasses": True,
                               "pygments_style": "monokai" if dark else "friendly",
                               "guess_lang": False, "cssstyles": ""}
            },
        )
    return cache[dark]


_PRE = re.compile(r"<pre([^>]*)>(.*?)</pre>", re.S)


def _tidy_code_blocks(raw: str) -> str:
    """Code blocks as one even block: Qt draws the inline ``<code>`` background and the
    line-height gaps as stripes (grey bars on blank lines), and a final newline as an
    empty bar; the block's own background (theme CSS) is all a code block needs."""
    def tidy(m: re.Match[str]) -> str:
        body = m.group(2).replace("<code>", "").replace("</code>", "").rstrip("\n")
        return f"<pre>{body}</pre>"

    return _PRE.sub(tidy, raw)


FIGURE_PREFIX = "figures/"  # the course's own figures; the only images ever shown


def _keep_figure(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        ok = value.startswith(FIGURE_PREFIX) and ".." not in value and value.endswith(".svg")
        return value if ok else None
    return _keep_attribute(tag, attr, value)


def to_html(text: str, dark: bool = False, internal_links: bool = False,
            figures: bool = False) -> str:
    """Render Markdown and return HTML safe to show in a QTextBrowser.

    ``internal_links`` also keeps ``lesson:`` and ``action:`` links, which only
    navigate inside the app (citations, "Save to notes"). ``figures`` keeps images
    whose source is one of the course's own ``figures/…svg`` (lessons only; notes and
    model output never show images).
    """
    limited = limit(text, MAX_CHARS)
    converter = _converter(dark)
    notes = list(limited.notes)
    try:
        converter.reset()
        raw = converter.convert(limited.text)
    except Exception as exc:  # RecursionError or a bug in an extension: show the text plainly
        converter.reset()
        raw = f"<pre>{html.escape(limited.text)}</pre>"
        notes.append(f"This text could not be formatted ({type(exc).__name__}); it is shown "
                     "as plain text.")
    raw = _tidy_code_blocks(raw)
    if notes:  # first, where it is seen: the text below is not quite what was written
        raw = "".join(f"<p><em>({html.escape(n)})</em></p>" for n in notes) + raw
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS | ({"img"} if figures else set()),
        attributes=ALLOWED_ATTRIBUTES | ({"img": {"src", "alt", "title"}} if figures else {}),
        attribute_filter=_keep_figure if figures else _keep_attribute,
        url_schemes={"http", "https", "mailto"} | (
            {"lesson", "action", "lab", "code"} if internal_links else set()),
        link_rel=None,
        strip_comments=True,
    )


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(language, code) for each fenced code block in a Markdown text."""
    return [(m.group(1) or "", m.group(2)) for m in
            re.finditer(r"^```([\w+-]*)[^\n]*\n(.*?)^```", text, re.M | re.S)]


def highlight(code: str, language: str = "python", dark: bool = False) -> str:
    """Code as highlighted HTML with inline styles (for the Explain view)."""
    from pygments import highlight as pygmentize
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language or "text")
    except ClassNotFound:
        lexer = TextLexer()
    formatter = HtmlFormatter(noclasses=True, style="monokai" if dark else "friendly")
    return nh3.clean(pygmentize(code, lexer, formatter), tags=ALLOWED_TAGS,
                     attributes=ALLOWED_ATTRIBUTES, attribute_filter=_keep_attribute)
