"""Day 13: the agent loop with MCP. The host application owns the model, checks every
tool call, and talks to MCP servers through one client per server; tool results come
back into the model's context as untrusted text."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch


def _box(ax, x, y, w, h, text, edge, theme, size=10, ls="-", bold=False):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h,
                                boxstyle="round,pad=0.02,rounding_size=0.08",
                                linewidth=1.4, edgecolor=edge, facecolor=theme.bg,
                                linestyle=ls))
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color=theme.fg,
            linespacing=1.15, fontweight="bold" if bold else "normal")


def _arrow(ax, p0, p1, color, ls="-", rad=0.0):
    ax.add_patch(FancyArrowPatch(p0, p1, arrowstyle="-|>", mutation_scale=12,
                                 linewidth=1.3, color=color, linestyle=ls,
                                 connectionstyle=f"arc3,rad={rad}", shrinkA=2, shrinkB=2))


def _num(ax, x, y, n, color, theme):
    ax.text(x, y, str(n), ha="center", va="center", fontsize=9, color=theme.bg,
            fontweight="bold",
            bbox=dict(boxstyle="circle,pad=0.2", facecolor=color, edgecolor=color))


def draw(theme):
    fig, ax = plt.subplots(figsize=(7.2, 4.2))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6)
    ax.axis("off")
    host, srv, warn, flow = theme.colors[0], theme.colors[2], theme.colors[5], theme.fg

    # host application frame
    ax.add_patch(FancyBboxPatch((1.95, 0.35), 4.6, 5.2,
                                boxstyle="round,pad=0.02,rounding_size=0.15",
                                linewidth=1.2, edgecolor=host, facecolor=theme.bg,
                                linestyle="--"))
    ax.text(2.1, 5.25, "Host application (your code)", fontsize=10, color=host,
            fontweight="bold")

    _box(ax, 0.85, 3.9, 1.3, 0.8, "User", theme.muted, theme)
    _box(ax, 3.2, 3.9, 1.6, 0.8, "LLM", host, theme, bold=True)
    _box(ax, 5.35, 3.9, 1.9, 1.0, "Checks: allow-list,\nschema, approval", warn, theme,
         size=9)
    _box(ax, 5.35, 2.35, 1.7, 0.65, "MCP client A", host, theme, size=9)
    _box(ax, 5.35, 1.2, 1.7, 0.65, "MCP client B", host, theme, size=9)
    _box(ax, 8.45, 2.35, 2.2, 0.75, "MCP server:\nfiles", srv, theme, size=9)
    _box(ax, 8.45, 1.2, 2.2, 0.75, "MCP server:\nweb search", srv, theme, size=9)
    ax.text(8.45, 0.45, "web pages, emails:\nuntrusted text", ha="center", va="center",
            fontsize=8.5, color=warn)

    _arrow(ax, (1.5, 4.1), (2.4, 4.1), flow)                 # 1 question
    _num(ax, 1.95, 4.4, 1, flow, theme)
    _arrow(ax, (4.0, 3.9), (4.4, 3.9), flow)                 # 2 tool call request
    _num(ax, 4.2, 4.25, 2, flow, theme)
    _arrow(ax, (5.35, 3.4), (5.35, 2.68), flow)              # 3 allowed call
    _num(ax, 5.1, 3.05, 3, flow, theme)
    _arrow(ax, (6.2, 2.45), (7.35, 2.45), srv)               # 4 tools/call
    _arrow(ax, (7.35, 2.22), (6.2, 2.22), srv)
    ax.text(6.78, 2.7, "JSON-RPC\ntools/call", ha="center", va="bottom", fontsize=8.5,
            color=srv)
    _num(ax, 6.78, 1.95, 4, srv, theme)
    _arrow(ax, (6.2, 1.3), (7.35, 1.3), srv)
    _arrow(ax, (7.35, 1.07), (6.2, 1.07), srv)
    _arrow(ax, (4.5, 2.2), (3.3, 3.45), warn, ls="--", rad=-0.2)  # 5 result into context
    _num(ax, 3.55, 2.55, 5, warn, theme)
    ax.text(2.2, 1.55, "result joins the\nmodel's context:\ntreat as data,\nnot instructions",
            fontsize=8.5, color=warn, va="center")
    _arrow(ax, (2.4, 3.7), (1.5, 3.7), flow)                 # 6 answer
    _num(ax, 1.95, 3.4, 6, flow, theme)
    ax.text(0.85, 2.95, "loop 2-5 until\nthe model answers\n(cap the steps)",
            ha="center", va="top", fontsize=8.5, color=theme.muted)
    fig.tight_layout()
    return fig
