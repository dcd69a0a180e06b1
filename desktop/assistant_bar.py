"""The chat header when a chat uses an assistant: its icon and title, a way to stop using
it, and (in a chat with no messages yet) its starter prompts.

The assistant itself is a setting of every turn (the chat panel puts its name in the
``TurnRequest``); this bar only shows which one, in the window's language.
"""

from __future__ import annotations

from fireside.assistant.assistants import Assistant
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget


class AssistantBar(QWidget):
    cleared = Signal()
    starter_chosen = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("AssistantBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.title = QLabel(objectName="AssistantTitle")
        self.description = QLabel(objectName="AssistantDescription", wordWrap=True)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.clear_button = QToolButton(
            text="×", autoRaise=True, toolTip=self.tr("Stop using this assistant in this chat")
        )
        self.clear_button.clicked.connect(self.cleared)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.title)
        top.addWidget(self.description, 1)
        top.addWidget(self.clear_button)
        self.starters = QHBoxLayout()
        self.starters.setContentsMargins(0, 0, 0, 0)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 8, 16, 8)
        column.addLayout(top)
        column.addLayout(self.starters)
        self.shown: Assistant | None = None
        self.hide()

    def show_assistant(self, assistant: Assistant | None, empty_chat: bool = False) -> None:
        """``assistant`` already in the window's language (``Assistant.shown``)."""
        self.shown = assistant
        while self.starters.count():
            widget = self.starters.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        if assistant is None:
            self.hide()
            return
        icon = f"{assistant.icon}  " if assistant.icon else ""
        self.title.setText(f"<b>{icon}{_escape(assistant.label)}</b>")
        self.description.setText(assistant.description)
        if empty_chat:
            for text in assistant.starters:
                button = QPushButton(text.strip() or text, flat=True)
                button.setToolTip(self.tr("Put this in the message box"))
                button.clicked.connect(lambda _=False, t=text: self.starter_chosen.emit(t))
                self.starters.addWidget(button)
            self.starters.addStretch(1)
        self.show()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
