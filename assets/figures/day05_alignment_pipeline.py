"""Day 5: the post-training pipeline from base model to assistant and reasoning model."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

BOX_W, BOX_H = 2.4, 2.1


def _stage(ax, x, title, body, data, result, edge, theme):
    y = 2.6
    ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                boxstyle="round,pad=0.03,rounding_size=0.12",
                                facecolor=theme.bg, edgecolor=edge, linewidth=1.8))
    ax.text(x, y + 0.68, title, ha="center", va="center", fontsize=10, color=theme.fg,
            fontweight="bold", linespacing=1.15)
    ax.text(x, y - 0.28, body, ha="center", va="center", fontsize=9, color=theme.fg,
            linespacing=1.3)
    ax.text(x, 1.25, data, ha="center", va="top", fontsize=8.8, color=theme.muted,
            linespacing=1.25, style="italic")
    ax.text(x, 0.05, result, ha="center", va="center", fontsize=9.5, color=edge,
            fontweight="bold")


def _arrow(ax, start, end, theme, **kw):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=13,
                                 color=kw.pop("colour", theme.fg), linewidth=1.5, **kw))


def draw(theme):
    fig, ax = plt.subplots(figsize=(6.8, 3.4))
    ax.set_xlim(0, 12.2)
    ax.set_ylim(-0.3, 5.0)
    ax.axis("off")
    xs = [1.3, 4.35, 7.4, 10.6]
    c = theme.colors
    _stage(ax, xs[0], "Pre-training", "predict the next\ntoken",
           "raw text,\ntrillions of tokens", "base model", c[0], theme)
    _stage(ax, xs[1], "SFT", "imitate good\nanswers (loss on\nresponse tokens)",
           "instruction-response\npairs, human or\nsynthetic", "instruct model", c[2], theme)
    _stage(ax, xs[2], "Preference\ntuning", "RLHF (reward\nmodel + PPO) or\nDPO / KTO / IPO",
           "chosen vs rejected\nanswers, or good/bad\nlabels", "chat assistant", c[1], theme)
    _stage(ax, xs[3], "RLVR",
           "RL with verifiable\nrewards, e.g. GRPO:\na checker scores\nsampled answers",
           "prompts with\ncheckable answers\n(maths, code)", "reasoning model", c[3], theme)
    for a, b in zip(xs, xs[1:], strict=False):
        _arrow(ax, (a + BOX_W / 2 + 0.05, 2.6), (b - BOX_W / 2 - 0.05, 2.6), theme)
    # rejection sampling feeds good samples back into SFT data
    _arrow(ax, (xs[3], 3.6), (xs[1] + 0.3, 3.6), theme, colour=theme.accent,
           connectionstyle="arc3,rad=0.28", linestyle="--")
    ax.text((xs[1] + xs[3]) / 2 + 0.15, 4.72,
            "rejection sampling: the best generated answers become new SFT data",
            ha="center", va="center", fontsize=9, color=theme.accent)
    fig.tight_layout(pad=0.2)
    return fig
