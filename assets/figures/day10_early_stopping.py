"""Day 10: training and validation loss per epoch with early stopping (patience 2).

The curves are illustrative (a typical shape, not a real run): training loss keeps
falling, validation loss bottoms out and rises; the best checkpoint is kept."""

from __future__ import annotations

import numpy as np

EPOCHS = np.arange(1, 9)
TRAIN = np.array([0.42, 0.26, 0.18, 0.12, 0.08, 0.055, 0.04, 0.03])
VAL = np.array([0.30, 0.25, 0.235, 0.245, 0.27, 0.30, 0.33, 0.36])
PATIENCE = 2


def stop_epoch(val, patience):
    best, best_i, waited = np.inf, 0, 0
    for i, v in enumerate(val):
        if v < best:
            best, best_i, waited = v, i, 0
        else:
            waited += 1
            if waited >= patience:
                return best_i, i
    return best_i, len(val) - 1


def draw(theme):
    import matplotlib.pyplot as plt

    best_i, stop_i = stop_epoch(VAL, PATIENCE)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    shown = slice(0, stop_i + 1)
    ax.plot(EPOCHS, TRAIN, color=theme.colors[0], alpha=0.35, linewidth=1.5, linestyle=":")
    ax.plot(EPOCHS, VAL, color=theme.colors[1], alpha=0.35, linewidth=1.5, linestyle=":")
    ax.plot(EPOCHS[shown], TRAIN[shown], "o-", color=theme.colors[0], linewidth=2,
            label="training loss")
    ax.plot(EPOCHS[shown], VAL[shown], "s-", color=theme.colors[1], linewidth=2,
            label="validation loss")
    ax.axvspan(EPOCHS[best_i] + 0.05, EPOCHS[stop_i] + 0.2, color=theme.muted, alpha=0.18, lw=0)
    ax.annotate("best checkpoint\n(kept and restored)", xy=(EPOCHS[best_i], VAL[best_i]),
                xytext=(EPOCHS[best_i] - 0.6, 0.39), color=theme.fg, fontsize=10,
                ha="center", arrowprops=dict(arrowstyle="->", color=theme.fg))
    ax.text((EPOCHS[best_i] + EPOCHS[stop_i]) / 2 + 0.1, 0.015,
            f"patience = {PATIENCE}:\nno improvement", ha="center", fontsize=9,
            color=theme.fg)
    ax.annotate("training stops", xy=(EPOCHS[stop_i], VAL[stop_i]),
                xytext=(EPOCHS[stop_i] + 1.2, 0.40), color=theme.fg, fontsize=10,
                ha="center", arrowprops=dict(arrowstyle="->", color=theme.fg))
    ax.text(7.3, 0.085, "what would follow\n(overfitting)", ha="center", fontsize=9,
            color=theme.muted)
    ax.set_xlabel("epoch (one evaluation per epoch)")
    ax.set_ylabel("loss")
    ax.set_xticks(EPOCHS)
    ax.set_ylim(0, 0.45)
    ax.set_xlim(0.6, 8.4)
    ax.legend(loc="lower left", frameon=False, fontsize=10)
    fig.tight_layout()
    return fig
