"""Day 6: training tokens against parameters, with the Chinchilla line D = 20 N.

Points are the values the model builders reported (GPT-3 paper, Chinchilla paper,
Llama 3 model card and paper, SmolLM2 paper). Dots above the line were trained on
more than 20 tokens per parameter, dots below on fewer.
"""

from __future__ import annotations

XMIN, XMAX, YMIN, YMAX = 3e8, 3e12, 1e11, 1e14


def draw(theme):
    import matplotlib.pyplot as plt

    models = [  # name, parameters, training tokens, label offset in points, alignment
        ("GPT-3 175B (2020)", 175e9, 300e9, (-8, 10), "right"),
        ("Gopher 280B (2021)", 280e9, 300e9, (8, 9), "left"),
        ("Chinchilla 70B (2022)", 70e9, 1.4e12, (-9, 7), "right"),
        ("Llama 3 8B (2024)", 8e9, 15e12, (0, 13), "center"),
        ("Llama 3.1 405B (2024)", 405e9, 15.6e12, (0, 13), "center"),
        ("SmolLM2 1.7B (2025)", 1.7e9, 11e12, (0, -13), "center"),
    ]
    box = dict(boxstyle="round,pad=0.15", facecolor=theme.bg, edgecolor="none")

    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    # ratio, line style, width, colour, label, x position of the label
    lines = [(20, "-", 2.4, theme.accent, "20 tokens per parameter", 3e11),
             (200, "--", 1.1, theme.muted, "200 per parameter", 2.5e10),
             (2000, ":", 1.5, theme.muted, "2,000 per parameter", 1.1e9)]
    for ratio, style, width, colour, label, x_label in lines:
        x0, x1 = max(XMIN, YMIN / ratio), min(XMAX, YMAX / ratio)
        ax.plot([x0, x1], [ratio * x0, ratio * x1], style, color=colour, linewidth=width,
                zorder=2)
        below = ratio == 20  # the Chinchilla label sits under its line, clear of the dots
        ax.text(x_label, ratio * x_label * (0.89 if below else 1.12), label, color=colour,
                fontsize=9, rotation=45, rotation_mode="anchor", ha="center",
                va="top" if below else "bottom", bbox=box, zorder=4)

    for name, params, tokens, (dx, dy), align in models:
        colour = theme.colors[1] if tokens / params > 20 else theme.colors[0]
        ax.scatter([params], [tokens], s=50, color=colour, zorder=5,
                   edgecolor=theme.fg, linewidth=0.6)
        ax.annotate(name, (params, tokens), xytext=(dx, dy), textcoords="offset points",
                    fontsize=9, color=theme.fg, ha=align, va="center", bbox=box, zorder=6)

    ax.text(4e8, 7e13, "more tokens per parameter\nthan compute-optimal", fontsize=9,
            color=theme.colors[1], ha="left", va="top", bbox=box, zorder=4)
    ax.text(2.6e12, 1.3e11, "fewer tokens per parameter\nthan compute-optimal", fontsize=9,
            color=theme.colors[0], ha="right", va="bottom", bbox=box, zorder=4)

    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(XMIN, XMAX)
    ax.set_ylim(YMIN, YMAX)
    ax.set_aspect("equal")
    ax.set_xlabel("parameters N")
    ax.set_ylabel("training tokens D")
    ax.grid(True, which="major", alpha=0.25)
    fig.tight_layout()
    return fig
