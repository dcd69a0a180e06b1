"""A window that shows where a citation comes from: the PDF page, or the lines of a file.

A web page that was read is shown from its saved text with the cited passage marked, with
"Open in browser" and "Add to documents" (one click indexes the saved page into the
default collection, as a file dropped on the window is); a search result shows the snippet.

The system's viewer often ignores "#page=N", so the app shows the place itself: the page
rendered with the cited passage marked, or the lines around the cited span with line
numbers. Anything it cannot show (a Word document, a file that was moved, an encrypted PDF)
still shows the cited passage, with a line saying why the rest is missing.

The UI thread never touches the file: reading and rendering run in a ``Worker``, and the
window says "Loading…" meanwhile. A new request (next page, another citation) supersedes
one still running; only the latest result is shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fireside.assistant.documents.source_preview import (
    PageImage,
    SourceError,
    TextWindow,
    is_picture,
    read_text_window,
    render_pdf_page,
    render_picture,
    require_file,
)
from fireside.desktop.notice import Notice
from fireside.desktop.numbered_text import NumberedText
from fireside.desktop.page_view import PageView
from fireside.desktop.workers import Worker
from fireside.models.ocr import OcrPage
from PySide6.QtCore import QCoreApplication, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QGuiApplication,
    QImage,
    QPalette,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)

HIGHLIGHT_PAD = 2.0  # logical pixels around the glyph boxes PDFium reports
PAGE_MARGIN = 16


# -- worker side ----------------------------------------------------------------------------


@dataclass
class Loaded:
    """What a load produced: a page (with its QImage), a text window, or only a check that
    the file exists (``result`` None); ``error`` when it could not be read."""

    token: int
    result: PageImage | TextWindow | None = None
    image: QImage | None = None
    error: Exception | None = None


def is_pdf(citation: dict) -> bool:
    return str(citation.get("document", "")).lower().endswith(".pdf")


def is_web(citation: dict) -> bool:
    return bool(citation.get("url"))


def is_paged(citation: dict) -> bool:
    """Shown as page pictures: a PDF, or a picture file (a TIFF's pages)."""
    return is_pdf(citation) or is_picture(str(citation.get("document", "")))


def shows_lines(citation: dict) -> bool:
    """Text-like sources: numbered lines and no pages."""
    return bool(citation.get("line_start")) and not citation.get("page")


def load_source(
    token: int,
    citation: dict,
    page: int | None,
    fit_width: int,
    dpr: float,
    ocr_lookup: Callable[[str, int], OcrPage | None] | None = None,
) -> Loaded:
    """Worker side: read or render what the viewer will show. Errors are returned, not
    raised, so the answer always carries the ``token`` of the request it belongs to.
    ``ocr_lookup(path, page)`` gives what OCR read on a page when it was indexed."""
    path = str(citation.get("document", ""))
    try:
        if page and is_paged(citation):
            cited = page == citation.get("page")
            ocr = None
            if cited and ocr_lookup is not None:
                try:
                    ocr = ocr_lookup(path, page)
                except Exception:  # the marks are a help; the page is still shown
                    log.info("OCR lines of %s could not be read", path, exc_info=True)
            lines = None
            if cited and citation.get("line_start"):
                lines = (citation["line_start"], citation.get("line_end") or citation["line_start"])
            render = render_pdf_page if is_pdf(citation) else render_picture
            shown = render(
                path,
                page,
                fit_width=int(fit_width * dpr),
                highlight=str(citation.get("text") or "") if cited else None,
                ocr=ocr,
                lines=lines,
            )
            image = QImage(
                shown.data, shown.width, shown.height, shown.stride, QImage.Format.Format_RGBX8888
            ).copy()  # detached from the bytes, which do not outlive this call's caller
            image.setDevicePixelRatio(dpr)
            return Loaded(token, shown, image)
        if shows_lines(citation):
            window = read_text_window(path, citation["line_start"], citation.get("line_end"))
            return Loaded(token, window)
        if is_web(citation):
            return Loaded(token)  # a search result: only its snippet exists
        require_file(path)
        return Loaded(token)
    except Exception as exc:  # shown to the user in words, never lost in the thread
        log.info("source preview failed", exc_info=True)
        return Loaded(token, error=exc)


# -- widgets --------------------------------------------------------------------------------


# -- the window -----------------------------------------------------------------------------


class SourceViewer(QDialog):
    """Shows one citation at a time; non-modal, so the chat stays usable beside it.

    ``add_to_documents`` carries the saved text of a web page the user wants indexed."""

    add_to_documents = Signal(object)  # Path

    def __init__(
        self,
        parent: QWidget | None = None,
        ocr_lookup: Callable[[str, int], OcrPage | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ocr_lookup = ocr_lookup  # what OCR read on a scanned page (runs on the worker)
        self.setObjectName("SourceViewer")
        self.setModal(False)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.citation: dict = {}
        self.page: int | None = None
        self.page_count: int | None = None
        self.message = ""
        self._token = 0
        self._workers: set[Worker] = set()
        self._scroll_target: float | None = None  # page y to bring into view once laid out
        self._refit_token = 0  # the request that re-renders the shown page at a new width
        self._refit_timer = QTimer(self, singleShot=True, interval=250)
        self._refit_timer.timeout.connect(self._refit)

        self.name_label = QLabel()
        font = self.name_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.name_label.setFont(font)
        self.name_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.location_label = QLabel()
        self.prev_button = QPushButton(self.tr("Previous page"))
        self.next_button = QPushButton(self.tr("Next page"))
        self.folder_button = QPushButton(self.tr("Show in folder"))
        self.open_button = QPushButton(self.tr("Open in default app"))
        self.collect_button = QPushButton(self.tr("Add to documents"))
        self.collect_button.setToolTip(
            self.tr("Index this page's text into your documents, to ask about it later")
        )
        self.collect_button.clicked.connect(self._collect)
        self.prev_button.clicked.connect(lambda: self.go_to_page(-1))
        self.next_button.clicked.connect(lambda: self.go_to_page(+1))
        self.open_button.clicked.connect(self.open_externally)
        self.folder_button.clicked.connect(self.show_in_folder)
        for button in (
            self.prev_button,
            self.next_button,
            self.folder_button,
            self.open_button,
            self.collect_button,
        ):
            button.setAutoDefault(False)  # Enter in the text view must not leave the app
        self.notice = Notice(self)  # why the place itself is not shown, styled like the chat's

        self.loading = QLabel(self.tr("Loading…"), alignment=Qt.AlignmentFlag.AlignCenter)
        self.page_view = PageView()
        sheet = QWidget()  # the page on a darker desk, with a margin around it
        sheet_layout = QVBoxLayout(sheet)
        sheet_layout.setContentsMargins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
        sheet_layout.addWidget(self.page_view, 0, Qt.AlignmentFlag.AlignHCenter)
        sheet_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setBackgroundRole(QPalette.ColorRole.Dark)
        self.scroll.setWidget(sheet)
        self.scroll.verticalScrollBar().rangeChanged.connect(self._on_scroll_range)
        self.text_view = NumberedText()
        self.passage = QPlainTextEdit()
        self.passage.setReadOnly(True)
        self.stack = QStackedWidget()
        for w in (self.loading, self.scroll, self.text_view, self.passage):
            self.stack.addWidget(w)

        title_row = QHBoxLayout()
        title_row.addWidget(self.name_label, 1)
        title_row.addWidget(self.location_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.prev_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.collect_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(title_row)
        layout.addLayout(buttons)
        layout.addWidget(self.notice)
        layout.addWidget(self.stack, 1)
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        screen = (self.parentWidget() or self).screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.resize(min(900, int(area.width() * 0.9)), min(1000, int(area.height() * 0.9)))

    # -- what is shown ----------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return Path(str(self.citation.get("document", "")))

    @property
    def busy(self) -> bool:
        return bool(self._workers)

    def show_citation(self, citation: dict) -> None:
        """Show ``citation`` (a stored message's citation dict), replacing what was shown."""
        self.citation = dict(citation)
        self.page = (citation.get("page") or 1) if is_paged(citation) else None
        self.page_count = None
        self.setWindowTitle(self.tr("{name} — Source").format(name=self._name()))
        web = is_web(citation)
        self.name_label.setToolTip(str(citation["url"]) if web else str(self.path))
        self.open_button.setText(
            self.tr("Open in browser") if web else self.tr("Open in default app")
        )
        self.folder_button.setVisible(not web)
        self.collect_button.setVisible(web and shows_lines(citation))
        self._elide_name()
        self._load()

    def go_to_page(self, step: int) -> None:
        if self.page is None:
            return
        target = self.page + step
        if target < 1 or (self.page_count is not None and target > self.page_count):
            return
        self.page = target
        self._load()

    def _fit_width(self) -> int:
        """The page width (logical pixels) that fills the view without a horizontal bar."""
        bar = self.scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        inner = self.stack.width() - 2 * self.scroll.frameWidth() - bar - 2 * PAGE_MARGIN
        return max(300, inner)

    def _load(self, quiet: bool = False) -> None:
        """Start reading what to show; ``quiet`` keeps the current page on screen meanwhile
        (a re-render at a new width), instead of saying "Loading…"."""
        self._token += 1
        self._scroll_target = None
        if quiet:
            self._refit_token = self._token
        else:
            self._set_message("")
            self.stack.setCurrentWidget(self.loading)
            self._set_file_buttons(False)
            self._update_header()
        worker = Worker(
            load_source,
            self._token,
            self.citation,
            self.page,
            self._fit_width(),
            self.devicePixelRatioF(),
            self.ocr_lookup,
        )
        worker.returned.connect(self._on_loaded)
        worker.errored.connect(self._on_failed)
        worker.finished.connect(lambda: self._workers.discard(worker))
        self._workers.add(worker)
        worker.start()

    def _on_loaded(self, loaded: Loaded) -> None:
        if loaded.token != self._token:
            return  # superseded by a later request
        if loaded.error is not None:
            self._show_passage(_describe(loaded.error, self.path), loaded.error)
        elif isinstance(loaded.result, PageImage) and loaded.image is not None:
            self._show_page(loaded.result, loaded.image, refit=loaded.token == self._refit_token)
        elif isinstance(loaded.result, TextWindow):
            self._show_lines(loaded.result)
        elif is_web(self.citation):
            self._show_passage(
                self.tr(
                    "This is what the search engine showed of the page; “Open in browser” "
                    "shows the whole page."
                ),
                None,
            )
        else:
            kind = self.path.suffix.lstrip(".").upper()
            text = (
                self.tr(
                    "{kind} files cannot be shown here; this is the cited passage. "
                    "“Open in default app” shows the whole document."
                )
                if kind
                else self.tr(
                    "These files cannot be shown here; this is the cited passage. "
                    "“Open in default app” shows the whole document."
                )
            )
            self._show_passage(text.format(kind=kind), None)

    def _on_failed(self, exc: Exception) -> None:
        self._show_passage(_describe(exc, self.path), exc)

    def _show_page(self, shown: PageImage, image: QImage, refit: bool = False) -> None:
        self.page_count = shown.page_count
        bar, quarter = self.scroll.verticalScrollBar(), self.scroll.viewport().height() / 4
        # a re-render keeps the same part of the page at the top of the view
        old_height = max(1, self.page_view.height())
        seen = (bar.value() - self.page_view.y()) / old_height
        dpr = image.devicePixelRatio() or 1.0
        pad = HIGHLIGHT_PAD
        rects = [
            QRectF(
                r.left / dpr - pad,
                r.top / dpr - pad,
                r.width / dpr + 2 * pad,
                r.height / dpr + 2 * pad,
            )
            for r in shown.highlights
        ]
        self.stack.setCurrentWidget(self.scroll)
        self.page_view.set_page(image, rects)
        self._set_file_buttons(True)
        self._update_header()
        if refit:
            self._scroll_target = seen * self.page_view.height() + quarter
        else:
            self._scroll_target = min(r.top() for r in rects) if rects else 0.0
        self._scroll_to_target()

    def _on_scroll_range(self, _minimum: int, _maximum: int) -> None:
        if self._scroll_target is not None:
            self._scroll_to_target()

    def _scroll_to_target(self) -> None:
        """Put the first highlight a quarter of the way down the view. The scroll range
        follows the new page size only after a relayout, so this runs again on
        ``rangeChanged`` until the position could be reached."""
        if self._scroll_target is None:
            return
        bar = self.scroll.verticalScrollBar()
        want = int(self.page_view.y() + self._scroll_target - self.scroll.viewport().height() / 4)
        want = max(0, want)
        bar.setValue(want)
        if bar.value() == want and bar.maximum() >= want:
            self._scroll_target = None

    def _show_lines(self, window: TextWindow) -> None:
        self.stack.setCurrentWidget(self.text_view)
        self.text_view.show_window(window)
        # once the view has its size; dropped if the view is gone by then
        QTimer.singleShot(0, self.text_view, self.text_view.centre_on_span)
        self._set_file_buttons(True)
        self._update_header()

    def _show_passage(self, message: str, error: Exception | None) -> None:
        missing = isinstance(error, SourceError) and error.kind == "missing"
        heading = str(self.citation.get("heading") or "")
        text = str(self.citation.get("text") or "").strip() or self.tr("(the citation has no text)")
        self.passage.setPlainText(f"{heading}\n\n{text}" if heading else text)
        self.stack.setCurrentWidget(self.passage)
        self._set_message(message)
        self._set_file_buttons(not missing)
        self._update_header()

    def _set_file_buttons(self, exists: bool) -> None:
        web = is_web(self.citation)
        self.open_button.setEnabled(exists or web)
        self.folder_button.setEnabled(exists)
        self.collect_button.setEnabled(exists and web)

    def _set_message(self, text: str) -> None:
        self.message = text
        if text:
            self.notice.show_message(text)
        else:
            self.notice.hide()

    def _update_header(self) -> None:
        c = self.citation
        pdf = self.page is not None
        self.prev_button.setVisible(pdf)
        self.next_button.setVisible(pdf)
        if pdf:
            where = self.tr("page {page} of {count}") if self.page_count else self.tr("page {page}")
            self.location_label.setText(where.format(page=self.page, count=self.page_count))
            known = self.page_count is not None  # only once a page of this file was shown
            self.prev_button.setEnabled(known and self.page > 1)
            self.next_button.setEnabled(known and self.page < self.page_count)
        elif c.get("line_start"):
            start, end = c["line_start"], c.get("line_end") or c["line_start"]
            where = self.tr("lines {start}–{end}") if end > start else self.tr("line {start}")
            self.location_label.setText(where.format(start=start, end=end))
        elif c.get("page"):
            self.location_label.setText(self.tr("page {page}").format(page=c["page"]))
        else:
            self.location_label.setText("")

    def location(self) -> str:
        return self.location_label.text()

    # -- leaving the app --------------------------------------------------------------------
    def open_externally(self) -> None:
        if is_web(self.citation):
            if not QDesktopServices.openUrl(QUrl(str(self.citation["url"]))):
                self._set_message(
                    self.tr("No browser could open {url}.").format(url=self.citation["url"])
                )
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path))):
            self._set_message(self.tr("No app could open {name}.").format(name=self.path.name))

    def _collect(self) -> None:
        self.collect_button.setEnabled(False)  # once per page shown
        self.add_to_documents.emit(self.path)

    def _name(self) -> str:
        """What the source is called: a web page's title or address, else the name a
        picture was sent under, else the file's name."""
        if is_web(self.citation):
            return str(self.citation.get("title") or self.citation["url"])
        return str(self.citation.get("title") or self.path.name or self.tr("Source"))

    def show_in_folder(self) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path.parent))):
            self._set_message(
                self.tr("The folder {folder} could not be opened.").format(folder=self.path.parent)
            )

    # -- geometry ---------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide_name()
        if self.stack.currentWidget() is self.scroll:
            self._refit_timer.start()  # once the user stops resizing

    def _refit(self) -> None:
        """Render the page again when the window's width changed noticeably."""
        shown = self.page_view.width()
        if self.stack.currentWidget() is self.scroll and abs(self._fit_width() - shown) > 24:
            self._load(quiet=True)

    def _elide_name(self) -> None:
        name = self._name()
        width = max(40, self.name_label.width())
        metrics = self.name_label.fontMetrics()
        self.name_label.setText(metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, width))


