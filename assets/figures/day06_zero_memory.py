"""Day 6: model-state memory per GPU for a 7B model on 8 GPUs, without and with ZeRO.

Mixed-precision Adam keeps 16 bytes per parameter: 2 (16-bit weights) + 2 (16-bit
gradients) + 12 (fp32 master weights and Adam's two moments). Each ZeRO stage shards
one more of the three parts across the 8 data-parallel GPUs (activations not shown).
"""

from __future__ import annotations

PARAMS = 7e9
GPUS = 8


def per_gpu_gb(stage: int) -> tuple[float, float, float]:
    weights, grads, optim = 2 * PARAMS / 1e9, 2 * PARAMS / 1e9, 12 * PARAMS / 1e9
    if stage >= 1:
        optim /= GPUS
    if stage >= 2:
        grads /= GPUS
    if stage >= 3:
        weights /= GPUS
    return weights, grads, optim


def draw(theme):
    import matplotlib.pyplot as plt

    labels = ["plain data\nparallel", "ZeRO-1\n(optimizer\nstates)", "ZeRO-2\n(+ gradients)",
              "ZeRO-3 / FSDP\n(+ weights)"]
    parts = [per_gpu_gb(stage) for stage in range(4)]
    names = ["16-bit weights", "16-bit gradients", "fp32 weights + Adam moments"]
    colours = [theme.colors[0], theme.colors[1], theme.colors[2]]

    fig, ax = plt.subplots(figsize=(6.4, 3.9))
    x = range(len(labels))
    bottoms = [0.0] * len(labels)
    for k, (name, colour) in enumerate(zip(names, colours, strict=True)):
        heights = [p[k] for p in parts]
        ax.bar(x, heights, bottom=bottoms, width=0.6, color=colour, label=name,
               edgecolor=theme.bg, linewidth=0.8)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for i, total in enumerate(bottoms):
        ax.text(i, total + 2, f"{total:g} GB", ha="center", va="bottom", fontsize=10,
                color=theme.fg)

    ax.axhline(80, color=theme.accent, linestyle="--", linewidth=1.4)
    ax.text(3.42, 82, "one 80 GB GPU", color=theme.accent, ha="right", va="bottom",
            fontsize=9.5)
    ax.set_xticks(list(x))
    ax.set_xticklabels(labels, fontsize=9.5)
    ax.set_ylabel("model state per GPU (GB)")
    ax.set_ylim(0, 128)
    ax.set_xlim(-0.5, 3.5)
    ax.legend(loc="upper right", fontsize=9, frameon=False)
    ax.set_title("7B parameters, 8 GPUs, mixed-precision Adam (16 bytes per parameter)",
                 fontsize=10, color=theme.fg)
    fig.tight_layout()
    return fig
