"""Day 4: multi-head attention as project -> split -> attend -> concatenate -> W_O.

Toy sizes: n=4 tokens, d_model=8, h=2 heads.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, Rectangle

CELL = 0.22
ROWS = 4


def _grid(ax, x, y, colours, theme):
    """A ROWS x len(colours) matrix whose lower-left corner is (x, y); one colour per column."""
    for j, colour in enumerate(colours):
        for i in range(ROWS):
            ax.add_patch(Rectangle((x + j * CELL, y + i * CELL), CELL, CELL, facecolor=colour,
                                   edgecolor=theme.bg, linewidth=1.0))
    return x + len(colours) * CELL


def _arrow(ax, x0, x1, y, theme, label=None, label_y=None):
    ax.add_patch(FancyArrowPatch((x0, y), (x1, y), arrowstyle="-|>", mutation_scale=12,
                                 color=theme.fg, linewidth=1.3))
    if label:
        ax.text((x0 + x1) / 2, label_y if label_y is not None else y + 0.25, label,
                ha="center", va="bottom", fontsize=9.5, color=theme.fg)


def draw(theme):
    head1, head2 = theme.colors[0], theme.colors[1]
    fig, ax = plt.subplots(figsize=(6.8, 3.3))
    ax.set_xlim(0, 15.4)
    ax.set_ylim(0.95, 5.2)
    ax.axis("off")
    mid = 2.75                      # vertical centre of the full-width matrices
    low = mid - ROWS * CELL / 2     # their lower edge
    top_y, bottom_y = 3.45, 1.15    # lower edges of the two per-head matrices

    # 1. the input and its projections
    _grid(ax, 0.2, low, [theme.muted] * 8, theme)
    ax.text(0.2 + 4 * CELL, low - 0.2, "X\n4 tokens × 8", ha="center", va="top", fontsize=9.5,
            color=theme.fg)
    _arrow(ax, 2.1, 2.95, mid, theme)
    ax.text(2.52, mid + 0.7, "× W_Q, × W_K, × W_V", ha="center", va="bottom", fontsize=9.5,
            color=theme.fg)
    _grid(ax, 3.0, low, [head1] * 4 + [head2] * 4, theme)
    ax.text(3.0 + 4 * CELL, low - 0.2, "Q, K, V\neach 4 × 8", ha="center", va="top",
            fontsize=9.5, color=theme.fg)

    # 2. split the columns into heads
    for y_end, colour, name in ((top_y, head1, "head 1"), (bottom_y, head2, "head 2")):
        ax.add_patch(FancyArrowPatch((4.85, mid), (5.55, y_end + ROWS * CELL / 2),
                                     arrowstyle="-|>", mutation_scale=12, color=theme.fg,
                                     linewidth=1.3))
        _grid(ax, 5.6, y_end, [colour] * 4, theme)
        ax.text(5.6 + 2 * CELL, y_end + ROWS * CELL + 0.08, name, ha="center", va="bottom",
                fontsize=9.5, color=theme.fg)
        # 3. attend in each head separately
        yc = y_end + ROWS * CELL / 2
        _arrow(ax, 6.6, 8.85, yc, theme)
        ax.text(7.72, yc + 0.12, "attend", ha="center", va="bottom", fontsize=9.5,
                color=theme.fg)
        _grid(ax, 8.9, y_end, [colour] * 4, theme)
        ax.text(8.9 + 2 * CELL, y_end + ROWS * CELL + 0.08, "4 × 4", ha="center", va="bottom",
                fontsize=9, color=theme.fg)
        # 4. concatenate
        ax.add_patch(FancyArrowPatch((9.85, yc), (10.55, mid), arrowstyle="-|>",
                                     mutation_scale=12, color=theme.fg, linewidth=1.3))
    ax.text(7.72, mid, "softmax(Q Kᵀ / √4) V\nper head, 4 × 4", ha="center", va="center",
            fontsize=9, color=theme.muted)
    _grid(ax, 10.6, low, [head1] * 4 + [head2] * 4, theme)
    ax.text(10.6 + 4 * CELL, low - 0.2, "concat\n4 × 8", ha="center", va="top", fontsize=9.5,
            color=theme.fg)

    # 5. output projection mixes the heads
    _arrow(ax, 12.45, 13.4, mid, theme, "× W_O", label_y=mid + 0.5)
    _grid(ax, 13.45, low, [theme.colors[2]] * 8, theme)
    ax.text(13.45 + 4 * CELL, low - 0.2, "output\n4 × 8", ha="center", va="top", fontsize=9.5,
            color=theme.fg)

    for x, label in ((2.5, "1 project"), (5.6, "2 split"), (7.72, "3 attend"),
                     (11.48, "4 concat"), (14.33, "5 mix")):
        ax.text(x, 5.15, label, ha="center", va="top", fontsize=10, color=theme.fg,
                fontweight="bold")
    fig.tight_layout(pad=0.2)
    return fig