def _describe(exc: Exception, path: Path) -> str:
    """The message line: the reason in words (a file name is never capitalised)."""
    reason = (
        exc.message
        if isinstance(exc, SourceError)
        else QCoreApplication.translate("SourceViewer", "{name} cannot be shown ({error})").format(
            name=path.name, error=exc
        )
    )
    return QCoreApplication.translate(
        "SourceViewer", "{reason}. Below is the cited passage."
    ).format(reason=reason)


def open_citation(
    parent: QWidget | None,
    citation: dict,
    ocr_lookup: Callable[[str, int], OcrPage | None] | None = None,
) -> SourceViewer:
    """Show ``citation`` in ``parent``'s source viewer, creating it the first time;
    ``ocr_lookup(path, page)`` gives the OCR lines of scanned pages (on a worker thread)."""
    viewer = None
    if parent is not None:
        viewer = parent.findChild(
            SourceViewer, "SourceViewer", Qt.FindChildOption.FindDirectChildrenOnly
        )
    if viewer is None:
        viewer = SourceViewer(parent, ocr_lookup)
        documents = getattr(parent.window(), "documents", None) if parent is not None else None
        if documents is not None and hasattr(documents, "add"):  # the main window's indexer
            viewer.add_to_documents.connect(lambda path: documents.add([path]))
    elif ocr_lookup is not None:  # made first for a picture, which needs none
        viewer.ocr_lookup = ocr_lookup
    viewer.show()
    viewer.raise_()
    viewer.activateWindow()
    viewer.show_citation(citation)
    return viewer
