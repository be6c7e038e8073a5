"""Day 3: cosine similarity depends on the angle between vectors, not on their length."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Arc

# toy 2-D "embeddings", chosen for the picture (real ones have hundreds of dimensions)
VECS = {"cat": np.array([3.0, 1.0]), "dog": np.array([2.6, 1.6]),
        "car": np.array([0.5, 2.6]), "2 × cat": np.array([6.0, 2.0])}


def _cos(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _angle(v):
    return float(np.degrees(np.arctan2(v[1], v[0])))


def draw(theme):
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    styles = {"cat": (theme.accent, "-", 2.4), "dog": (theme.colors[2], "-", 2.0),
              "car": (theme.colors[1], "-", 2.0), "2 × cat": (theme.accent, "--", 1.4)}
    # draw the long vector first so the short "cat" arrow stays on top
    for name in ["2 × cat", "car", "dog", "cat"]:
        v = VECS[name]
        color, ls, lw = styles[name]
        ax.annotate("", xy=v, xytext=(0, 0),
                    arrowprops={"arrowstyle": "-|>", "color": color, "lw": lw, "ls": ls,
                                "shrinkA": 0, "shrinkB": 0, "mutation_scale": 14})
    ax.text(3.05, 0.72, "cat", color=theme.fg, fontsize=10.5, va="top")
    ax.text(2.65, 1.7, "dog", color=theme.fg, fontsize=10.5)
    ax.text(0.6, 2.7, "car", color=theme.fg, fontsize=10.5)
    ax.text(6.1, 1.75, "2 × cat", color=theme.fg, fontsize=10.5, va="top")

    cat = VECS["cat"]
    for name, radius in [("dog", 1.6), ("car", 1.05)]:
        v = VECS[name]
        a1, a2 = sorted([_angle(cat), _angle(v)])
        ax.add_patch(Arc((0, 0), 2 * radius, 2 * radius, theta1=a1, theta2=a2,
                         color=theme.fg, lw=1.0))
    ax.text(5.2, 3.35, "cosine similarity with cat", ha="center", fontsize=10,
            color=theme.fg, fontweight="bold")
    lines = [(n, _cos(cat, VECS[n])) for n in ["dog", "car", "2 × cat"]]
    for i, (n, c) in enumerate(lines):
        ax.text(4.1, 2.95 - i * 0.36, f"{n:8s}", ha="left", fontsize=10, color=theme.fg,
                family="DejaVu Sans Mono")
        ax.text(6.3, 2.95 - i * 0.36, f"{c:.2f}", ha="right", fontsize=10, color=theme.fg,
                family="DejaVu Sans Mono")
    ax.text(7.4, 0.75, "same direction, twice as long:\nthe cosine stays 1.00", ha="center",
            fontsize=9, color=theme.muted, style="italic")
    ax.set_xlim(-0.2, 8.6)
    ax.set_ylim(-0.2, 3.6)
    ax.set_aspect("equal")
    ax.set_xlabel("dimension 1")
    ax.set_ylabel("dimension 2")
    ax.tick_params(labelsize=9)
    fig.tight_layout()
    return fig
