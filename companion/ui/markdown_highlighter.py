"""Markdown syntax highlighting for the notes editor.

Headings, bold and italic, inline code and fenced code blocks, lists and task lists,
links, block quotes and tables are coloured as the learner types. Colours come from
the widget's palette (so dark mode works) and are rebuilt when it changes.

Qt calls ``highlightBlock`` once per line (a "block"), and again only for lines that
change: the work is per line, never a pattern over the whole note, and each pattern
here is linear (no nested repetition), so a 1 MB note opens and types without stalls.
The only state carried from line to line is "inside a fenced code block, opened by
which fence" (``previousBlockState``).
"""

from __future__ import annotations

import re

from PySide6.QtGui import (
    QColor,
    QFont,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)

# block states: NORMAL, or inside a fence: FENCE + length, + TILDE for a ~~~ fence
NORMAL, FENCE, TILDE = 0, 1000, 500
MAX_LINE = 20_000  # characters of one line that get inline highlighting (a pasted blob)

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_HEADING = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r" {0,3}(?:>[ \t]?)+")
_LIST = re.compile(r"[ \t]*([-*+]|\d{1,9}[.)])(?=[ \t]|$)")
_TASK = re.compile(r"[ \t]+(\[[ xX]\])(?=[ \t]|$)")
_TICKS = re.compile(r"`+")
_STRONG = re.compile(r"(\*\*|__)(?=\S)([^*_]|\*(?!\*)|_(?!_))+?(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])(\*|_)(?=[^\s*_])[^*_\n]+?(?<=\S)\1(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)[^~]+?(?<=\S)~~")
_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\(([^()\s]*)(?:[ \t]+\"[^\"\n]*\")?\)")
_URL = re.compile(r"<?https?://[^\s<>()]+>?")


def code_spans(line: str, start: int = 0) -> list[tuple[int, int, int]]:
    """(start, end, ticks) of each inline code span: a run of backticks up to the next run
    of the same length (CommonMark's rule), found in one pass over the runs."""
    spans: list[tuple[int, int, int]] = []
    open_at: int | None = None
    open_len = 0
    for run in _TICKS.finditer(line, start):
        length = run.end() - run.start()
        if open_at is None:
            open_at, open_len = run.start(), length
        elif length == open_len:
            spans.append((open_at, run.end(), length))
            open_at = None
    return spans


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    return QColor(round(a.red() + (b.red() - a.red()) * amount),
                  round(a.green() + (b.green() - a.green()) * amount),
                  round(a.blue() + (b.blue() - a.blue()) * amount))


class MarkdownHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, palette: QPalette) -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        self.set_palette(palette, rehighlight=False)

    def set_palette(self, palette: QPalette, rehighlight: bool = True) -> None:
        """Colours from ``palette``: the link colour for headings and links, the placeholder
        colour for Markdown's own marks, a tint of the text colour behind code."""
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        accent = palette.color(QPalette.ColorRole.Link)
        dim = palette.color(QPalette.ColorRole.PlaceholderText)
        if abs(dim.lightness() - base.lightness()) < 60:  # some styles leave it unreadable
            dim = _mix(base, text, 0.55)
        code_bg = _mix(base, text, 0.08)

        def fmt(color: QColor | None = None, bold: bool = False, italic: bool = False,
                background: QColor | None = None, underline: bool = False,
                strike: bool = False) -> QTextCharFormat:
            f = QTextCharFormat()
            if color is not None:
                f.setForeground(color)
            if bold:
                f.setFontWeight(QFont.Weight.Bold)
            if italic:
                f.setFontItalic(True)
            if background is not None:
                f.setBackground(background)
            f.setFontUnderline(underline)
            f.setFontStrikeOut(strike)
            return f

        self.formats = {
            "heading": fmt(accent, bold=True),
            "mark": fmt(dim),  # #, **, `, >, [ ], ( url ): Markdown's own syntax
            "strong": fmt(bold=True),
            "emphasis": fmt(italic=True),
            "strike": fmt(dim, strike=True),
            "code": fmt(background=code_bg),
            "fence": fmt(dim, background=code_bg),
            "list": fmt(accent, bold=True),
            "task": fmt(accent, bold=True),
            "done": fmt(dim, strike=True),
            "link": fmt(accent, underline=True),
            "url": fmt(dim),
            "quote": fmt(dim, italic=True),
            "rule": fmt(dim),
        }
        if rehighlight:
            self.rehighlight()

    # ----- one line ----------------------------------------------------------------------
    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        state = self.previousBlockState()
        if state >= TILDE:  # inside a fenced code block
            self._in_fence(text, state)
            return
        self.setCurrentBlockState(NORMAL)
        opened = _FENCE.match(text)
        if opened and not (opened.group(1)[0] == "`" and "`" in opened.group(2)):
            fence = opened.group(1)
            self.setFormat(0, len(text), self.formats["fence"])
            self.setCurrentBlockState((FENCE if fence[0] == "`" else TILDE) + len(fence))
            return
        if not text.strip():
            return
        if _RULE.match(text) or _SETEXT.match(text):
            self.setFormat(0, len(text), self.formats["rule"])
            return
        heading = _HEADING.match(text)
        if heading:
            self.setFormat(0, len(text), self.formats["heading"])
            self.setFormat(0, heading.end(), self.formats["mark"])
            return
        start = self._line_start(text)
        self._inline(text, start)

    def _in_fence(self, text: str, state: int) -> None:
        tilde = state < FENCE
        length = state - (TILDE if tilde else FENCE)
        closing = _FENCE.match(text)
        self.setFormat(0, len(text), self.formats["code" if not closing else "fence"])
        if closing and closing.group(1)[0] == ("~" if tilde else "`") \
                and len(closing.group(1)) >= length and not closing.group(2).strip():
            self.setCurrentBlockState(NORMAL)
        else:
            self.setFormat(0, len(text), self.formats["code"])
            self.setCurrentBlockState(state)

    def _line_start(self, text: str) -> int:
        """Quote marks, list markers and task boxes at the start; where the text begins."""
        pos = 0
        quote = _QUOTE.match(text)
        if quote and quote.end():
            self.setFormat(0, len(text), self.formats["quote"])
            self.setFormat(0, quote.end(), self.formats["mark"])
            pos = quote.end()
        listed = _LIST.match(text, pos)
        if listed:
            self.setFormat(listed.start(1), len(listed.group(1)), self.formats["list"])
            pos = listed.end()
            task = _TASK.match(text, pos)
            if task:
                box = task.group(1)
                self.setFormat(task.start(1), 3, self.formats["task"])
                pos = task.end()
                words = len(text) - len(text[pos:].lstrip())
                if box in ("[x]", "[X]") and words < len(text):  # done: struck through
                    self.setFormat(words, len(text) - words, self.formats["done"])
        if text.lstrip().startswith("|"):  # a table row: the pipes are marks
            for i, ch in enumerate(text):
                if ch == "|":
                    self.setFormat(i, 1, self.formats["mark"])
        return pos

    def _inline(self, text: str, start: int) -> None:
        """Code spans first (nothing inside them is Markdown), then links and emphasis."""
        end = min(len(text), start + MAX_LINE)
        line = text[:end]
        code = code_spans(line, start)
        for a, b, ticks in code:
            self.setFormat(a, b - a, self.formats["code"])
            self.setFormat(a, ticks, self.formats["mark"])
            self.setFormat(b - ticks, ticks, self.formats["mark"])

        def free(a: int, b: int) -> bool:
            return not any(a < e and s < b for s, e, _ in code)

        for m in _LINK.finditer(line, start):
            if not free(m.start(), m.end()):
                continue
            self.setFormat(m.start(), m.end() - m.start(), self.formats["mark"])
            self.setFormat(m.start(1), len(m.group(1)), self.formats["link"])
            self.setFormat(m.start(2), len(m.group(2)), self.formats["url"])
        for m in _URL.finditer(line, start):
            if free(m.start(), m.end()):
                self.setFormat(m.start(), m.end() - m.start(), self.formats["link"])
        for pattern, name, marks in ((_STRONG, "strong", 2), (_EMPHASIS, "emphasis", 1),
                                     (_STRIKE, "strike", 2)):
            for m in pattern.finditer(line, start):
                if not free(m.start(), m.end()):
                    continue
                inner = QTextCharFormat(self.format(m.start() + marks))
                inner.merge(self.formats[name])
                self.setFormat(m.start() + marks, m.end() - m.start() - 2 * marks, inner)
                self.setFormat(m.start(), marks, self.formats["mark"])
                self.setFormat(m.end() - marks, marks, self.formats["mark"])
