"""Ctrl+K: search lessons and notes, jump to a result.

Each result shows where it is (day, day title, section or "Your notes"), an icon for
its kind and a plain-text snippet with the matched words highlighted. The icons are
small SVGs drawn here in the palette's text colour: they exist on every platform and
in dark mode (no emoji, no font that may lack a glyph). Results come a page at a time;
the count says how many there are in all and "Show more" (or Down on the last one)
brings the next page. Everything works from the keyboard: type, arrows, Enter opens,
Esc closes.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QModelIndex,
    QObject,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QIcon,
    QKeyEvent,
    QPainter,
    QPalette,
    QPixmap,
    QTextDocument,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from companion.study import Hit

HIT_ROLE = Qt.ItemDataRole.UserRole
PLACE_ROLE = Qt.ItemDataRole.UserRole + 1  # "Day 4 · Transformers › Multi-head attention"
PAGE = 20  # results per page; "Show more" asks for the next page

_STEPS = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}
# (query, how many) -> the best ``how many`` hits; ``.total`` (if present) counts them all
Search = Callable[[str, int], Sequence[Hit]]

_BOOK = ("M3 3.5C3 2.7 3.7 2 4.5 2H9c1.2 0 2.3.5 3 1.3.7-.8 1.8-1.3 3-1.3h4.5c.8 0 1.5.7 1.5 "
         "1.5v14c0 .8-.7 1.5-1.5 1.5H15c-1.1 0-2 .6-2.6 1.5h-.8C11 20.1 10.1 19.5 9 19.5H4.5"
         "C3.7 19.5 3 18.8 3 18Zm2 .5v13.5h4c1 0 1.9.3 2.5.8V5c0-1.1-.9-2-2-2H5Zm14 0h-4.5"
         "c-1.1 0-2 .9-2 2v12.8c.7-.5 1.5-.8 2.5-.8h4Z")
_NOTE = ("M5 2h10l5 5v13c0 1.1-.9 2-2 2H5c-1.1 0-2-.9-2-2V4c0-1.1.9-2 2-2Zm0 2v16h13V8h-4"
         "V4H5Zm2 7h9v2H7Zm0 4h9v2H7Zm0-8h5v2H7Z")
ICON_PATHS = {"lesson": _BOOK, "note": _NOTE}


def kind_icon(kind: str, color: QColor, selected: QColor | None = None) -> QIcon:
    """The icon for a result's kind, drawn from a bundled SVG path in ``color`` (and in
    ``selected`` for a selected row, so it stays visible on the highlight)."""
    icon = QIcon()
    modes = [(QIcon.Mode.Normal, color)] + ([(QIcon.Mode.Selected, selected)] if selected else [])
    for mode, fill in modes:
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
               f'<path fill="{fill.name()}" fill-rule="evenodd" d="{ICON_PATHS[kind]}"/></svg>')
        renderer = QSvgRenderer(QByteArray(svg.encode()))
        for side in (16, 24, 32, 48, 64):
            pixmap = QPixmap(side, side)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            renderer.render(painter)
            painter.end()
            icon.addPixmap(pixmap, mode)
    return icon


def place(hit: Hit, day_title: Callable[[int], str] | None = None) -> str:
    """Where a hit is, as a reader says it: "Day 4 · Transformers › Multi-head attention"."""
    day = f"Day {hit.day}"
    if day_title is not None:
        day += f" · {day_title(hit.day)}"
    return f"{day} › " + (hit.title if hit.kind == "lesson" else "Your notes")


def snippet_html(hit: Hit, mark_style: str) -> str:
    """The snippet as HTML with each matched word in ``<b>`` (everything else escaped)."""
    out, last = [], 0
    for start, end in hit.marks:
        out.append(html.escape(hit.snippet[last:start]))
        out.append(f'<b style="{mark_style}">{html.escape(hit.snippet[start:end])}</b>')
        last = end
    out.append(html.escape(hit.snippet[last:]))
    return "".join(out)


class HitDelegate(QStyledItemDelegate):
    """Draws a result: icon, the place in bold, the snippet (wrapped) with its matches marked."""

    MARGIN = 6
    ICON = 20

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex,
                  width: float) -> QTextDocument:
        hit: Hit = index.data(HIT_ROLE)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text = palette.color(QPalette.ColorRole.HighlightedText if selected
                             else QPalette.ColorRole.Text)
        dim = QColor(text)
        dim.setAlphaF(0.75)
        if selected:
            mark = f"color: {text.name()}; text-decoration: underline;"
        else:
            base = palette.color(QPalette.ColorRole.Base)
            accent = palette.color(QPalette.ColorRole.Highlight)
            mark = f"background-color: {_mix(base, accent, 0.3).name()};"
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(option.font)
        doc.setHtml(
            f'<div style="color: {text.name()};"><b>{html.escape(index.data(PLACE_ROLE))}</b>'
            f'</div><div style="color: {dim.name(QColor.NameFormat.HexArgb)};">'
            f"{snippet_html(hit, mark)}</div>")
        doc.setTextWidth(max(50.0, width))
        return doc

    def _text_width(self, option: QStyleOptionViewItem) -> float:
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListView) else option.rect.width()
        return width - self.ICON - 3 * self.MARGIN

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        if index.data(HIT_ROLE) is None:
            return super().sizeHint(option, index)
        self.initStyleOption(option, index)
        doc = self._document(option, index, self._text_width(option))
        return QSize(int(self._text_width(option)),
                     int(doc.size().height()) + 2 * self.MARGIN)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,  # noqa: D102
              index: QModelIndex) -> None:
        if index.data(HIT_ROLE) is None:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        option.text, option.icon = "", QIcon()  # the style draws the background and focus only
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter,
                              option.widget)
        rect = option.rect
        if isinstance(icon, QIcon):
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            icon.paint(painter, rect.left() + self.MARGIN, rect.top() + self.MARGIN + 1,
                       self.ICON, self.ICON, Qt.AlignmentFlag.AlignCenter,
                       QIcon.Mode.Selected if selected else QIcon.Mode.Normal)
        doc = self._document(option, index, rect.width() - self.ICON - 3 * self.MARGIN)
        painter.save()
        painter.translate(rect.left() + self.ICON + 2 * self.MARGIN, rect.top() + self.MARGIN)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = QRectF(0, 0, doc.textWidth(), doc.size().height())
        doc.documentLayout().draw(painter, context)
        painter.restore()


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    return QColor(round(a.red() + (b.red() - a.red()) * amount),
                  round(a.green() + (b.green() - a.green()) * amount),
                  round(a.blue() + (b.blue() - a.blue()) * amount))


class SearchDialog(QDialog):
    hitChosen = Signal(object)  # Hit

    def __init__(self, search: Search, parent: QWidget | None = None,
                 day_title: Callable[[int], str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Search lessons and notes")
        self.resize(680, 480)
        self._search = search
        self._day_title = day_title
        self._text = ""  # the query the shown results are for
        self._total = 0
        self.query = QLineEdit(self)
        self.query.setPlaceholderText("Search lessons and notes…  (Enter opens, Esc closes)")
        self.query.setClearButtonEnabled(True)
        self.query.setAccessibleName("Search for")
        self.results = QListWidget(self)
        self.results.setAccessibleName("Results")
        self.results.setWordWrap(True)
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.results.setItemDelegate(HitDelegate(self.results))
        self.results.installEventFilter(self)
        self.query.installEventFilter(self)
        self.summary = QLabel("", self)
        self.more = QPushButton("Show &more", self)
        self.more.setAutoDefault(False)  # Enter opens a result, never "Show more" by surprise
        self.more.setToolTip("Show the next results (Alt+M, or Down on the last result)")
        self.more.clicked.connect(self.show_more)
        self.more.hide()
        footer = QHBoxLayout()
        footer.addWidget(self.summary, 1)
        footer.addWidget(self.more)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results)
        layout.addLayout(footer)
        self._icons: dict[str, QIcon] = {}
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.run_search)
        self.query.textChanged.connect(lambda _: self._timer.start())
        self.query.returnPressed.connect(self.choose_current)
        self.results.itemActivated.connect(lambda _: self.choose_current())
        self.query.setFocus()  # typing goes straight into the query

    # ----- searching ----------------------------------------------------------------------
    def run_search(self) -> None:
        """Search for what is typed and show the first page."""
        self._timer.stop()
        self.results.clear()
        self._text = self.query.text().strip()
        self._total = 0
        if self._text:
            self._fetch(PAGE)
        self._update_summary()
        if self.results.count():
            self.results.setCurrentRow(0)

    def show_more(self) -> None:
        """The next page, added below; the first new result becomes the current one."""
        shown = self.results.count()
        if not self._text or shown >= self._total:
            return
        self._fetch(shown + PAGE)
        self._update_summary()
        if self.results.count() > shown:
            self.results.setCurrentRow(shown)
            self.results.scrollToItem(self.results.item(shown))

    def _fetch(self, upto: int) -> None:
        found = self._search(self._text, upto)
        self._total = max(int(getattr(found, "total", len(found))), len(found))
        for hit in list(found)[self.results.count():]:
            self._add(hit)

    def _add(self, hit: Hit) -> None:
        where = place(hit, self._day_title)
        kind = "Lesson" if hit.kind == "lesson" else "Note"
        item = QListWidgetItem(self._icon(hit.kind), f"{kind}: {where}. {hit.snippet}")
        item.setData(HIT_ROLE, hit)
        item.setData(PLACE_ROLE, where)
        item.setToolTip(where)
        self.results.addItem(item)

    def _icon(self, kind: str) -> QIcon:
        if kind not in self._icons:
            palette = self.palette()
            self._icons[kind] = kind_icon(kind, palette.color(QPalette.ColorRole.Text),
                                          palette.color(QPalette.ColorRole.HighlightedText))
        return self._icons[kind]

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Light to dark (or back): redraw the icons in the new text colour."""
        if event.type() == QEvent.Type.PaletteChange:
            self._icons.clear()
            for row in range(self.results.count()):
                item = self.results.item(row)
                item.setIcon(self._icon(item.data(HIT_ROLE).kind))
        super().changeEvent(event)

    def _update_summary(self) -> None:
        shown = self.results.count()
        if not self._text:
            text = ""
        elif not shown:
            text = "No matches"
        elif shown < self._total:
            text = f"Showing {shown} of {self._total} results"
        else:
            text = f"{self._total} result" + ("" if self._total == 1 else "s")
        self.summary.setText(text)
        self.more.setVisible(0 < shown < self._total)
        left = min(PAGE, self._total - shown)
        self.more.setText(f"Show &more ({left})" if left > 0 else "Show &more")

    # ----- keyboard -----------------------------------------------------------------------

    def step(self, delta: int) -> None:
        """Move the current result; moving down past the last one shows the next page."""
        count = self.results.count()
        if not count:
            return
        row = self.results.currentRow() + delta
        if row >= count and count < self._total:
            self.show_more()
            return
        self.results.setCurrentRow(max(0, min(row, count - 1)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """In the query, arrows move through the results. In the result list, Down on the last
        result shows more, and typing goes to the query."""
        if watched is self.query and event.type() == QEvent.Type.KeyPress:
            step = _STEPS.get(event.key())  # type: ignore[attr-defined]
            if step is not None:
                self.step(step)
                return True
        if watched is self.results and event.type() == QEvent.Type.KeyPress:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            if (key_event.key() == Qt.Key.Key_Down and self.results.count()
                    and self.results.currentRow() == self.results.count() - 1
                    and self.results.count() < self._total):
                self.show_more()
                return True
            typed = key_event.text()
            if typed and typed.isprintable() and not key_event.modifiers() & ~(
                    Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier):
                self.query.setFocus()
                self.query.insert(typed)
                return True
        return super().eventFilter(watched, event)

    def done(self, result: int) -> None:
        self._timer.stop()  # closed while typing: no search after the dialog is gone
        super().done(result)

    def choose_current(self) -> None:
        if self._timer.isActive() or self.query.text().strip() != self._text:
            self.run_search()
        item = self.results.currentItem()
        if item is not None:
            self.hitChosen.emit(item.data(HIT_ROLE))
            self.accept()
