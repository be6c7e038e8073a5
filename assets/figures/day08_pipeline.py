"""Day 8: the practice project as a pipeline, from plan to analysis, with the optional
generative track alongside the classifier."""

from __future__ import annotations


def draw(theme):
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig, ax = plt.subplots(figsize=(7.2, 3.8))
    ax.set_xlim(0, 10.4)
    ax.set_ylim(0.1, 5.3)
    ax.axis("off")

    def box(x, y, w, h, text, colour, dashed=False, bold_first=True):
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.04,rounding_size=0.12",
                                    facecolor=theme.bg, edgecolor=colour, linewidth=2,
                                    linestyle="--" if dashed else "-"))
        head, _, rest = text.partition("\n")
        ax.text(x + w / 2, y + h - 0.2, head, ha="center", va="top", fontsize=10.5,
                fontweight="bold" if bold_first else "normal", color=theme.fg)
        if rest:
            ax.text(x + w / 2, y + h - 0.55, rest, ha="center", va="top", fontsize=9,
                    color=theme.fg, linespacing=1.25)

    def arrow(a, b, colour=None):
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=12, lw=1.4,
                                     color=colour or theme.muted))

    c_plan, c_data, c_model, c_gen, c_eval = (theme.colors[0], theme.colors[4], theme.colors[1],
                                              theme.colors[3], theme.colors[2])
    # columns: plan -> data -> three kinds of model -> validation -> test
    box(0.1, 1.85, 1.5, 2.0, "Plan\nday 8\ntask, metric,\ncriterion,\nbudget", c_plan)
    box(1.95, 1.85, 1.5, 2.0, "Data\nday 9\nclean, dedup,\nsplit,\ntokenize", c_data)
    box(3.9, 3.85, 2.4, 1.3, "Baselines\nmajority class,\nTF-IDF (day 8)", c_model)
    box(3.9, 2.2, 2.4, 1.3, "DistilBERT\nfine-tune (day 10)", c_model)
    box(3.9, 0.25, 2.4, 1.6,
        "Optional track\nsmall chat model:\nprompt (day 8),\nLoRA SFT (day 10)", c_gen,
        dashed=True)
    box(6.75, 1.85, 1.5, 2.0, "Validation\ndays 8-10\nevery choice:\nsettings,\nprompt", c_eval)
    box(8.6, 1.85, 1.7, 2.0, "Test\nday 11, once\nthen errors,\ncalibration,\nmodel card", c_eval)

    arrow((1.62, 2.85), (1.93, 2.85))
    for y in (4.5, 2.85, 1.05):
        arrow((3.47, 2.85), (3.88, y))
        arrow((6.32, y), (6.73, 2.85))
    arrow((8.27, 2.85), (8.58, 2.85), theme.fg)
    ax.text(8.43, 3.95, "freeze the\nchoice", ha="center", va="bottom", fontsize=8.5,
            color=theme.muted)
    fig.tight_layout()
    return fig
