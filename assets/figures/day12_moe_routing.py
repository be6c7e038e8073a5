"""Day 12: a mixture-of-experts layer with a router, top-k routed experts and a shared expert."""

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch


def _box(ax, x, y, w, h, text, face, edge, fg, fontsize=10, weight="normal", ls="-"):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=face, edgecolor=edge, lw=1.4, ls=ls))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize,
            color=fg, fontweight=weight)


def _arrow(ax, start, end, color, lw=1.4, ls="-"):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11,
                                 color=color, lw=lw, ls=ls, shrinkA=0, shrinkB=0))


def draw(theme):
    fig, ax = plt.subplots(figsize=(6.6, 3.7))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6.2)
    ax.axis("off")
    fg, muted, bg = theme.fg, theme.muted, theme.bg
    routed_on = theme.colors[1]
    shared_c = theme.colors[2]

    # token and router
    _box(ax, 0.1, 2.9, 1.3, 0.8, "token\nvector", bg, fg, fg)
    _box(ax, 2.0, 2.9, 1.4, 0.8, "router\nscores", bg, theme.accent, fg, weight="bold")
    _arrow(ax, (1.4, 3.3), (2.0, 3.3), fg)

    # routed experts: 8 small boxes, 2 chosen
    chosen = {2: "0.62", 5: "0.38"}
    ys = [5.3 - i * 0.56 for i in range(8)]
    for i, y in enumerate(ys):
        if i in chosen:
            _box(ax, 4.5, y, 1.7, 0.42, f"expert {i + 1}", routed_on, routed_on, "#000000")
            _arrow(ax, (3.4, 3.3), (4.5, y + 0.21), routed_on, lw=1.8)
            ax.text(3.75, y + 0.45 if y > 3.3 else y - 0.05, f"gate {chosen[i]}", fontsize=9,
                    color=fg, ha="center", va="bottom" if y > 3.3 else "top")
            _arrow(ax, (6.2, y + 0.21), (7.55, 3.3), routed_on, lw=1.8)
        else:
            _box(ax, 4.5, y, 1.7, 0.42, f"expert {i + 1}", bg, muted, muted, ls="--")
    ax.text(5.35, 5.85, "routed experts: top-2 of 8 (dashed = idle)", ha="center",
            fontsize=10, color=fg)

    # shared expert: always on
    _box(ax, 4.4, 0.2, 1.9, 0.5, "shared expert", shared_c, shared_c, "#000000")
    _arrow(ax, (0.75, 2.9), (0.75, 0.45), fg)
    _arrow(ax, (0.75, 0.45), (4.4, 0.45), shared_c, lw=1.8)
    ax.text(2.6, 0.55, "every token, weight 1", fontsize=9, color=fg, ha="center", va="bottom")
    _arrow(ax, (6.3, 0.45), (7.62, 3.12), shared_c, lw=1.8)

    # sum and output
    ax.add_patch(plt.Circle((7.8, 3.3), 0.25, facecolor=bg, edgecolor=fg, lw=1.4))
    ax.text(7.8, 3.3, "+", ha="center", va="center", fontsize=13, color=fg)
    _arrow(ax, (8.05, 3.3), (8.6, 3.3), fg)
    _box(ax, 8.6, 2.9, 1.3, 0.8, "layer\noutput", bg, fg, fg)
    return fig
