"""Quiz stats: mastery, best score per day, runs and reviews over time, a forgiving streak.

Charts are pyqtgraph plots (the Lab uses the same library: made for Qt, light,
real axes with labels, and a date axis in local time). Every quiz run is listed,
including runs stopped part-way, which are marked "stopped" in the list and
drawn hollow in the runs chart: leaving early is part of the history even
though only finished runs count for mastery.
"""

from __future__ import annotations

import datetime as dt
import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.quiz.mastery import MASTERY
from companion.ui import theme
from companion.ui.plots import plot_widget
from companion.ui.quiz_widgets import plain_label

MASTERED = "#2e7d32"  # quiz and concepts: the day is mastered
PASSED = "#1a73e8"  # quiz passed, concepts still to explain
NOT_YET = "#9aa0a6"
STOPPED = "#e8710a"
DAY_S = 86400


def plot(parent: QWidget, title: str, left: str, bottom: str,
         dates: bool = False) -> pg.PlotWidget:
    """A themed plot (``ui/plots.py``) with a title that screen readers also announce."""
    widget = plot_widget(parent, left, bottom, dates=dates)
    widget.setTitle(title, color="#e8eaed" if theme.is_dark(parent) else "#3c4043",
                    size="10pt")
    widget.setMinimumHeight(170)
    widget.setAccessibleName(title)
    return widget


def _noon(date: dt.date) -> float:
    return dt.datetime.combine(date, dt.time(12)).timestamp()


def run_result(run) -> str:
    if run.complete:
        return f"{run.correct}/{run.total} ({round(100 * run.correct / run.total)}%)"
    return f"stopped after {run.answered} of {run.total} ({run.correct} correct)"


