"""Quiz stats: best score per day, reviews over time, days mastered, a forgiving streak.

QtCharts is not part of PySide6-Essentials, so the bar charts are drawn with
QPainter in a small widget of their own.
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from companion.quiz.session import MASTERY
from companion.ui.quiz_view import plain_label


class BarChart(QWidget):
    """Vertical bars with labels under them and an optional dashed target line."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars: list[tuple[str, float, str]] = []  # label, value, text above the bar
        self.maximum = 1.0
        self.target: float | None = None
        self.highlight: set[int] = set()
        self.setMinimumSize(360, 180)
        self.setAccessibleName(title)

    def set_bars(self, bars: list[tuple[str, float, str]], maximum: float,
                 target: float | None = None, highlight: set[int] | None = None) -> None:
        self.bars = bars
        self.maximum = max(maximum, 1e-9)
        self.target = target
        self.highlight = highlight or set()
        summary = ", ".join(f"{label}: {text or value}" for label, value, text in bars)
        self.setAccessibleDescription(f"{self.title}. {summary}")
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(560, 220)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        accent = pal.color(QPalette.ColorRole.Highlight)
        done = QColor("#2e7d32")
        metrics = p.fontMetrics()
        line = metrics.height()
        p.setPen(text)
        p.drawText(QRectF(0, 0, self.width(), line), Qt.AlignmentFlag.AlignLeft, self.title)
        plot = QRectF(4, line * 2.2, self.width() - 8, self.height() - line * 3.6)
        p.setPen(QPen(text, 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        if not self.bars:
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, "Nothing yet")
            return
        slot = plot.width() / len(self.bars)
        bar_width = max(4.0, slot * 0.62)
        for i, (label, value, caption) in enumerate(self.bars):
            x = plot.left() + i * slot + (slot - bar_width) / 2
            height = plot.height() * min(value, self.maximum) / self.maximum
            rect = QRectF(x, plot.bottom() - height, bar_width, height)
            p.fillRect(rect, done if i in self.highlight else accent)
            p.setPen(text)
            if caption:
                p.drawText(QRectF(x - slot / 2, rect.top() - line, bar_width + slot, line),
                           Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, caption)
            p.drawText(QRectF(plot.left() + i * slot, plot.bottom() + 2, slot, line),
                       Qt.AlignmentFlag.AlignHCenter, label)
        if not any(value for _, value, _ in self.bars):
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, "Nothing yet")
        if self.target is not None:
            y = plot.bottom() - plot.height() * self.target / self.maximum
            pen = QPen(text, 1, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QLineF(plot.left(), y, plot.right(), y))


class StatsView(QDialog):
    def __init__(self, study, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study = study
        self.setWindowTitle("Quiz stats")
        self.resize(720, 620)
        lay = QVBoxLayout(self)
        grid = QGridLayout()
        self.mastered_label = plain_label(bold=True, scale=1.3)
        self.streak_label = plain_label(bold=True, scale=1.3)
        self.reviews_label = plain_label(bold=True, scale=1.3)
        for col, (value, caption) in enumerate([
                (self.mastered_label, "days mastered"), (self.streak_label, "day streak"),
                (self.reviews_label, "reviews done")]):
            grid.addWidget(value, 0, col)
            grid.addWidget(QLabel(caption), 1, col)
        lay.addLayout(grid)
        self.scores = BarChart("Best quiz score per day (%); dashed line: mastery")
        self.reviews = BarChart("Reviews done per day (last 14 days)")
        lay.addWidget(self.scores, 1)
        lay.addWidget(self.reviews, 1)
        self.note = plain_label()
        lay.addWidget(self.note)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        lay.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.refresh()

    def refresh(self) -> None:
        s = self.study.quiz.stats()
        self.data = s
        self.mastered_label.setText(f"{len(s.mastered)} / {s.days}")
        self.streak_label.setText(str(s.streak))
        self.reviews_label.setText(str(s.total_reviews))
        bars, highlight = [], set()
        for i, day in enumerate(self.study.course.days):
            score = s.best.get(day.number)
            percent = round(100 * score.fraction) if score else 0
            bars.append((str(day.number), percent, f"{percent}" if score else ""))
            if day.number in s.mastered:
                highlight.add(i)
        self.scores.set_bars(bars, 100, MASTERY * 100, highlight)
        self.reviews.set_bars([(d.strftime("%d"), n, str(n) if n else "")
                               for d, n in s.reviews_per_day],
                              max([n for _, n in s.reviews_per_day] + [1]))
        self.note.setText(
            f"{s.due_now} card(s) due now. The streak counts days with a quiz or a review; "
            "missing a single day does not break it.")
