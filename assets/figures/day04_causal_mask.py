"""Day 4: causal self-attention weights for a 6-token sentence (masked cells above the diagonal)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle

TOKENS = ["The", "cat", "sat", "on", "the", "mat"]


def _weights() -> np.ndarray:
    """Real scaled dot-product attention weights from random projections (fixed seed)."""
    rng = np.random.default_rng(4)
    n, d = len(TOKENS), 8
    x = rng.normal(size=(n, d))
    w_q, w_k = (rng.normal(scale=d ** -0.5, size=(d, d)) for _ in range(2))
    scores = (x @ w_q) @ (x @ w_k).T / np.sqrt(d)
    mask = np.tril(np.ones((n, n), dtype=bool))
    scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _luminance(colour) -> float:
    r, g, b = to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def draw(theme):
    w = _weights()
    n = len(TOKENS)
    cmap = plt.get_cmap(theme.cmap)
    fig, ax = plt.subplots(figsize=(6.0, 4.0))
    for i in range(n):
        for j in range(n):
            if j > i:
                ax.add_patch(Rectangle((j, i), 1, 1, facecolor=theme.bg, edgecolor=theme.muted,
                                       linewidth=0.8, hatch="///"))
                continue
            colour = cmap(0.12 + 0.88 * w[i, j])
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=colour, edgecolor=theme.bg,
                                   linewidth=1.2))
            # whichever theme colour (text or background) contrasts more with this cell
            text_colour = max((theme.fg, theme.bg),
                              key=lambda c: abs(_luminance(c) - _luminance(colour)))
            ax.text(j + 0.5, i + 0.5, f"{w[i, j]:.2f}", ha="center", va="center",
                    fontsize=10, color=text_colour)
    ax.set_xlim(0, n)
    ax.set_ylim(n, 0)
    ax.set_aspect("equal")
    ax.set_xticks(np.arange(n) + 0.5, TOKENS)
    ax.set_yticks(np.arange(n) + 0.5, TOKENS)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("key: the token being looked at (j)", labelpad=8)
    ax.set_ylabel("query: the token looking (i)")
    ax.tick_params(length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.text(n + 0.3, 1.2, "j > i: masked\n(score set to −∞,\nweight 0)", ha="left", va="center",
            fontsize=10, color=theme.fg)
    ax.text(n + 0.3, 4.4, "each row\nsums to 1", ha="left", va="center", fontsize=10,
            color=theme.fg)
    fig.tight_layout(pad=0.3)
    return fig
