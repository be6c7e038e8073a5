"""Day 1: the autoregressive loop that turns next-token prediction into text."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

BOX_W, BOX_H = 3.5, 1.15


def _box(ax, x, y, text, theme, edge):
    ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=theme.bg, edgecolor=edge, linewidth=1.6))
    ax.text(x, y, text, ha="center", va="center", fontsize=10.5, color=theme.fg,
            linespacing=1.35)


def _arrow(ax, start, end, theme):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14,
                                 color=theme.fg, linewidth=1.4))


def draw(theme):
    fig, ax = plt.subplots(figsize=(6.6, 3.9))
    ax.set_xlim(0, 11)
    ax.set_ylim(0, 6.2)
    ax.axis("off")

    left, right, top, bottom = 1.85, 9.15, 5.2, 1.75
    _box(ax, left, top, "1. the tokens so far\n“The cat sat on the”", theme, theme.colors[0])
    _box(ax, right, top, "2. the model gives a\nprobability to every token", theme,
         theme.colors[0])
    _box(ax, right, bottom, "3. pick one token\n(greedy or sampled)", theme, theme.colors[0])
    _box(ax, left, bottom, "4. append it:\n“The cat sat on the mat”", theme, theme.accent)

    _arrow(ax, (left + BOX_W / 2 + 0.1, top), (right - BOX_W / 2 - 0.1, top), theme)
    _arrow(ax, (right, top - BOX_H / 2 - 0.1), (right, bottom + BOX_H / 2 + 0.1), theme)
    _arrow(ax, (right - BOX_W / 2 - 0.1, bottom), (left + BOX_W / 2 + 0.1, bottom), theme)
    _arrow(ax, (left, bottom + BOX_H / 2 + 0.1), (left, top - BOX_H / 2 - 0.1), theme)

    # what step 2 produces, drawn in the middle of the loop (made-up numbers)
    ax.text(5.5, 4.15, "step 2 output (illustrative)", ha="center", va="center", fontsize=9,
            color=theme.muted, style="italic")
    words = ["mat", "floor", "sofa", "roof", "others"]
    probs = [0.46, 0.27, 0.17, 0.08, 0.02]
    for i, (w, p) in enumerate(zip(words, probs, strict=False)):
        y = 3.7 - i * 0.33
        ax.barh(y, p * 3.4, height=0.24, left=5.0,
                color=theme.accent if i == 0 else theme.muted)
        ax.text(4.9, y, w, ha="right", va="center", fontsize=9, color=theme.fg)
        ax.text(5.08 + p * 3.4, y, f"{p:.2f}", ha="left", va="center", fontsize=8.5,
                color=theme.fg)

    ax.text(5.5, 0.55, "repeat until an end-of-text token or a length limit",
            ha="center", va="center", fontsize=9.5, color=theme.muted, style="italic")
    fig.tight_layout(pad=0.2)
    return fig
