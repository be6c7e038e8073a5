"""Day 13: the RAG pipeline, offline indexing and online answering, with the
points where retrieval and answers are evaluated."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch


def _box(ax, x, y, w, h, text, edge, theme, fill=None, bold=False):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h,
                                boxstyle="round,pad=0.02,rounding_size=0.08",
                                linewidth=1.4, edgecolor=edge,
                                facecolor=fill if fill else theme.bg))
    ax.text(x, y, text, ha="center", va="center", fontsize=10, color=theme.fg,
            fontweight="bold" if bold else "normal", linespacing=1.15)


def _arrow(ax, x0, y0, x1, y1, color, style="-|>", ls="-"):
    ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle=style,
                                 mutation_scale=12, linewidth=1.3, color=color,
                                 linestyle=ls, shrinkA=0, shrinkB=0))


def draw(theme):
    fig, ax = plt.subplots(figsize=(7.2, 4.0))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 5.6)
    ax.axis("off")
    off, on, ev = theme.colors[0], theme.colors[1], theme.colors[5]

    # offline indexing row
    ax.text(0.1, 5.25, "Indexing (offline, once)", fontsize=10, color=off, fontweight="bold")
    top = 4.45
    for x, label in [(1.3, "Documents"), (3.7, "Chunk\n(a few hundred\ntokens)"),
                     (6.5, "Embed and index\n(vectors + BM25)")]:
        _box(ax, x, top, 2.3 if x > 6 else 1.8, 0.95, label, off, theme)
    _arrow(ax, 2.2, top, 2.8, top, off)
    _arrow(ax, 4.6, top, 5.35, top, off)

    # online answering row
    ax.text(0.1, 3.2, "Answering (online, per question)", fontsize=10, color=on,
            fontweight="bold")
    row = 2.35
    steps = [(0.8, "Question"), (2.7, "Retrieve\nBM25 + dense"), (4.6, "Fuse\n(RRF)"),
             (6.5, "Rerank\ntop-k"), (8.55, "Generate\nwith citations")]
    for x, label in steps:
        _box(ax, x, row, 1.6 if x < 8 else 1.8, 0.95, label, on, theme)
    for (x0, _), (x1, _) in zip(steps, steps[1:], strict=False):
        w0 = 1.6 if x0 < 8 else 1.8
        w1 = 1.6 if x1 < 8 else 1.8
        _arrow(ax, x0 + w0 / 2, row, x1 - w1 / 2, row, on)
    # the index feeds retrieval
    _arrow(ax, 6.5, top - 0.48, 2.7, row + 0.48, theme.muted, ls="--")
    ax.text(6.0, 3.3, "search the index", fontsize=9, color=theme.muted, ha="left")

    # evaluation points
    ev_y = 0.75
    _box(ax, 4.6, ev_y, 4.5, 0.8, "Retrieval: recall@k, MRR\n(is the right chunk in the top-k?)",
         ev, theme)
    _box(ax, 8.55, ev_y, 2.6, 0.8, "Answer: faithfulness,\nanswer relevance", ev, theme)
    for x in (2.7, 6.5):
        _arrow(ax, x, row - 0.48, x, ev_y + 0.4, ev, ls=":")
    _arrow(ax, 8.55, row - 0.48, 8.55, ev_y + 0.4, ev, ls=":")
    ax.text(0.1, 0.05, "dotted arrows: where you measure", fontsize=9, color=ev)
    fig.tight_layout()
    return fig
