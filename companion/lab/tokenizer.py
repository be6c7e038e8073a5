"""Experiment 1: what the model actually reads. Text in, tokens out, nothing hidden.

Each token is shown with its id and the exact bytes it stands for, whitespace made
visible (``␣`` for a space, ``↵`` for a newline, ``→`` for a tab). A byte-level BPE
model like SmolLM2 splits a character it has no token for (an emoji, a rare accent)
into raw bytes; those byte-fallback pieces are not valid text on their own, so they
are shown as ``<0xF0>``-style bytes rather than hidden or garbled.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from companion.lab.model_access import LabModel

VISIBLE = {" ": "␣", "\n": "↵", "\t": "→", "\r": "␍"}


@dataclass(frozen=True)
class Token:
    id: int
    shown: str  # the piece with whitespace made visible, or its bytes as <0x..>
    text: str  # the piece as text ("" for a byte-fallback piece)
    vocab: str  # the entry in the model's vocabulary (e.g. 'Ġworld')
    byte_fallback: bool  # part of a character, not valid UTF-8 on its own
    special: bool  # a control token such as <|im_start|>


@dataclass(frozen=True)
class Tokenized:
    model: str
    text: str
    tokens: tuple[Token, ...]

    @property
    def count(self) -> int:
        return len(self.tokens)

    @property
    def characters(self) -> int:
        return len(self.text)

    @property
    def chars_per_token(self) -> float:
        return self.characters / self.count if self.count else 0.0

    def to_json(self) -> dict:
        return {"model": self.model, "text": self.text, "count": self.count,
                "characters": self.characters,
                "chars_per_token": round(self.chars_per_token, 3),
                "tokens": [asdict(t) for t in self.tokens]}


def make_visible(text: str) -> str:
    """Spaces, newlines and tabs as symbols, so ' the' and 'the' look different."""
    return "".join(VISIBLE.get(ch, ch) for ch in text)


def describe(piece: bytes) -> tuple[str, str, bool]:
    """(shown, text, byte_fallback) for the bytes of one token."""
    try:
        text = piece.decode("utf-8")
    except UnicodeDecodeError:
        # keep any complete characters at the edges readable, the broken bytes as hex
        shown = "".join(_readable_or_hex(piece))
        return shown, "", True
    return make_visible(text), text, False


def _readable_or_hex(piece: bytes):
    i = 0
    while i < len(piece):
        for width in (1, 2, 3, 4):
            try:
                ch = piece[i:i + width].decode("utf-8")
            except UnicodeDecodeError:
                continue
            yield make_visible(ch)
            i += width
            break
        else:
            yield f"<0x{piece[i]:02X}>"
            i += 1


def tokenize(model: LabModel, text: str) -> Tokenized:
    """The tokens ``model`` reads for ``text`` (no beginning-of-text marker added)."""
    if not text:
        raise ValueError("Type or paste some text to tokenize.")
    tokens = []
    for token_id in model.tokenize(text):
        shown, piece_text, fallback = describe(model.piece(token_id))
        tokens.append(Token(token_id, shown, piece_text, model.vocab_entry(token_id),
                            fallback, model.is_special(token_id)))
    return Tokenized(model.name, text, tuple(tokens))


@dataclass(frozen=True)
class Comparison:
    left: Tokenized
    right: Tokenized

    def to_json(self) -> dict:
        return {"left": self.left.to_json(), "right": self.right.to_json(),
                "difference": self.right.count - self.left.count}

    def summary(self) -> str:
        a, b = self.left, self.right
        if a.count == b.count:
            return f"Both tokenizers use {a.count} tokens for this text."
        fewer, more = (a, b) if a.count < b.count else (b, a)
        return (f"{fewer.model} needs {fewer.count} tokens, {more.model} {more.count}: "
                f"{more.count - fewer.count} more for the same {a.characters} characters.")


def compare(left: LabModel, right: LabModel, text: str) -> Comparison:
    """The same text through two models' tokenizers."""
    return Comparison(tokenize(left, text), tokenize(right, text))
