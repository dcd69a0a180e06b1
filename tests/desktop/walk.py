"""Walk the whole window as a new user would: every menu action, every dialog, every button.

Generic on purpose: the menus' actions and each dialog's buttons are found by looking at the
widgets, not listed here, so a dialog or action added later is walked too. What a button
needs before it is pressed (a name typed, a file chosen) comes from a small table keyed by
``Class.attribute`` (the attribute of the dialog or panel that holds the button), or by a
standard button of a ``QDialogButtonBox``; everything else is pressed as it is.

While walking, each visible widget is checked for text that does not fit (measured with its
font's metrics): a label cut off or elided, a button too narrow for its text, a header
squeezed, a placeholder hint cut, the text of a list, table or tree item cut or elided. An
elided text is allowed only where the full text is one hover away: an item whose tooltip
holds it, a combo box that elides on purpose (its ``elides`` property) with the full text
as its tooltip. A dialog opened with ``exec()`` blocks the press that opened it; a watcher timer
(one per level, since Qt does not fire a timer again while its own slot runs) finds it as the
active modal or popup widget, walks it in turn and closes it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QEventLoop,
    QModelIndex,
    QObject,
    QRect,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QItemDelegate,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStatusBar,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QTreeView,
    QWidget,
)

# Buttons that end a dialog: pressed last, one per opening of the dialog.
CLOSING_ROLES = {
    QDialogButtonBox.ButtonRole.AcceptRole,
    QDialogButtonBox.ButtonRole.RejectRole,
    QDialogButtonBox.ButtonRole.DestructiveRole,
    QDialogButtonBox.ButtonRole.YesRole,
    QDialogButtonBox.ButtonRole.NoRole,
}


def process(ms: int = 0) -> None:
    """Let queued signals and paints happen (``ms`` more milliseconds of events)."""
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    if ms:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()


def owner_and_name(button: QObject) -> tuple[QObject | None, str]:
    """The nearest ancestor holding ``button`` as an attribute, and that attribute's name."""
    parent = button.parent()
    while parent is not None:
        for name, value in vars(parent).items():
            if value is button:
                return parent, name
        parent = parent.parent()
    return None, ""


def top_of(widget: QWidget) -> QWidget:
    return widget.window()


def button_key(button: QAbstractButton) -> str:
    """A name for the button that is the same in every language.

    ``Class.attribute`` when an ancestor holds it; a dialog button box's standard button
    (``QMessageBox.Yes``); else the window's class and the button's position among its
    buttons, with its text in English where the text is not translated.
    """
    owner, name = owner_and_name(button)
    if owner is not None:
        return f"{type(owner).__name__}.{name}"
    view = button.parent()
    while view is not None and not isinstance(view, QAbstractItemView):
        view = view.parent()
    if view is not None:  # a button in each row of a table: one key for all alike
        return f"{type(top_of(button)).__name__}.row-button:{button.text()}"
    box = button.parent()
    while box is not None and not isinstance(box, QDialogButtonBox):
        box = box.parent() if not isinstance(box, QDialog) else None
    window = top_of(button)
    if isinstance(box, QDialogButtonBox):
        standard = box.standardButton(button)
        if standard != QDialogButtonBox.StandardButton.NoButton:
            return f"{type(window).__name__}.{standard.name}"
        return f"{type(window).__name__}.role:{box.buttonRole(button).name}"
    if isinstance(window, QMessageBox):
        role = window.buttonRole(button)
        return f"{type(window).__name__}.role:{role.name}"
    siblings = [b for b in window.findChildren(QAbstractButton) if not b.inherits("QTabBar")]
    index = siblings.index(button) if button in siblings else -1
    return f"{type(window).__name__}.{type(button).__name__}#{index}:{button.objectName()}"


def is_closing(button: QAbstractButton) -> bool:
    box = button.parent()
    while box is not None and not isinstance(box, QDialogButtonBox | QDialog):
        box = box.parent()
    if isinstance(box, QDialogButtonBox):
        return box.buttonRole(button) in CLOSING_ROLES
    window = top_of(button)
    if isinstance(window, QMessageBox):
        return True
    return button.text().replace("&", "") in CLOSE_TEXTS()


def CLOSE_TEXTS() -> set[str]:  # noqa: N802 - a translated constant
    return {
        QCoreApplication.translate(context, text)
        for context in ("McpServersDialog", "PluginsDialog", "MainWindow", "QPlatformTheme")
        for text in ("Close", "OK", "Cancel")
    } | {"Close", "OK", "Cancel"}


# -- text that does not fit -----------------------------------------------------------------


