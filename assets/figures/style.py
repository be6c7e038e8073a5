"""Shared look for the lesson figures: one drawing, a light and a dark variant.

Every figure script in this folder defines ``draw(theme: Theme) -> Figure`` (matplotlib)
or ``svg(theme: Theme) -> str`` (hand-written SVG). ``build.py`` calls it once per
theme and writes ``companion/curriculum/figures/<name>.svg`` and ``<name>.dark.svg``;
the lesson view picks the variant that matches the palette, so a figure stays
readable in dark mode. SVG keeps it sharp at any device pixel ratio.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    name: str  # "light" or "dark"
    fg: str  # text and lines
    bg: str  # background (the lesson's own background)
    muted: str  # grid lines, secondary text
    accent: str  # the one thing to look at
    colors: tuple[str, ...]  # categorical series, colour-blind safe (Okabe-Ito)
    cmap: str  # sequential colour map for matrices and heat maps

    @property
    def dark(self) -> bool:
        return self.name == "dark"


LIGHT = Theme("light", fg="#1f2328", bg="#ffffff", muted="#8c959f", accent="#0969da",
              colors=("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                      "#F0E442"),
              cmap="Blues")
DARK = Theme("dark", fg="#e6edf3", bg="#1e1f22", muted="#8b949e", accent="#58a6ff",
             colors=("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#0072B2", "#D55E00",
                     "#F0E442"),
             cmap="viridis")
THEMES = (LIGHT, DARK)


def apply(theme: Theme) -> None:
    """Set matplotlib's defaults for ``theme`` (call at the start of ``draw``)."""
    import matplotlib as mpl

    mpl.rcParams.update({
        "figure.facecolor": theme.bg, "axes.facecolor": theme.bg,
        "savefig.facecolor": theme.bg, "text.color": theme.fg, "axes.labelcolor": theme.fg,
        "axes.edgecolor": theme.muted, "xtick.color": theme.fg, "ytick.color": theme.fg,
        "grid.color": theme.muted, "axes.prop_cycle": mpl.cycler(color=list(theme.colors)),
        "font.size": 11, "font.family": "DejaVu Sans", "svg.fonttype": "path",
        "svg.hashsalt": "companion", "axes.spines.top": False, "axes.spines.right": False,
    })
