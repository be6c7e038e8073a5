"""Day 4: one Transformer block, post-norm (2017) beside pre-norm (Llama-style), bottom to top."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

BOX_W, BOX_H = 2.9, 0.68


def _box(ax, x, y, text, edge, theme):
    ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                boxstyle="round,pad=0.02,rounding_size=0.12",
                                facecolor=theme.bg, edgecolor=edge, linewidth=1.8, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=10, color=theme.fg, zorder=4)


def _plus(ax, x, y, theme):
    ax.add_patch(Circle((x, y), 0.22, facecolor=theme.bg, edgecolor=theme.accent, linewidth=1.8,
                        zorder=3))
    ax.text(x, y - 0.02, "+", ha="center", va="center", fontsize=12, color=theme.accent,
            zorder=4, fontweight="bold")


def _up(ax, x, y0, y1, colour):
    ax.add_patch(FancyArrowPatch((x, y0), (x, y1), arrowstyle="-|>", mutation_scale=11,
                                 color=colour, linewidth=1.4, zorder=2))


def _skip(ax, x, y_from, y_plus, theme, side=1.75):
    """Residual connection: leave the main path at y_from, run up the side, enter the + node."""
    xs = x + side
    ax.plot([x, xs, xs], [y_from, y_from, y_plus], color=theme.accent, linewidth=1.8, zorder=1)
    ax.add_patch(FancyArrowPatch((xs, y_plus), (x + 0.24, y_plus), arrowstyle="-|>",
                                 mutation_scale=11, color=theme.accent, linewidth=1.8, zorder=2))


def _column(ax, x, steps, skips, theme):
    """steps: list of (kind, y, text, colour) from bottom to top; kind is 'io', 'box' or 'plus'."""
    for i, (kind, y, text, colour) in enumerate(steps):
        if kind == "io":
            ax.text(x, y, text, ha="center", va="center", fontsize=10.5, color=theme.fg,
                    fontweight="bold")
        elif kind == "box":
            _box(ax, x, y, text, colour, theme)
        else:
            _plus(ax, x, y, theme)
        if i + 1 < len(steps):
            y_next = steps[i + 1][1]
            start = y + (0.25 if kind != "box" else BOX_H / 2)
            end = y_next - (0.25 if steps[i + 1][0] != "box" else BOX_H / 2)
            if steps[i + 1][0] == "io":
                end = y_next - 0.3
            _up(ax, x, start, end, theme.fg)
    for y_from, y_plus in skips:
        _skip(ax, x, y_from, y_plus, theme)


def draw(theme):
    attn, ffn, norm = theme.colors[0], theme.colors[1], theme.colors[2]
    fig, ax = plt.subplots(figsize=(6.4, 5.0))
    ax.set_xlim(0, 11)
    ax.set_ylim(-0.2, 10.9)
    ax.axis("off")

    left, right = 2.3, 7.6
    _column(ax, left, [
        ("io", 0.3, "x", None),
        ("box", 1.7, "Multi-head attention", attn),
        ("plus", 2.9, "", None),
        ("box", 3.9, "LayerNorm", norm),
        ("box", 5.5, "FFN", ffn),
        ("plus", 6.7, "", None),
        ("box", 7.7, "LayerNorm", norm),
        ("io", 9.1, "out", None),
    ], [(0.85, 2.9), (4.65, 6.7)], theme)
    _column(ax, right, [
        ("io", 0.3, "x", None),
        ("box", 1.7, "RMSNorm", norm),
        ("box", 2.9, "Multi-head attention", attn),
        ("plus", 4.1, "", None),
        ("box", 5.5, "RMSNorm", norm),
        ("box", 6.7, "SwiGLU FFN", ffn),
        ("plus", 7.9, "", None),
        ("io", 9.1, "out", None),
    ], [(0.85, 4.1), (4.75, 7.9)], theme)

    ax.text(left + 0.6, 10.55, "Post-norm (2017, BERT)", ha="center", va="center", fontsize=11,
            color=theme.fg, fontweight="bold")
    ax.text(right + 0.6, 10.55, "Pre-norm (GPT-2, Llama)", ha="center", va="center",
            fontsize=11, color=theme.fg, fontweight="bold")
    ax.text(left + 0.6, 9.75, "norm sits on the main path", ha="center", va="center",
            fontsize=9.5, color=theme.muted)
    ax.text(right + 0.6, 9.75, "clean residual path: only additions", ha="center",
            va="center", fontsize=9.5, color=theme.muted)
    fig.tight_layout(pad=0.2)
    return fig