@dataclass
class Cut:
    where: str  # window class > widget class (attribute)
    text: str
    needed: int
    had: int

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r} needs {self.needed} px, has {self.had}"


def _describe(widget: QWidget) -> str:
    _owner, name = owner_and_name(widget)
    label = f"{type(widget).__name__}({name})" if name else type(widget).__name__
    return f"{type(top_of(widget)).__name__} > {label}"


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def cut_texts(root: QWidget) -> list[Cut]:
    """Every visible text under ``root`` that its widget shows cut off or elided."""
    cuts: list[Cut] = []
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if not w.isVisible() or w.width() <= 1:
            continue
        metrics = QFontMetrics(w.font())
        if isinstance(w, QLabel) and w.text() and w.pixmap().isNull():
            if w.textFormat() == Qt.TextFormat.RichText or (
                w.textFormat() == Qt.TextFormat.AutoText and "<" in w.text()
            ):
                continue
            rect = w.contentsRect()
            text = _plain(w.text()) if w.buddy() is not None else w.text()
            if w.wordWrap():
                needed = w.heightForWidth(w.width())
                if needed > w.height() + 1:
                    cuts.append(Cut(_describe(w), text, needed, w.height()))
            else:
                widest = max(metrics.horizontalAdvance(line) for line in text.splitlines())
                if widest > rect.width() + 1:
                    cuts.append(Cut(_describe(w), text, widest, rect.width()))
        elif (
            isinstance(w, QPushButton | QCheckBox | QRadioButton)
            and w.text()
            or isinstance(w, QToolButton)
            and w.text()
            and w.toolButtonStyle() != (Qt.ToolButtonStyle.ToolButtonIconOnly)
        ):
            hint = w.sizeHint().width()
            if w.width() < hint - 2:
                cuts.append(Cut(_describe(w), _plain(w.text()), hint, w.width()))
        elif isinstance(w, QPlainTextEdit | QTextEdit) and w.placeholderText():
            cut = _placeholder_cut(w)
            if cut is not None:
                cuts.append(cut)
        elif isinstance(w, QLineEdit) and w.placeholderText() and not w.text():
            cut = _line_placeholder_cut(w)
            if cut is not None:
                cuts.append(cut)
        elif isinstance(w, QStatusBar) and w.currentMessage():
            # Qt draws a passing message itself, clipped where the permanent widgets begin
            shown = [c for c in w.findChildren(QWidget) if c.isVisible() and c.parent() is w]
            had = min((c.x() for c in shown), default=w.width()) - 6
            needed = metrics.horizontalAdvance(w.currentMessage())
            if needed > had:
                cuts.append(Cut(_describe(w) + " message", w.currentMessage(), needed, had))
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            cuts.extend(_item_cuts(w))
        elif isinstance(w, QComboBox) and w.currentText() and not w.isEditable():
            if w.property("elides") and w.currentText() in w.toolTip().splitlines():
                continue  # shown elided on purpose; the full text is its tooltip
            option = QStyleOptionComboBox()
            w.initStyleOption(option)
            field = w.style().subControlRect(
                QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, w
            )
            icon = 0 if w.itemIcon(w.currentIndex()).isNull() else w.iconSize().width() + 4
            needed = metrics.horizontalAdvance(w.currentText()) + icon
            if field.width() < needed:
                cuts.append(Cut(_describe(w), w.currentText(), needed, field.width()))
        elif isinstance(w, QHeaderView) and w.orientation() == Qt.Orientation.Horizontal:
            model = w.model()
            if model is None:
                continue
            for section in range(w.count()):
                if w.isSectionHidden(section):
                    continue
                text = model.headerData(section, Qt.Orientation.Horizontal)
                if not isinstance(text, str) or not text:
                    continue
                margin = w.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, w)
                needed = QFontMetrics(w.font()).horizontalAdvance(text) + 2 * margin
                if w.sectionSize(section) < needed:
                    cuts.append(Cut(_describe(w), text, needed, w.sectionSize(section)))
    return cuts


def _placeholder_cut(w: QPlainTextEdit | QTextEdit) -> Cut | None:
    """Qt draws the hint wrapped at the viewport's width, from the document margin down."""
    if not w.document().isEmpty():
        return None
    metrics = QFontMetrics(w.font())
    margin = int(w.document().documentMargin())
    width = max(1, w.viewport().width() - 2 * margin)
    text = w.placeholderText()
    needed = metrics.boundingRect(
        QRect(0, 0, width, 100 * metrics.lineSpacing()), Qt.TextFlag.TextWordWrap, text
    ).height()
    had = w.viewport().height() - margin
    return Cut(_describe(w), text, needed, had) if needed > had + 1 else None


