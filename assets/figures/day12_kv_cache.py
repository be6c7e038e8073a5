"""Day 12: the KV cache grows with every token; GQA, MQA and MLA shrink what each token adds."""

import matplotlib.pyplot as plt
import numpy as np

GIB = 1024 ** 3


def draw(theme):
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.6, 3.4),
                                      gridspec_kw={"width_ratios": [1.15, 1]})

    # Left: one sequence, Llama-2-7B shape (32 layers, head_dim 128), fp16
    tokens = np.linspace(0, 32768, 200)
    for kv_heads, label, color in ((32, "32 KV heads (MHA)", theme.colors[0]),
                                   (8, "8 KV heads (GQA)", theme.colors[1]),
                                   (1, "1 KV head (MQA)", theme.colors[2])):
        gib = 2 * 32 * kv_heads * 128 * tokens * 2 / GIB
        left.plot(tokens / 1024, gib, color=color, lw=2.2, label=label)
    weights = 13.5e9 / GIB
    left.axhline(weights, color=theme.muted, lw=1.2, ls="--")
    left.text(0.6, weights - 1.2, "fp16 weights of a 7B model", color=theme.fg, fontsize=9)
    left.set_xlabel("tokens in the sequence (thousands)")
    left.set_ylabel("KV cache (GiB)")
    left.set_xlim(0, 32)
    left.set_ylim(0, 17.5)
    left.set_title("Grows with every token", fontsize=11, color=theme.fg)
    left.legend(fontsize=9, frameon=False, loc="upper left", bbox_to_anchor=(0.0, 1.0))

    # Right: numbers cached per token and layer, 128 heads of dimension 128
    names = ["MHA\n128 KV heads", "GQA\n8 KV heads", "MLA\nlatent 512 + key 64", "MQA\n1 KV head"]
    values = [2 * 128 * 128, 2 * 8 * 128, 512 + 64, 2 * 1 * 128]
    colors = [theme.colors[0], theme.colors[1], theme.accent, theme.colors[2]]
    y = np.arange(len(names))[::-1]
    right.barh(y, [v - 100 for v in values], left=100, color=colors, height=0.6)
    right.set_xscale("log")
    right.set_xlim(100, 2e5)
    right.set_yticks(y)
    right.set_yticklabels(names, fontsize=9)
    for yi, v in zip(y, values, strict=False):
        right.text(v * 1.15, yi, f"{v:,}", va="center", fontsize=9, color=theme.fg)
    right.set_xlabel("numbers cached per token, per layer")
    right.set_title("What each token adds", fontsize=11, color=theme.fg)
    right.tick_params(axis="y", length=0)

    fig.tight_layout(w_pad=1.5)
    return fig
