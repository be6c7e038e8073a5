"""Plain-text helpers shared by the tutor, the quiz checks and practice questions.

One place for what "a content word", "a sentence" and "plain text of a lesson"
mean, so the tutor's support check and the quiz validator cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

_WORD = re.compile(r"[a-z0-9]+(?:[_'][a-z0-9]+)*")
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each either else
etc even ever every explain few for from further get gets give had has have having he her
here hers him his how however i if in into is it its itself just let like me more most much
must my no nor not now of off on once only or other our out over own please same she should
so some such tell than that the their them then there these they this those through thus
to too under until up us very vs versus via was we were what when where whether which while
who whom whose why will with within without would yes yet you your describe difference
may might many much true false
""".split())
# a sentence ends at . ! ? followed by space and a capital, a digit, a quote or a bracket
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“(\[*`A-Z0-9])")


def words(text: str) -> list[str]:
    """Lower-case words, keeping ``d_k`` and ``don't`` whole."""
    return _WORD.findall(text.casefold())


def stem(word: str) -> str:
    """Plural and verb endings only: "heads" -> "head", "masked" -> "mask"."""
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def content_words(text: str) -> list[str]:
    """Stemmed words that carry meaning (stop words and one-letter words dropped)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def tidy(text: str) -> str:
    return " ".join(str(text).split())


def markdown_to_plain(markdown: str, keep_code: bool = False) -> str:
    """Lesson or note Markdown as prose: code blocks (unless kept), links, marks removed."""
    text = markdown if keep_code else re.sub(r"```.*?```", "\n\n", markdown, flags=re.S)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # [label](url) -> label
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text, flags=re.M)  # list markers
    text = re.sub(r"^#+\s*", "", text, flags=re.M)
    text = re.sub(r"\*\*|__|`", "", text)
    # *emphasis* and _emphasis_, but not the underscore in d_k or the * in a * b
    return re.sub(r"(?<![\w*])([*_])(?!\s)([^*_\n]+?)(?<!\s)\1(?![\w*])", r"\2", text)


def paragraphs(markdown: str) -> list[str]:
    """Prose paragraphs of a Markdown text (code, tables, headings and images left out)."""
    body = re.sub(r"```.*?```", "\n\n", markdown, flags=re.S)
    found = []
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if not block or block.startswith(("#", "|", "!", "<")) or block.startswith("*Figure"):
            continue
        found.append(tidy(markdown_to_plain(block)))
    return [p for p in found if p]


_ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "etc.", "al.", "approx.", "fig.", "no.", "cf.")


def sentences(text: str) -> list[str]:
    """Split prose into sentences; "e.g.", "vs." and "et al." do not end one."""
    found: list[str] = []
    for piece in _SENTENCE_END.split(tidy(text)):
        if found and found[-1].casefold().endswith(_ABBREVIATIONS):
            found[-1] += " " + piece
        elif piece.strip():
            found.append(piece.strip())
    return found


def fit_sentences(text: str, budget: int, count: Callable[[str], int]) -> str:
    """The most leading whole sentences of ``text`` that count at most ``budget``."""
    if count(text) <= budget:
        return text
    parts = sentences(text)
    lo, hi = 0, len(parts)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(" ".join(parts[:mid])) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return " ".join(parts[:lo]) or text[: max(1, budget) * 3]


def fit_lines(text: str, budget: int, count: Callable[[str], int]) -> tuple[str, int]:
    """The most leading whole lines that count at most ``budget``, and how many they are."""
    lines = text.splitlines()
    if count(text) <= budget:
        return text, len(lines)
    lo, hi = 0, len(lines)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count("\n".join(lines[:mid])) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return "\n".join(lines[:lo]), lo


def fit_words(text: str, max_words: int) -> str:
    """Whole sentences up to ``max_words`` words (at least one sentence)."""
    if len(text.split()) <= max_words:
        return text
    kept: list[str] = []
    for sentence in sentences(text):
        if kept and len(" ".join([*kept, sentence]).split()) > max_words:
            break
        kept.append(sentence)
    return " ".join(kept)


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a space, with an ellipsis when cut."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def utc_stamp(when: dt.datetime | None = None) -> str:
    """One timestamp format everywhere (UTC, whole seconds), so text comparison orders time."""
    when = when or dt.datetime.now(dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
