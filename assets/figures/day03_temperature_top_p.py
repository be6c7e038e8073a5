"""Day 3: how temperature and top-p reshape the lesson's next-token distribution."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

VOCAB = ["the", "a", "cat", "dog", "sat", "ran", "quantum"]
LOGITS = np.array([3.0, 2.5, 2.0, 1.8, 1.0, 0.5, -2.0])   # the same numbers as the lesson


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def draw(theme):
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.0, 3.6), sharey=True)
    x = np.arange(len(VOCAB))

    temps = [0.5, 1.0, 1.5]
    width = 0.27
    for i, t in enumerate(temps):
        left.bar(x + (i - 1) * width, _softmax(LOGITS / t), width=width,
                 color=theme.colors[i], label=f"T = {t}")
    left.set_xticks(x, VOCAB, rotation=35, ha="right", fontsize=9.5)
    left.set_ylabel("probability")
    left.set_title("temperature: logits / T, then softmax", fontsize=10)
    left.legend(frameon=False, fontsize=9)

    p = _softmax(LOGITS)
    order = np.argsort(p)[::-1]
    cum = np.cumsum(p[order])
    n_keep = int(np.searchsorted(cum, 0.9)) + 1
    keep = set(order[:n_keep].tolist())
    renorm = np.where([i in keep for i in range(len(p))], p, 0.0)
    renorm = renorm / renorm.sum()
    right.bar(x - 0.2, p, width=0.38,
              color=[theme.muted if i not in keep else theme.colors[1] for i in range(len(p))],
              label="T = 1.0")
    right.bar(x + 0.2, renorm, width=0.38, color=theme.accent, label="after top-p = 0.9")
    for i in range(len(p)):
        if i not in keep:
            right.text(i - 0.2, p[i] + 0.015, "cut", ha="center", fontsize=8.5,
                       color=theme.muted)
    right.set_xticks(x, VOCAB, rotation=35, ha="right", fontsize=9.5)
    right.set_title(f"top-p = 0.9 keeps {n_keep} tokens "
                    f"(mass {cum[n_keep - 1]:.2f})", fontsize=10)
    right.legend(frameon=False, fontsize=9)
    for ax in (left, right):
        ax.set_ylim(0, 0.68)
    fig.tight_layout()
    return fig
