"""Day 1: three steps of generation with the lesson's toy bigram model."""

from __future__ import annotations

from collections import Counter

import matplotlib.pyplot as plt

CORPUS = [
    "<s> the cat sat on the mat </s>",
    "<s> the dog sat on the rug </s>",
    "<s> the cat ate the fish </s>",
]


def _next_word_probs(prev):
    """P(word | prev) from the same counts as the lesson's code."""
    tokens = [s.split() for s in CORPUS]
    unigrams = Counter(w for sent in tokens for w in sent[:-1])
    bigrams = Counter(p for sent in tokens for p in zip(sent, sent[1:], strict=False))
    probs = {b: c / unigrams[prev] for (a, b), c in bigrams.items() if a == prev}
    return sorted(probs.items(), key=lambda kv: (-kv[1], kv[0]))


def draw(theme):
    steps = [("the", "cat", 1), ("cat", "sat", 2), ("sat", "on", 3)]
    sizes = [len(_next_word_probs(prev)) for prev, _, _ in steps]
    fig, axes = plt.subplots(1, 3, figsize=(6.6, 3.3), sharey=True,
                             gridspec_kw={"width_ratios": [max(s, 2.4) + 0.8 for s in sizes]})
    for ax, (prev, chosen, number) in zip(axes, steps, strict=False):
        items = _next_word_probs(prev)
        words = [w for w, _ in items]
        probs = [p for _, p in items]
        colors = [theme.accent if w == chosen else theme.muted for w in words]
        ax.bar(words, probs, color=colors, width=0.7)
        for i, p in enumerate(probs):
            ax.text(i, p + 0.03, f"{p:.2f}", ha="center", va="bottom", fontsize=9,
                    color=theme.fg)
        ax.set_ylim(0, 1.18)
        ax.set_title(f"step {number}\nP(next | “{prev}”)", fontsize=10, color=theme.fg)
        ax.tick_params(axis="x", labelsize=9.5, length=0)
        ax.set_xlim(-0.6, len(words) - 0.4)
    axes[0].set_ylabel("probability")
    fig.suptitle("text so far:  <s> the  →  + cat  →  + sat  →  + on", fontsize=10.5,
                 color=theme.fg)
    fig.text(0.5, 0.01, "highlighted: the word picked at each step and appended to the text",
             ha="center", fontsize=9, color=theme.muted, style="italic")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig
