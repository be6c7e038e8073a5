"""Day 12: one MXFP4 block: 32 weights, one shared power-of-two scale, a 4-bit code each."""

import matplotlib.pyplot as plt
import numpy as np

FP4 = np.array([0, 0.5, 1, 1.5, 2, 3, 4, 6])


def draw(theme):
    rng = np.random.default_rng(0)                       # same block as the lesson's code
    w = rng.normal(0, 0.02, size=32).astype(np.float32)
    e = int(np.floor(np.log2(np.abs(w).max()))) - 2
    scale = 2.0 ** e
    idx = np.abs(np.abs(w)[:, None] / scale - FP4[None, :]).argmin(axis=1)
    codes = idx + 8 * (w < 0)
    w_hat = np.where(w < 0, -1, 1) * FP4[idx] * scale

    fig, ax = plt.subplots(figsize=(6.6, 3.6))
    levels = np.concatenate([-FP4[:0:-1], FP4]) * scale
    for lv in levels:
        ax.axhline(lv, color=theme.muted, lw=0.6, alpha=0.6, zorder=0)
    x = np.arange(32)
    ax.vlines(x, 0, w, color=theme.colors[0], lw=2.2, label="original weight", zorder=2)
    ax.scatter(x, w_hat, s=26, color=theme.colors[5], zorder=3, label="after MXFP4 (nearest level)")
    for xi, c in zip(x, codes, strict=False):
        ax.text(xi, -7.1 * scale, format(int(c), "X"), ha="center", va="center", fontsize=8,
                color=theme.fg, family="DejaVu Sans Mono")
    ax.text(-1.2, -7.1 * scale, "code", ha="right", va="center", fontsize=9, color=theme.fg)

    ax.set_xlim(-1, 32)
    ax.set_ylim(-7.6 * scale, 7.2 * scale)
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ticks = [-6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6]
    ax.set_yticks([t * scale for t in ticks])
    ax.set_yticklabels([f"{t:g}" for t in ticks], fontsize=9)
    ax.set_ylabel(f"value / scale   (scale = 2^{e})")
    ax.set_title("One block: 32 weights share one 8-bit scale; each keeps a 4-bit code",
                 fontsize=10.5, color=theme.fg)
    ax.legend(fontsize=9, frameon=False, loc="upper right", ncol=2, bbox_to_anchor=(1.0, 1.02))
    fig.tight_layout()
    return fig