LINE_EDIT_MARGIN = 2  # Qt's horizontal margin inside a line edit's contents
SIDE_WIDGET = 16 + 6 + 4  # a clear button: small icon, its padding, the gap before it


def _line_placeholder_cut(w: QLineEdit) -> Cut | None:
    """Qt elides a line edit's hint to the contents less the room its buttons take."""
    option = QStyleOptionFrame()
    w.initStyleOption(option)
    rect = w.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, w)
    margins = w.textMargins()
    side = SIDE_WIDGET * sum(1 for _ in w.findChildren(QToolButton))
    had = rect.width() - margins.left() - margins.right() - 2 * LINE_EDIT_MARGIN - side
    needed = QFontMetrics(w.font()).horizontalAdvance(w.placeholderText())
    return Cut(_describe(w), w.placeholderText(), needed, had) if needed > had else None


def _hidden(view: QAbstractItemView, row: int, column: int, parent: QModelIndex) -> bool:
    if isinstance(view, QTreeView):
        return view.isColumnHidden(column) or view.isRowHidden(row, parent)
    if isinstance(view, QTableView):
        return view.isColumnHidden(column) or view.isRowHidden(row)
    if isinstance(view, QListView):
        return view.isRowHidden(row)
    return False


def _visible_indexes(view: QAbstractItemView) -> list[QModelIndex]:
    """The indexes painted in the viewport: every row (and, in a tree, the rows under the
    expanded ones) and column, kept if its rectangle shows."""
    model, shown = view.model(), view.viewport().rect()
    found: list[QModelIndex] = []
    parents = [view.rootIndex()]
    while parents:
        parent = parents.pop()
        for row in range(min(model.rowCount(parent), 500)):
            columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)
            for column in range(columns):
                index = model.index(row, column, parent)
                if column == 0 and isinstance(view, QTreeView) and view.isExpanded(index):
                    parents.append(index)
                if not _hidden(view, row, column, parent) and view.visualRect(index).intersects(
                    shown
                ):
                    found.append(index)
    return found


def _item_cuts(view: QAbstractItemView) -> list[Cut]:
    """Item texts drawn cut or elided, unless the item's tooltip holds the whole text."""
    cuts = []
    style = view.style()
    for index in _visible_indexes(view):
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text.strip():
            continue
        if view.indexWidget(index) is not None:
            continue  # a widget (a button) stands in the cell
        delegate = view.itemDelegateForIndex(index)
        if type(delegate) not in (QStyledItemDelegate, QItemDelegate):
            continue  # a delegate of its own paints (and measures) the item
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        option.rect = view.visualRect(index)
        delegate.initStyleOption(option, index)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        width = rect.width() - 2 * margin
        metrics = QFontMetrics(option.font)
        wraps = bool(option.features & QStyleOptionViewItem.ViewItemFeature.WrapText)
        if wraps:
            bound = QRect(0, 0, max(1, width), 100 * metrics.lineSpacing())
            needed = metrics.boundingRect(bound, Qt.TextFlag.TextWordWrap, text).height()
            had = rect.height()
        else:
            lines = text.splitlines() or [text]
            needed = max(metrics.horizontalAdvance(line) for line in lines)
            had = width
            if len(lines) * metrics.lineSpacing() > rect.height() + 1:
                needed, had = len(lines) * metrics.lineSpacing(), rect.height()
        if needed <= had + 1:
            continue
        tip = index.data(Qt.ItemDataRole.ToolTipRole)
        if isinstance(tip, str) and " ".join(text.split()) in " ".join(tip.split()):
            continue  # elided, and the whole text is one hover away
        cuts.append(Cut(f"{_describe(view)} item", text, needed, had))
    return cuts


# -- the walk -------------------------------------------------------------------------------

Filler = Callable[[QWidget, QAbstractButton], None]


