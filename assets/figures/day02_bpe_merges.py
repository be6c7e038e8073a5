"""Day 2: the lesson's toy BPE run, one row per merge, one column per word."""

from __future__ import annotations

from collections import Counter

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

WORD_FREQS = {"low": 5, "lower": 2, "newest": 6, "widest": 3}
STEPS = 6
CHAR_W = 0.62      # width of one character in data units (monospace)
GAP = 0.3          # space between two tokens


def _bpe_rows():
    """Segmentation of every word before any merge and after each merge (same rules as the
    lesson's code, including its tie-breaking by first occurrence)."""
    words = {w: list(w) + ["</w>"] for w in WORD_FREQS}
    rows = [("start", None, {w: list(s) for w, s in words.items()})]
    for step in range(STEPS):
        pairs = Counter()
        for w, symbols in words.items():
            for a, b in zip(symbols, symbols[1:], strict=False):
                pairs[(a, b)] += WORD_FREQS[w]
        (a, b), freq = pairs.most_common(1)[0]
        for w, symbols in words.items():
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == (a, b):
                    out.append(a + b)
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            words[w] = out
        rows.append((f"{step + 1}: {a} + {b} ({freq}×)", a + b,
                     {w: list(s) for w, s in words.items()}))
    return rows


def _tok_w(tok):
    return max(len(tok) * CHAR_W, 0.85) + 0.3


def _width(tokens):
    return sum(_tok_w(t) + GAP for t in tokens)


def draw(theme):
    rows = _bpe_rows()
    col_w = {w: max(_width(r[2][w]) for r in rows) for w in WORD_FREQS}
    label_w = 13.6
    x0 = {}
    x = label_w
    for w in WORD_FREQS:
        x0[w] = x
        x += col_w[w] + 1.0
    total_w = x
    row_h = 1.0

    fig, ax = plt.subplots(figsize=(7.0, 3.9))
    ax.set_xlim(0, total_w)
    ax.set_ylim(-len(rows) * row_h - 0.2, 1.3)
    ax.axis("off")

    for w, f in WORD_FREQS.items():
        ax.text(x0[w] + col_w[w] / 2, 0.6, f"{w} ×{f}", ha="center", va="center",
                fontsize=10, color=theme.fg, fontweight="bold")
    for r, (label, new, segs) in enumerate(rows):
        y = -(r + 0.5) * row_h
        ax.text(0.2, y, label, ha="left", va="center", fontsize=9.5, color=theme.fg,
                family="DejaVu Sans Mono")
        for w in WORD_FREQS:
            x = x0[w]
            for tok in segs[w]:
                tw = _tok_w(tok)
                hot = tok == new
                ax.add_patch(FancyBboxPatch((x, y - 0.32), tw, 0.64,
                                            boxstyle="round,pad=0.0,rounding_size=0.12",
                                            facecolor=theme.accent if hot else theme.bg,
                                            edgecolor=theme.accent if hot else theme.muted,
                                            linewidth=1.0))
                ax.text(x + tw / 2, y, tok, ha="center", va="center", fontsize=9,
                        family="DejaVu Sans Mono", color=theme.bg if hot else theme.fg)
                x += tw + GAP
    fig.tight_layout(pad=0.2)
    return fig
