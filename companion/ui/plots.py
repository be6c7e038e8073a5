"""Charts that follow the app's light or dark palette, for the Lab and the quiz stats.

pyqtgraph: made for Qt, redraws a bar chart in a few milliseconds (the Lab's sliders
need that), streams a live loss curve, and has a date axis in local time (stats).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from companion.ui import theme


def plot_widget(parent: QWidget, left: str, bottom: str,
                dates: bool = False) -> pg.PlotWidget:
    """A plot with labelled axes, a light grid and no mouse panning to get lost in."""
    dark = theme.is_dark(parent)
    axes = {"bottom": pg.DateAxisItem(orientation="bottom")} if dates else {}
    plot = pg.PlotWidget(parent, background="#202124" if dark else "w", axisItems=axes)
    axis_pen = pg.mkPen("#e8eaed" if dark else "#3c4043")
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(axis_pen)
        axis.setTextPen(axis_pen)
    plot.setLabel("left", left)
    plot.setLabel("bottom", bottom)
    plot.showGrid(x=False, y=True, alpha=0.2)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    return plot


def add_legend(plot: pg.PlotWidget) -> pg.LegendItem:
    """A legend in the top right whose words are as readable as the axes'."""
    dark = plot.backgroundBrush().color().lightness() < 128
    return plot.addLegend(offset=(-10, 10), labelTextColor="#e8eaed" if dark else "#202124")
