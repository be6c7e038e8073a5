"""Day 5: LoRA adds a trainable low-rank path B A beside the frozen weight W."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle


def _matrix(ax, x, y, w, h, colour, theme, label, label_xy, ha="center"):
    """colour None means frozen: hatched, so labels stay readable in both themes."""
    if colour is None:
        ax.add_patch(Rectangle((x, y), w, h, facecolor=theme.bg, edgecolor=theme.muted,
                               hatch="//", linewidth=0, zorder=2))
        ax.add_patch(Rectangle((x, y), w, h, facecolor="none", edgecolor=theme.fg,
                               linewidth=1.2, zorder=2))
    else:
        ax.add_patch(Rectangle((x, y), w, h, facecolor=colour, edgecolor=theme.fg,
                               linewidth=1.2, zorder=2))
    ax.text(*label_xy, label, ha=ha, va="center", fontsize=10, color=theme.fg, zorder=3,
            linespacing=1.3, bbox=dict(facecolor=theme.bg, edgecolor="none", pad=2))


def _arrow(ax, start, end, theme, colour=None):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                 color=colour or theme.fg, linewidth=1.4, zorder=1))


def draw(theme):
    trainable = theme.colors[1]
    fig, ax = plt.subplots(figsize=(6.4, 3.7))
    ax.set_xlim(0, 12)
    ax.set_ylim(-0.35, 6.5)
    ax.axis("off")

    # input and output vectors
    _matrix(ax, 0.3, 1.6, 0.32, 2.6, theme.bg, theme, "x\n(k)", (0.46, 1.05))
    _matrix(ax, 9.0, 1.6, 0.32, 2.6, theme.bg, theme, "h\n(d)", (9.16, 1.05))

    # frozen path: W, d x k
    _matrix(ax, 2.4, 3.25, 2.3, 2.3, None, theme, "W\nd × k\nfrozen", (3.55, 4.4))
    # trainable low-rank path: A (r x k) then B (d x r)
    _matrix(ax, 2.4, 1.05, 2.3, 0.36, trainable, theme, "A: r × k", (3.55, 0.65))
    _matrix(ax, 5.55, 0.05, 0.36, 2.3, trainable, theme, "B: d × r", (6.1, 1.2), ha="left")

    _arrow(ax, (0.7, 3.4), (2.3, 4.4), theme)
    _arrow(ax, (0.7, 2.4), (2.3, 1.23), theme)
    _arrow(ax, (4.8, 1.23), (5.45, 1.23), theme)
    plus = (7.75, 2.9)
    ax.add_patch(Circle(plus, 0.27, facecolor=theme.bg, edgecolor=theme.accent, linewidth=1.8,
                        zorder=2))
    ax.text(plus[0], plus[1] - 0.03, "+", ha="center", va="center", fontsize=13,
            color=theme.accent, fontweight="bold", zorder=3)
    _arrow(ax, (4.8, 4.4), (7.55, 3.1), theme)
    _arrow(ax, (6.0, 2.45), (7.5, 2.8), theme)
    ax.text(6.95, 2.25, "× α / r", ha="center", va="top", fontsize=10, color=theme.fg)
    _arrow(ax, (8.05, 2.9), (8.9, 2.9), theme)

    ax.text(6.0, 6.25, "h = W x + (α / r) · B A x", ha="center", va="center", fontsize=12,
            color=theme.fg, fontweight="bold")
    ax.text(9.6, 4.95, "4096 × 4096, r = 8:", ha="left", va="center", fontsize=9.5,
            color=theme.fg)
    ax.text(9.6, 4.45, "W: 16,777,216", ha="left", va="center", fontsize=9.5,
            color=theme.fg)
    ax.text(9.6, 3.95, "A + B: 65,536", ha="left", va="center", fontsize=9.5,
            color=theme.fg)
    ax.text(9.6, 3.45, "(0.4% trained)", ha="left", va="center", fontsize=9.5,
            color=theme.fg)
    ax.add_patch(Rectangle((9.6, 0.75), 0.3, 0.3, facecolor=theme.bg, edgecolor=theme.muted,
                           hatch="//", linewidth=0))
    ax.add_patch(Rectangle((9.6, 0.75), 0.3, 0.3, facecolor="none", edgecolor=theme.fg,
                           linewidth=1.0))
    ax.text(10.05, 0.9, "frozen", ha="left", va="center", fontsize=9.5, color=theme.fg)
    ax.add_patch(Rectangle((9.6, 0.2), 0.3, 0.3, facecolor=trainable, edgecolor=theme.fg,
                           linewidth=1.0))
    ax.text(10.05, 0.35, "trained", ha="left", va="center", fontsize=9.5, color=theme.fg)
    fig.tight_layout(pad=0.2)
    return fig
