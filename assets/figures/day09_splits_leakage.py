"""Day 9: the three IMDb splits used in the project and four places where leakage creeps in."""

from __future__ import annotations


def draw(theme):
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, Rectangle

    fig, ax = plt.subplots(figsize=(7.2, 4.0))
    ax.set_xlim(0, 10)
    ax.set_ylim(0.0, 5.75)
    ax.axis("off")

    train_c, val_c = theme.colors[0], theme.colors[2]
    test_c, warn_c = theme.colors[1], theme.colors[5]
    y0, h = 4.1, 0.9
    # official training split (25,000) = our train (90%) + validation (10%)
    ax.add_patch(Rectangle((0.2, y0), 3.96, h, color=train_c))
    ax.add_patch(Rectangle((4.16, y0), 0.44, h, color=val_c))
    ax.add_patch(Rectangle((5.4, y0), 4.4, h, color=test_c))
    ax.text(2.18, y0 + h / 2, "train  ~22,500", ha="center", va="center",
            color=theme.bg,
            fontsize=11, fontweight="bold")
    ax.text(6.9, y0 + h / 2, "test  25,000", ha="center", va="center",
            color=theme.bg if theme.dark else theme.fg,
            fontsize=11, fontweight="bold")
    ax.text(4.38, y0 + h + 0.12, "validation\n~2,500", ha="center", va="bottom", fontsize=9,
            color=theme.fg)
    ax.text(2.0, y0 + h + 0.12, "official training split\n(fits the model)", ha="center",
            va="bottom", fontsize=9, color=theme.fg)
    ax.text(7.6, y0 + h + 0.12, "official test split: other movies\n(used once, on day 11)",
            ha="center", va="bottom", fontsize=9, color=theme.fg)

    def marker(x, y, n):
        ax.plot([x], [y], "o", markersize=17, color=warn_c, zorder=5)
        ax.text(x, y, str(n), ha="center", va="center",
                color=theme.fg if theme.dark else theme.bg, fontsize=10,
                fontweight="bold", zorder=6)

    # 1: the same review in train and test
    ax.add_patch(FancyArrowPatch((2.6, y0 - 0.05), (6.6, y0 - 0.05), arrowstyle="<->",
                                 connectionstyle="arc3,rad=0.25", color=warn_c, lw=1.6,
                                 mutation_scale=12))
    marker(4.6, 3.35, 1)
    # 2: preprocessing fitted on every split
    marker(9.45, y0 + h / 2, 2)
    # 3: choosing settings by the test score
    marker(8.85, y0 + h / 2, 3)
    # 4: reviews of one movie on both sides of the train/validation cut
    marker(4.16, y0 - 0.05, 4)

    lines = [
        (1, "same (or near-same) review in train and test: drop the training copy"),
        (2, "vocabulary, TF-IDF or statistics fitted on evaluation text: fit on train only"),
        (3, "settings picked by test score: decide on validation, test once"),
        (4, "one movie's reviews on both sides of the validation cut: expect\n"
            "validation scores to be slightly optimistic"),
    ]
    y = 2.55
    for n, text in lines:
        marker(0.45, y, n)
        ax.text(0.8, y, text, va="center", fontsize=10, color=theme.fg)
        y -= 0.62 if n < 4 else 0
    fig.tight_layout()
    return fig
