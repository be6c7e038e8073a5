"""Reliability diagram for day 11: the toy overconfident classifier from the calibration
section, before and after temperature scaling (same seed and data as the lesson code)."""

from __future__ import annotations

import numpy as np


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _nll(logits, labels, t):
    p = _softmax(logits / t)
    return -np.log(p[np.arange(len(labels)), labels] + 1e-12).mean()


def _bins(probs, labels, n_bins=10):
    conf, correct = probs.max(1), probs.argmax(1) == labels
    edges = np.linspace(0, 1, n_bins + 1)
    mids, accs, confs, ece = [], [], [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=False):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            mids.append((lo + hi) / 2)
            accs.append(correct[m].mean())
            confs.append(conf[m].mean())
            ece += m.mean() * abs(correct[m].mean() - conf[m].mean())
    return np.array(mids), np.array(accs), np.array(confs), ece


def _data():
    rng = np.random.default_rng(0)  # identical to the lesson's toy data
    labels = rng.integers(0, 2, 2000)
    s = np.where(labels == 1, 1.0, -1.0) + rng.normal(0, 1.2, 2000)
    logits = np.stack([-4 * s, 4 * s], axis=1)
    val, test = slice(0, 1000), slice(1000, 2000)
    temps = np.linspace(0.5, 10, 96)
    t = temps[np.argmin([_nll(logits[val], labels[val], x) for x in temps])]
    return logits[test], labels[test], t


def draw(theme):
    import matplotlib.pyplot as plt

    logits, labels, t = _data()
    before = _bins(_softmax(logits), labels)
    after = _bins(_softmax(logits / t), labels)

    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.6), sharey=True)
    panels = [(axes[0], before, "Before: T = 1", theme.colors[5]),
              (axes[1], after, f"After: T = {t:.2f}", theme.colors[2])]
    for ax, (mids, accs, confs, ece), title, colour in panels:
        ax.plot([0.5, 1], [0.5, 1], color=theme.muted, linestyle="--", linewidth=1.2,
                label="perfect calibration")
        ax.bar(mids, accs, width=0.085, color=colour, alpha=0.85, label="accuracy in bin")
        ax.plot(mids, confs, "o", color=theme.fg, markersize=4, label="mean confidence")
        for x, a, c in zip(mids, accs, confs, strict=False):
            ax.plot([x, x], [a, c], color=theme.fg, linewidth=1)
        ax.set_xlim(0.5, 1.0)
        ax.set_ylim(0.0, 1.05)
        ax.set_xlabel("confidence (bin of width 0.1)")
        ax.set_title(f"{title}   ECE = {ece:.3f}", fontsize=11)
    axes[0].set_ylabel("accuracy")
    axes[0].legend(loc="upper left", fontsize=9, frameon=False)
    fig.tight_layout()
    return fig
