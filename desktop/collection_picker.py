"""The button beside the message box that picks which document collections a chat uses.

One click shows every collection as a check box; the chat answers from the checked ones,
with sources, and remembers them. The list of collections comes from the documents store,
which is disk work: it is read in a worker when the menu opens (the menu shows what it
knew until the fresh list arrives), never on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from fireside.desktop.workers import Worker
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QFontMetrics
from PySide6.QtWidgets import QMenu, QStyle, QToolButton

MAX_TEXT_PX = 180


def button_text(selected: list[str]) -> str:
    if not selected:
        return QCoreApplication.translate("CollectionPicker", "Documents")
    if len(selected) == 1:
        return selected[0]
    count = len(selected)
    return QCoreApplication.translate("CollectionPicker", "%n collections", "", count)


class CollectionPicker(QToolButton):
    """``changed`` carries the new list of checked collection names."""

    changed = Signal(list)
    manage_requested = Signal()

    def __init__(self, load_names: Callable[[], list[str]], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("CollectionPicker")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        # a standard icon: an emoji would show as a box where no emoji font is installed
        self.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogContentsView))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._load_names = load_names
        self.available: list[str] = []
        self.selected: list[str] = []
        self._worker: Worker | None = None
        self.menu_ = QMenu(self)
        self.setMenu(self.menu_)
        self.menu_.aboutToShow.connect(self._on_menu)
        self._show_label()

    # -- state ------------------------------------------------------------------------------
    def set_selected(self, names: list[str]) -> None:
        """Show ``names`` as this chat's collections (no ``changed`` signal)."""
        self.selected = list(dict.fromkeys(names))
        self._show_label()

    def set_available(self, names: list[str]) -> None:
        self.available = list(names)
        if self.menu_.isVisible():
            self._fill_menu()

    def refresh(self) -> None:
        """Read the collection names again, off the UI thread."""
        if self._worker is not None:
            return
        self._worker = Worker(self._load_names)
        self._worker.returned.connect(self.set_available)
        self._worker.finished.connect(self._on_finished)
        self._worker.start()

    def _on_finished(self) -> None:
        self._worker = None

    # -- menu -------------------------------------------------------------------------------
    def _show_label(self) -> None:
        # a long collection name is elided (the tooltip names it whole): the button shares
        # its row with the message box
        text = QFontMetrics(self.font()).elidedText(
            button_text(self.selected), Qt.TextElideMode.ElideRight, MAX_TEXT_PX
        )
        self.setText(text)
        self.setToolTip(
            self.tr("Answering from: {names} (with sources)").format(names=", ".join(self.selected))
            if self.selected
            else self.tr("Answer from your documents: choose the collections this chat uses")
        )

    def _on_menu(self) -> None:
        self._fill_menu()  # from what is known now; the fresh list follows
        self.refresh()

    def _fill_menu(self) -> None:
        """Rebuilt only when the menu opens or the list arrives, never from an action."""
        menu = self.menu_
        menu.clear()
        header = menu.addAction(self.tr("Answer from these collections:"))
        header.setEnabled(False)
        names = list(dict.fromkeys([*self.available, *self.selected]))
        if not names:
            empty = menu.addAction(self.tr("(no collections yet: add documents first)"))
            empty.setEnabled(False)
        for name in names:
            action = QAction(
                name
                if name in self.available or not self.available
                else self.tr("{name} (removed)").format(name=name),
                menu,
            )
            action.setCheckable(True)
            action.setChecked(name in self.selected)
            action.toggled.connect(lambda on, n=name: self._toggle(n, on))
            menu.addAction(action)
        menu.addSeparator()
        none = menu.addAction(self.tr("No documents (plain chat)"))
        none.setEnabled(bool(self.selected))
        none.triggered.connect(lambda: self._emit([]))
        manage = menu.addAction(self.tr("Manage documents…"))
        manage.triggered.connect(self.manage_requested)

    def _toggle(self, name: str, on: bool) -> None:
        names = [n for n in self.selected if n != name]
        if on:
            names.append(name)
        self._emit(names)

    def _emit(self, names: list[str]) -> None:
        self.selected = names
        self._show_label()
        self.changed.emit(list(names))