@dataclass
class Walk:
    """What was seen and pressed; ``problems`` must stay empty."""

    inputs: dict[str, Filler] = field(default_factory=dict)
    skip: set[str] = field(default_factory=set)  # buttons never pressed (say why in the table)
    shots: Path | None = None  # when set, each window walked is saved here as PNG
    shot_prefix: str = ""
    actions_seen: set[str] = field(default_factory=set)
    actions_done: set[str] = field(default_factory=set)
    buttons_seen: set[str] = field(default_factory=set)
    buttons_done: set[str] = field(default_factory=set)
    windows: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _active: list[QWidget] = field(default_factory=list)
    _shot_names: set[str] = field(default_factory=set)

    # -- coverage --------------------------------------------------------------------------
    def coverage(self) -> tuple[int, int]:
        done = len(self.actions_done) + len(self.buttons_done)
        return done, len(self.actions_seen) + len(self.buttons_seen)

    def report(self) -> str:
        done, seen = self.coverage()
        missed = sorted(
            (self.actions_seen - self.actions_done) | (self.buttons_seen - self.buttons_done)
        )
        return (
            f"{done}/{seen} actions and enabled buttons pressed "
            f"({len(self.actions_done)}/{len(self.actions_seen)} actions, "
            f"{len(self.buttons_done)}/{len(self.buttons_seen)} buttons) in "
            f"{len(set(self.windows))} windows; not pressed: {missed}"
        )

    # -- checks ----------------------------------------------------------------------------
    def check(self, widget: QWidget, name: str) -> None:
        process(30)
        for cut in cut_texts(widget):
            problem = f"cut text: {cut}"
            if problem not in self.problems:
                self.problems.append(problem)
        if self.shots is not None and name not in self._shot_names:
            self._shot_names.add(name)
            self.shots.mkdir(parents=True, exist_ok=True)
            widget.grab().save(str(self.shots / f"{self.shot_prefix}{name}.png"))

    # -- dialogs and popups ----------------------------------------------------------------
    def _new_top(self) -> QWidget | None:
        popup = QApplication.activePopupWidget()
        if popup is not None and popup not in self._active:
            return popup
        modal = QApplication.activeModalWidget()
        if modal is not None and modal not in self._active and modal.isVisible():
            return modal
        return None

    def press(self, target: QAbstractButton | QAction, key: str) -> None:
        """Press, handling whatever modal dialog or popup the press opens until it returns."""
        watcher = QTimer()
        watcher.setInterval(40)

        def look() -> None:
            top = self._new_top()
            if top is not None:
                watcher.stop()  # while the dialog is walked: its presses have their own
                self.walk_window(top, opened_by=key)
                # once it is closed the same press may open another (a format, then a file)
                watcher.start()

        watcher.timeout.connect(look)
        watcher.start()
        try:
            if isinstance(target, QAction):
                target.trigger()
            else:
                target.click()
            process(60)
            look() if watcher.isActive() else None
        finally:
            watcher.stop()

    def walk_window(self, top: QWidget, opened_by: str = "") -> None:
        """Walk a dialog, popup or window opened by ``opened_by``; close it when done."""
        self._active.append(top)
        try:
            if isinstance(top, QMenu):
                self._walk_menu_popup(top)
                return
            name = type(top).__name__
            self.windows.append(name)
            process(100)
            self._prepare(top, opened_by)
            if isinstance(top, QFileDialog) or not top.isVisible():
                return  # Qt's own dialog: answered by the input table (or cancelled)
            self.check(top, _shot_name(top, opened_by))
            self.walk_buttons(top)
        finally:
            if top.isVisible():
                if isinstance(top, QDialog):
                    top.reject()
                else:
                    top.close()
            process(30)
            self._active.remove(top)

    def _prepare(self, top: QWidget, opened_by: str) -> None:
        """Input a dialog needs as it opens (a file to pick, a name to type)."""
        for key in (f"open:{opened_by}", f"open:{type(top).__name__}"):
            if key in self.inputs:
                self.inputs[key](top, None)
                return

    def _walk_menu_popup(self, menu: QMenu) -> None:
        """A popup menu (a tool button's): its actions are counted like the menu bar's."""
        process(60)
        self.check(menu, f"menu-{menu.parent().objectName() or type(menu.parent()).__name__}")
        menu.close()

    def walk_buttons(self, top: QWidget) -> None:
        """Press every enabled button of ``top`` once (tab pages too); closers come last."""
        tabs = [t for t in top.findChildren(QTabWidget) if t.isVisible()]
        pages = [(t, i) for t in tabs for i in range(t.count())] or [(None, 0)]
        closers: list[QAbstractButton] = []
        for tab, index in pages:
            if tab is not None:
                tab.setCurrentIndex(index)
                process(150)
                self.check(top, f"{_shot_name(top, '')}-tab{index}")
            for button in self._buttons(top):
                key = button_key(button)
                if key in self.inputs and not button.isEnabled():
                    self.inputs[key](owner_and_name(button)[0] or top, button)  # select a row
                if not (button.isVisible() and button.isEnabled()):
                    continue
                self.buttons_seen.add(key)
                if key in self.buttons_done or key in self.skip:
                    continue
                if is_closing(button):
                    closers.append(button)
                    continue
                self._press_button(top, button, key)
                if not top.isVisible():
                    return
        for button in closers:
            key = button_key(button)
            if key in self.buttons_done or not button.isVisible() or not button.isEnabled():
                continue
            self._press_button(top, button, key)
            if not top.isVisible():
                return

    def _buttons(self, top: QWidget) -> list[QAbstractButton]:
        found = []
        for b in top.findChildren(QAbstractButton):
            if not b.isVisible() or b.inherits("QTabBar"):
                continue
            if type(b).__name__ in ("QScrollBar", "QTabBarCloseButton", "CloseButton"):
                continue
            if b.objectName().startswith("qt_") or b.parent().objectName().startswith("qt_"):
                continue  # Qt's own pieces: a dock's float/close buttons, a spin box's arrows
            found.append(b)
        return found

    def _press_button(self, top: QWidget, button: QAbstractButton, key: str) -> None:
        if key in self.inputs and button.isEnabled():
            self.inputs[key](owner_and_name(button)[0] or top, button)
        if not (button.isVisible() and button.isEnabled()):
            return
        self.buttons_done.add(key)
        self.press(button, key)
        self._settle(top)

    def _settle(self, top: QWidget) -> None:
        """Wait for background work a press started (a server check, a refresh)."""
        for _ in range(600):
            busy = any(
                getattr(w, "busy", False) is True
                for w in itertools.chain([top], top.findChildren(QWidget))
                if isinstance(getattr(type(w), "busy", None), property)
            )
            if not busy:
                break
            process(50)
        process(50)

    # -- the menu bar ----------------------------------------------------------------------
    def walk_menus(self, window, last: tuple[str, ...] = ()) -> None:
        """Trigger every action of every menu in the menu bar; those with a shortcut in
        ``last`` (e.g. ``Ctrl+Q``) at the end."""
        later = []
        for i, menu_action in enumerate(window.menuBar().actions()):
            menu = menu_action.menu()
            if menu is None:
                continue
            for j, action in enumerate(menu.actions()):
                if action.isSeparator() or not action.isVisible() or action.menu() is not None:
                    continue
                key = action_key(i, j, action)
                if not action.isEnabled():
                    continue  # counted neither way: "Stop reply" with no reply running
                self.actions_seen.add(key)
                if action.shortcut().toString() in last:
                    later.append((key, action))
                    continue
                self.trigger(window, action, key)
        for key, action in later:
            self.trigger(window, action, key)

    def trigger(self, window, action: QAction, key: str) -> None:
        before = {w for w in QApplication.topLevelWidgets() if w.isVisible()}
        docks_before = {d for d in window.findChildren(QDockWidget) if d.isVisible()}
        self.actions_done.add(key)
        if f"action:{key}" in self.inputs:
            self.inputs[f"action:{key}"](window, None)
        self.press(action, key)
        process(200)
        # windows it opened without blocking (the library) are walked and closed here
        for w in [w for w in QApplication.topLevelWidgets() if w.isVisible()]:
            if w not in before and w is not window and not isinstance(w, QMenu):
                self.walk_window(w, opened_by=key)
        for dock in window.findChildren(QDockWidget):
            if dock.isVisible() and dock not in docks_before:
                self.walk_dock(dock, key)

    def walk_dock(self, dock: QDockWidget, opened_by: str) -> None:
        process(300)
        self.windows.append(type(dock).__name__)
        self.check(dock, _shot_name(dock, opened_by))
        self.walk_buttons(dock)
        dock.hide()


def action_key(menu: int, index: int, action: QAction) -> str:
    """The same in every language: the menu's and the action's places, and the shortcut."""
    shortcut = action.shortcut().toString()
    return f"menu{menu}.{index}" + (f"[{shortcut}]" if shortcut else "")


def _shot_name(top: QWidget, opened_by: str) -> str:
    name = type(top).__name__
    if name in ("QDialog", "QMessageBox", "QInputDialog", "QFileDialog") and opened_by:
        name = f"{name}-{opened_by.split('.')[-1]}"
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")


def fill_input_dialog(text: str) -> Filler:
    def fill(top: QWidget, _button) -> None:
        if isinstance(top, QInputDialog):
            top.setTextValue(text)

    return fill


def choose_file(path: Path | None) -> Filler:
    """A file dialog picks ``path`` (accepted), or is cancelled when None."""

    def fill(top: QWidget, _button) -> None:
        if not isinstance(top, QFileDialog):
            return
        if path is None:
            top.reject()
        else:
            top.selectFile(str(path))
            top.accept()

    return fill
