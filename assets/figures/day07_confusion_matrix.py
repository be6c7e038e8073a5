"""Day 7: the spam-filter confusion matrix, with the column that precision reads and the
row that recall reads outlined."""

from __future__ import annotations


def draw(theme):
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    tp, fn, fp, tn = 80, 20, 40, 860
    fig, ax = plt.subplots(figsize=(6.4, 3.3))
    ax.set_xlim(-1.75, 4.35)
    ax.set_ylim(-0.8, 2.65)
    ax.set_aspect("equal")
    ax.axis("off")

    correct, wrong = theme.colors[2], theme.colors[5]
    cells = [  # column, row (row 1 = top), name, count, right or wrong
        (0, 1, "TP", tp, correct), (1, 1, "FN", fn, wrong),
        (0, 0, "FP", fp, wrong), (1, 0, "TN", tn, correct),
    ]
    for col, row, name, count, colour in cells:
        ax.add_patch(Rectangle((col, row), 1, 1, facecolor=colour, alpha=0.22,
                               edgecolor=theme.fg, linewidth=1))
        ax.text(col + 0.5, row + 0.62, name, ha="center", va="center", fontsize=13,
                color=theme.fg, fontweight="bold")
        ax.text(col + 0.5, row + 0.32, f"{count}", ha="center", va="center", fontsize=12,
                color=theme.fg)

    ax.text(0.5, 2.12, "predicted\nspam", ha="center", va="bottom", fontsize=10, color=theme.fg)
    ax.text(1.5, 2.12, "predicted\nnot spam", ha="center", va="bottom", fontsize=10,
            color=theme.fg)
    ax.text(-0.25, 1.5, "actually spam", ha="right", va="center", fontsize=10, color=theme.fg)
    ax.text(-0.25, 0.5, "actually\nnot spam", ha="right", va="center", fontsize=10,
            color=theme.fg)

    p_colour, r_colour = theme.colors[0], theme.colors[1]
    ax.add_patch(Rectangle((-0.06, -0.06), 1.12, 2.12, fill=False, edgecolor=p_colour,
                           linewidth=3, linestyle="-"))
    ax.add_patch(Rectangle((-0.1, 0.94), 2.2, 1.12, fill=False, edgecolor=r_colour,
                           linewidth=3, linestyle="--"))
    ax.text(0.5, -0.2, "precision reads this column:\nTP / (TP + FP) = 80 / 120 = 0.667",
            ha="center", va="top", fontsize=10, color=p_colour)
    ax.text(2.25, 1.5, "recall reads this row:\nTP / (TP + FN)\n= 80 / 100 = 0.800",
            ha="left", va="center", fontsize=10, color=r_colour)
    ax.text(2.25, 0.45, "correct: TP and TN\nerrors: FP and FN\naccuracy = 940 / 1000",
            ha="left", va="center", fontsize=9.5, color=theme.muted)
    fig.tight_layout()
    return fig
