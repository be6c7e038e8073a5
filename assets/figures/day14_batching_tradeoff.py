"""Day 14: why batching raises throughput but slows each user, on an illustrative
decode-step model (step time = fixed cost of reading the weights + a small cost per
sequence in the batch). Numbers are made up to show the shape, not measured."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

FIXED_MS = 20.0      # reading all weights once per decode step
PER_SEQ_MS = 0.25    # extra work per sequence in the batch (KV cache reads, compute)


def draw(theme):
    batch = 2 ** np.arange(0, 9)                      # 1 .. 256
    step_ms = FIXED_MS + PER_SEQ_MS * batch           # = time per output token (TPOT)
    throughput = batch / step_ms * 1000               # tokens per second, all users
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.4))
    left.plot(batch, throughput, marker="o", color=theme.colors[0])
    left.set_title("Throughput (all users)", fontsize=11)
    left.set_ylabel("tokens / second")
    right.plot(batch, step_ms, marker="o", color=theme.colors[5])
    right.set_title("Time per output token (each user)", fontsize=11)
    right.set_ylabel("milliseconds")
    right.set_ylim(0, 100)
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.set_xticks(batch)
        ax.set_xticklabels([str(b) for b in batch], fontsize=9)
        ax.set_xlabel("batch size (sequences decoded together)")
        ax.grid(alpha=0.3)
    fig.suptitle(f"Illustrative model: step = {FIXED_MS:.0f} ms + {PER_SEQ_MS} ms x batch",
                 fontsize=10, color=theme.muted)
    fig.tight_layout()
    return fig
