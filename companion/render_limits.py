"""Bounds on the Markdown the renderer is given, so no note can freeze or crash it.

Python-Markdown is pure Python with some patterns that are far from linear: 20,000
nested ``[`` took 36 s, 5,000 ``- `` on one line raised RecursionError, thousands of
nested tags made the viewer crawl. Lessons never come close, but notes, imported
files and model output are not ours. This module rewrites only what is beyond
reason, in one linear pass, before rendering:

* text beyond ``MAX_CHARS`` is cut;
* ``[`` nested deeper than ``MAX_BRACKETS`` (and its ``]``) is escaped, so it shows
  as a plain bracket;
* list and quote markers stacked deeper than ``MAX_NESTING`` on one line, or lines
  indented deeper than ``MAX_INDENT``, lose the extra nesting;
* a paragraph (or list item, table row...) whose links would cost Python-Markdown
  more than ``MAX_COST`` (its length times its number of ``[`` and ``<``: each can
  make a pattern scan to the end of the paragraph) is shown as plain text, and so
  is any paragraph with ``<`` once the text has had ``MAX_TAGS`` of them.

Fenced code blocks are left exactly as they are (their content is never parsed).
``Limited.notes`` says what was changed, for a visible line under the preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_CHARS = 100_000
MAX_BRACKETS = 8
MAX_NESTING = 8
MAX_INDENT = 40
MAX_TAGS = 2_000
MAX_LINE = 20_000  # characters scanned per line for stacked markers
MAX_FENCES = 300  # each fenced block goes through Pygments
MAX_COST = 2_000_000  # about 0.2 s of Python-Markdown's link matching

_MARKERS = ("- ", "* ", "+ ", "> ", ">")


@dataclass
class Limited:
    text: str
    notes: list[str] = field(default_factory=list)


def limit(text: str, max_chars: int = MAX_CHARS) -> Limited:
    """``text`` with anything pathological defused; ``notes`` lists what was changed."""
    notes: list[str] = []
    if len(text) > max_chars:
        text = text[:max_chars]
        notes.append(f"Preview truncated: only the first {max_chars:,} characters are shown.")
    out: list[str] = []
    state = _State()
    plain = fences = 0
    segments = _segments(text.split("\n"))
    for i, (code, lines) in enumerate(segments):
        fences += code and lines[0].strip() != ""
        if fences > MAX_FENCES or state.tags + _tags(lines) > MAX_TAGS:
            # past the budget: everything from here on as one block of plain text
            out += _as_plain([line for _, rest in segments[i:] for line in rest])
            plain += 1
            break
        if code:
            out += lines
        elif _cost(lines) > MAX_COST:
            plain += 1
            out += _as_plain(lines)
        else:
            state.tags += _tags(lines)
            out += [state.line(line) for line in lines]
    if plain:
        notes.append("Very complex text (thousands of brackets, tags or code blocks) is "
                     "shown as plain text.")
    notes += state.notes()
    return Limited("\n".join(out), notes)


def _segments(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """(is_code, lines): fenced blocks and blank lines as they are, text split into the
    units Python-Markdown formats one at a time (paragraphs, list items, rows, headings)."""
    found: list[tuple[bool, list[str]]] = []
    fence = ""
    for line in lines:
        stripped = line.lstrip()
        if fence:  # Python-Markdown closes a fence only with the very same run of ~ or `
            found[-1][1].append(line)
            if line.rstrip(" ") == fence:
                fence = ""
            continue
        if line.startswith(("```", "~~~")):
            fence = line[:len(line) - len(line.lstrip(line[0]))]
            found.append((True, [line]))
        elif not stripped:
            found.append((True, [line]))
        elif found and not found[-1][0] and not _starts_block(stripped):
            found[-1][1].append(line)  # a paragraph's next line
        else:
            found.append((False, [line]))
    return found


def _starts_block(stripped: str) -> bool:
    return stripped[:1] in "#|" or _marker(stripped, 0) > 0


def _cost(lines: list[str]) -> int:
    size = sum(len(line) + 1 for line in lines)
    return size * sum(line.count("[") + line.count("<") for line in lines)


def _tags(lines: list[str]) -> int:
    return sum(line.count("<") for line in lines)


PLAIN_WIDTH = 200  # plain text is cut into lines this long: wrapping one 40,000-character
# line without spaces took Qt's layout 0.2-0.3 s on the GUI thread, 200-character ones 4 ms


def _as_plain(lines: list[str]) -> list[str]:
    """The lines as a fenced block of plain text (the fence longer than any in the text)."""
    tildes = [len(line.strip()) for line in lines if line.strip() and not line.strip("~ ")]
    fence = "~" * max(3, max(tildes, default=0) + 1)
    cut = [line[i:i + PLAIN_WIDTH] for line in lines
           for i in range(0, max(len(line), 1), PLAIN_WIDTH)]
    return ["", fence + "text", *cut, fence, ""]


class _State:
    """Counters that carry across lines (brackets and tags can span lines)."""

    def __init__(self) -> None:
        self.brackets: list[bool] = []  # per open "[": True if it was escaped
        self.tags = 0
        self.escaped_brackets = self.flattened = 0

    def notes(self) -> list[str]:
        found = []
        if self.escaped_brackets:
            found.append(f"Brackets nested more than {MAX_BRACKETS} deep are shown as text.")
        if self.flattened:
            found.append(f"Lists or quotes nested more than {MAX_NESTING} deep are flattened.")
        return found

    def line(self, line: str) -> str:
        line = self._nesting(line)
        if "[" not in line and "]" not in line:
            return line
        out = []
        escaped = False
        for ch in line:
            if escaped:  # the character after a backslash is literal already
                out.append(ch)
                escaped = False
                continue
            if ch == "\\":
                escaped = True
            elif ch == "[":
                deep = len(self.brackets) >= MAX_BRACKETS
                self.brackets.append(deep)
                if deep:
                    self.escaped_brackets += 1
                    out.append("\\")
            elif ch == "]" and self.brackets and self.brackets.pop():
                out.append("\\")
            out.append(ch)
        return "".join(out)

    def _nesting(self, line: str) -> str:
        indent = len(line) - len(line.lstrip(" \t"))
        if indent > MAX_INDENT:
            self.flattened += 1
            line = " " * MAX_INDENT + line.lstrip(" \t")
            indent = MAX_INDENT
        pos, depth = indent, 0
        end = min(len(line), indent + MAX_LINE)
        while pos < end:
            size = _marker(line, pos)
            if not size:
                break
            depth += 1
            pos += size
            while pos < end and line[pos] == " ":
                pos += 1
        if depth <= MAX_NESTING:
            return line
        self.flattened += 1
        # keep the first MAX_NESTING markers, then show the rest of the line as text
        pos, kept = indent, 0
        while kept < MAX_NESTING:
            pos += _marker(line, pos)
            while line[pos:pos + 1] == " ":
                pos += 1
            kept += 1
        rest = line[pos:]
        return line[:pos] + "&#8203;" + rest  # a zero-width space: no longer a marker


def _marker(line: str, pos: int) -> int:
    """Length of the list or quote marker at ``pos`` ("- ", "> ", "12. "), or 0."""
    for marker in _MARKERS:
        if line.startswith(marker, pos):
            return len(marker)
    digits = pos
    while digits < len(line) and digits - pos < 9 and line[digits].isdigit():
        digits += 1
    if digits > pos and line[digits:digits + 2] in (". ", ") "):
        return digits + 2 - pos
    return 0