class StatsView(QDialog):
    def __init__(self, study, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study = study
        self.setWindowTitle("Quiz stats")
        self.resize(1040, 760)
        lay = QVBoxLayout(self)
        grid = QGridLayout()
        self.mastered_label = plain_label(bold=True, scale=1.3)
        self.concepts_label = plain_label(bold=True, scale=1.3)
        self.streak_label = plain_label(bold=True, scale=1.3)
        self.reviews_label = plain_label(bold=True, scale=1.3)
        for col, (value, caption) in enumerate([
                (self.mastered_label, "days mastered"),
                (self.concepts_label, "concepts explained back"),
                (self.streak_label, "day streak"), (self.reviews_label, "reviews done")]):
            grid.addWidget(value, 0, col)
            grid.addWidget(QLabel(caption), 1, col)
        lay.addLayout(grid)
        body = QHBoxLayout()
        charts = QVBoxLayout()
        self.scores = plot(self, "Best quiz score per day (dashed: 80% passes the quiz)",
                           "Best score (%)", "Course day")
        self.runs_plot = plot(self, "Quiz runs (hollow: stopped part-way)", "Score (%)",
                              "Date", dates=True)
        self.reviews = plot(self, "Reviews done per day (last 14 days)", "Reviews", "Date",
                            dates=True)
        for chart in (self.scores, self.runs_plot, self.reviews):
            charts.addWidget(chart, 1)
        body.addLayout(charts, 3)
        self.runs_table = QTableWidget(0, 4, self)
        self.runs_table.setHorizontalHeaderLabels(["When", "Day", "Kind", "Result"])
        self.runs_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.runs_table.verticalHeader().hide()
        self.runs_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch)
        self.runs_table.setAccessibleName("Quiz runs")
        side = QVBoxLayout()
        side.addWidget(QLabel("Quiz runs, newest first"))
        side.addWidget(self.runs_table, 1)
        body.addLayout(side, 2)
        lay.addLayout(body, 1)
        self.note = plain_label()
        lay.addWidget(self.note)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        lay.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.refresh()

    def refresh(self) -> None:
        s = self.study.quiz.stats()
        self.data = s
        explained = sum(m.explained for m in s.mastery.values())
        concepts = sum(m.concepts for m in s.mastery.values())
        self.mastered_label.setText(f"{len(s.mastered)} / {s.days}")
        self.concepts_label.setText(f"{explained} / {concepts}")
        self.streak_label.setText(str(s.streak))
        self.reviews_label.setText(str(s.total_reviews))
        self._draw_scores(s)
        self._draw_runs(s)
        self._draw_reviews(s)
        self._fill_table(s)
        self.note.setText(
            f"{s.due_now} card(s) due now. A day is mastered when its quiz is at "
            f"{round(MASTERY * 100)}% or better and at least half of its concepts are "
            "explained back (green); blue: quiz passed, concepts still to explain. The streak "
            "counts days with a quiz or a review; missing a single day does not break it.")

    def _draw_scores(self, s) -> None:
        self.scores.clear()
        days = [d.number for d in self.study.course.days]
        heights, brushes = [], []
        for n in days:
            score, mastery = s.best.get(n), s.mastery[n]
            heights.append(round(100 * score.fraction) if score else 0)
            brushes.append(MASTERED if mastery.mastered else PASSED if mastery.quiz_passed
                           else NOT_YET)
        self.score_bars = list(zip(days, heights, strict=True))
        self.scores.addItem(pg.BarGraphItem(x=days, height=heights, width=0.6,
                                            brushes=brushes, pen=pg.mkPen(None)))
        self.scores.addItem(pg.InfiniteLine(pos=MASTERY * 100, angle=0,
                                            pen=pg.mkPen(NOT_YET, style=Qt.PenStyle.DashLine)))
        self.scores.setYRange(0, 100, padding=0.05)
        self.scores.setXRange(0.4, len(days) + 0.6, padding=0)
        self.scores.getAxis("bottom").setTicks([[(n, str(n)) for n in days]])
        summary = ", ".join(f"day {n}: {h}%" for n, h in self.score_bars if h)
        self.scores.setAccessibleDescription(summary or "No finished quiz yet")

    def _draw_runs(self, s) -> None:
        self.runs_plot.clear()
        self.run_points = []
        for run in s.runs:
            when = dt.datetime.fromisoformat(run.ended).timestamp()
            base = run.total if run.complete else max(run.answered, 1)
            self.run_points.append((when, round(100 * run.correct / base), run.complete))
        for complete, symbol_brush, name in ((True, PASSED, "finished"),
                                             (False, None, "stopped")):
            points = [(x, y) for x, y, c in self.run_points if c == complete]
            if points:
                item = pg.ScatterPlotItem(
                    x=[p[0] for p in points], y=[p[1] for p in points], size=11,
                    brush=symbol_brush, pen=pg.mkPen(PASSED if complete else STOPPED,
                                                     width=2), name=name)
                self.runs_plot.addItem(item)
        self.runs_plot.setYRange(0, 100, padding=0.05)
        if self.run_points:
            xs = [p[0] for p in self.run_points]
            self.runs_plot.setXRange(min(xs) - DAY_S / 2, max(xs) + DAY_S / 2, padding=0)
        else:
            today = _noon(dt.date.today())
            self.runs_plot.setXRange(today - 7 * DAY_S, today + DAY_S, padding=0)

    def _draw_reviews(self, s) -> None:
        self.reviews.clear()
        xs = [_noon(d) for d, _ in s.reviews_per_day]
        counts = [n for _, n in s.reviews_per_day]
        self.review_bars = list(s.reviews_per_day)
        self.reviews.addItem(pg.BarGraphItem(x=xs, height=counts, width=0.7 * DAY_S,
                                             brush=PASSED, pen=pg.mkPen(None)))
        top = max(counts + [1])
        self.reviews.setYRange(0, top, padding=0.1)
        step = max(1, math.ceil(top / 5))  # whole reviews only: no 0.5 on the axis
        self.reviews.getAxis("left").setTicks(
            [[(v, str(v)) for v in range(0, top + step, step)]])
        self.reviews.setXRange(xs[0] - DAY_S / 2, xs[-1] + DAY_S / 2, padding=0)

    def _fill_table(self, s) -> None:
        self.runs_table.setRowCount(len(s.runs))
        for row, run in enumerate(s.runs):
            when = dt.datetime.fromisoformat(run.ended).astimezone()
            values = [when.strftime("%Y-%m-%d %H:%M"), str(run.day),
                      "quiz" if run.kind == "bank" else run.kind, run_result(run)]
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if not run.complete:
                    item.setForeground(pg.mkColor(STOPPED))
                self.runs_table.setItem(row, col, item)
        self.runs_table.resizeColumnsToContents()
        self.runs_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch)

