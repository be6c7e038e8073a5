"""Day 7: linear warm-up + cosine decay (the lesson's lr_at) next to a
warm-up-stable-decay (WSD) schedule with the same peak, floor and length."""

from __future__ import annotations

import math

PEAK, FLOOR, WARMUP, TOTAL = 3e-4, 3e-5, 1_000, 20_000
DECAY_START = 16_000  # WSD: constant until here, then a linear decay over the last 20%


def cosine(step: int) -> float:
    if step < WARMUP:
        return PEAK * (step + 1) / WARMUP
    progress = (step - WARMUP) / (TOTAL - WARMUP)
    return FLOOR + 0.5 * (PEAK - FLOOR) * (1 + math.cos(math.pi * progress))


def wsd(step: int) -> float:
    if step < WARMUP:
        return PEAK * (step + 1) / WARMUP
    if step < DECAY_START:
        return PEAK
    return PEAK - (PEAK - FLOOR) * (step - DECAY_START) / (TOTAL - DECAY_START)


def draw(theme):
    import matplotlib.pyplot as plt

    steps = list(range(0, TOTAL, 20))
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.axvspan(0, WARMUP, color=theme.muted, alpha=0.18, linewidth=0)
    ax.annotate("warm-up: the first 1,000 steps", xy=(WARMUP * 0.6, 3.55),
                xytext=(1_900, 3.75), fontsize=9, color=theme.fg, ha="left", va="center",
                arrowprops=dict(arrowstyle="->", color=theme.fg))
    ax.plot(steps, [cosine(s) * 1e4 for s in steps], color=theme.accent, linewidth=2.4,
            label="warm-up + cosine decay (lr_at)")
    ax.plot(steps, [wsd(s) * 1e4 for s in steps], color=theme.colors[1], linewidth=2,
            linestyle="--", label="warm-up + stable + decay (WSD)")
    ax.axhline(FLOOR * 1e4, color=theme.muted, linewidth=1, linestyle=":")
    ax.text(TOTAL * 0.42, FLOOR * 1e4 + 0.06, "floor: min_lr = 3e-5 (10% of the peak)",
            fontsize=9, color=theme.muted, ha="center", va="bottom")
    ax.annotate("half-way through the decay,\nlr is half-way from peak to floor",
                xy=(10_500, cosine(10_500) * 1e4), xytext=(6_200, 0.95), fontsize=9,
                color=theme.fg, ha="center", va="center",
                arrowprops=dict(arrowstyle="->", color=theme.fg))
    ax.set_xlim(0, TOTAL)
    ax.set_ylim(0, 4.1)
    ax.set_xlabel("training step")
    ax.set_ylabel("learning rate (× 1e-4)")
    ax.legend(loc="upper right", fontsize=9, frameon=False)
    fig.tight_layout()
    return fig
