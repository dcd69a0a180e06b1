"""Asking the user before a tool reaches the network or the file system.

The engine calls ``approve(tool, arguments)`` on its generation thread, which must not touch
widgets. ``ApprovalBroker.approve`` therefore posts the question to the UI thread, which
shows a ``ToolApprovalDialog`` without blocking the event loop, and the worker waits on a
``threading.Event`` for the answer. Closing the dialog, or ``shutdown()``, counts as "no":
a tool never runs because nobody answered. "Always allow" is saved through the settings
bridge; a tool allowed always elsewhere meanwhile (another window) answers its open
question.
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fireside.assistant.settings import Settings
from fireside.assistant.settings_store import affects
from fireside.desktop.settings_bridge import SettingsBridge
from fireside.plugins.tools import Tool
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

DENY, ALLOW_ONCE, ALWAYS_ALLOW = 0, 1, 2  # dialog result codes (DENY is QDialog.Rejected)


def touches(tool: Tool) -> str:
    """Plain words for what a tool reaches outside the app."""
    if tool.source.startswith("mcp:"):
        return QCoreApplication.translate(
            "ToolApprovalDialog", "the MCP server %1, a program outside the app"
        ).replace("%1", tool.source.removeprefix("mcp:"))
    if tool.network and tool.filesystem:
        return QCoreApplication.translate("ToolApprovalDialog", "the network and the file system")
    if tool.network:
        return QCoreApplication.translate("ToolApprovalDialog", "the network")
    if tool.filesystem:
        return QCoreApplication.translate("ToolApprovalDialog", "the file system")
    return QCoreApplication.translate("ToolApprovalDialog", "nothing outside the app")


class ToolApprovalDialog(QDialog):
    """Tool name, what it touches, its arguments as JSON; Allow once / Always allow / Deny."""

    def __init__(
        self, tool: Tool, arguments: Mapping[str, Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.tool = tool
        self.setWindowTitle(self.tr("Allow the {tool} tool?").format(tool=tool.name))
        self.title = QLabel(
            self.tr("<b>{tool}</b> wants to run. It uses <b>{reach}</b>.").format(
                tool=html.escape(tool.name), reach=touches(tool)
            )
        )
        self.title.setWordWrap(True)
        self.description = QLabel(tool.description)
        self.description.setWordWrap(True)
        self.arguments = QPlainTextEdit(
            json.dumps(dict(arguments), indent=2, ensure_ascii=False, default=str)
        )
        self.arguments.setReadOnly(True)
        self.allow_once_button = QPushButton(self.tr("Allow once"))
        self.always_button = QPushButton(self.tr("Always allow this tool"))
        self.deny_button = QPushButton(self.tr("Deny"))
        self.deny_button.setDefault(True)  # Enter must not approve by accident
        self.allow_once_button.clicked.connect(lambda: self.done(ALLOW_ONCE))
        self.always_button.clicked.connect(lambda: self.done(ALWAYS_ALLOW))
        self.deny_button.clicked.connect(lambda: self.done(DENY))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.allow_once_button, self.always_button, self.deny_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.description)
        layout.addWidget(QLabel(self.tr("Arguments:")))
        layout.addWidget(self.arguments, 1)
        layout.addLayout(buttons)

    def text(self) -> str:
        """Everything the dialog tells the user, as plain text."""
        return "\n".join([self.title.text(), self.description.text(), self.arguments.toPlainText()])


DialogFactory = Callable[[Tool, Mapping[str, Any], QWidget | None], QDialog]


@dataclass(eq=False)  # compared by identity
class _Request:
    tool: Tool
    arguments: Mapping[str, Any]
    answered: threading.Event = field(default_factory=threading.Event)
    allowed: bool = False


class ApprovalBroker(QObject):
    """Create on the UI thread; pass ``broker.approve`` to the engine as its callback."""

    dialog_shown = Signal(object)  # the dialog, once it is on screen
    _asked = Signal(object)  # _Request, worker thread -> UI thread

    def __init__(
        self,
        settings: SettingsBridge,
        parent: QObject | None = None,
        *,
        window: QWidget | None = None,
        dialog_factory: DialogFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.window = window  # the dialogs' parent
        self.dialog_factory: DialogFactory = dialog_factory or ToolApprovalDialog
        self.current_dialog: QDialog | None = None
        self._pending: list[_Request] = []
        self._lock = threading.Lock()
        self._closed = False
        self._asked.connect(self._show, Qt.ConnectionType.QueuedConnection)
        settings.changed.connect(self._on_settings_changed)

    def _allowed_always(self, tool: Tool) -> bool:
        return tool.name in self.settings.settings.chat.always_allowed_tools

    def approve(self, tool: Tool, arguments: Mapping[str, Any]) -> bool:
        """Ask the user; blocks the calling worker until answered. Any thread."""
        if self._allowed_always(tool):
            return True
        request = _Request(tool, arguments)
        if self._closed:
            return False
        if QThread.currentThread() == self.thread():
            dialog = self._dialog(request)
            self._answer(request, dialog.exec())
            return request.allowed
        with self._lock:
            if self._closed:
                return False
            self._pending.append(request)
        self._asked.emit(request)
        request.answered.wait()
        return request.allowed

    def shutdown(self) -> None:
        """Deny every open question (the window is closing) and refuse new ones."""
        with self._lock:
            self._closed = True
            pending, self._pending = self._pending, []
        for request in pending:
            request.answered.set()
        if self.current_dialog is not None:
            self.current_dialog.reject()

    # -- UI thread -----------------------------------------------------------------------------
    def _dialog(self, request: _Request) -> QDialog:
        dialog = self.dialog_factory(request.tool, request.arguments, self.window)
        self.current_dialog = dialog
        return dialog

    def _show(self, request: _Request) -> None:
        if request.answered.is_set():
            return  # denied by shutdown() before it could be shown
        dialog = self._dialog(request)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda code: self._answer(request, code))
        dialog.open()  # modal to the window, but the event loop keeps running
        self.dialog_shown.emit(dialog)

    def _answer(self, request: _Request, code: int) -> None:
        request.allowed = code in (ALLOW_ONCE, ALWAYS_ALLOW)
        if code == ALWAYS_ALLOW:
            self.settings.update(always_allow(request.tool.name))
        self.current_dialog = None
        with self._lock:
            if request in self._pending:
                self._pending.remove(request)
        request.answered.set()

    def _on_settings_changed(self, keys: frozenset[str]) -> None:
        dialog = self.current_dialog
        if (
            affects(keys, "chat.always_allowed_tools")
            and isinstance(dialog, ToolApprovalDialog)
            and self._allowed_always(dialog.tool)
        ):
            dialog.done(ALLOW_ONCE)  # allowed always elsewhere: the question is answered


def always_allow(name: str) -> Callable[[Settings], None]:
    """The settings change that lets tool ``name`` run without asking."""

    def change(settings: Settings) -> None:
        if name not in settings.chat.always_allowed_tools:
            settings.chat.always_allowed_tools = [*settings.chat.always_allowed_tools, name]

    return change
