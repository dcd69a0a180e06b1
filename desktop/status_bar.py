"""The status bar: which model, where it runs, how fast the last reply was, context used.

These are the numbers a local-model user checks constantly (is it on the GPU? am I near
the context limit?), so they are always visible and updated after every reply. A model's
file name can be longer than the window is wide: the model is named elided (in the middle,
so the quantisation shows) with the whole name in the tooltip, and a passing message is
elided to the room left of the numbers rather than cut.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QStatusBar

MODEL_LABEL_PX = 260
MESSAGE_MARGIN = 12  # where Qt starts drawing a message, and a gap before the numbers


class StatusBar(QStatusBar):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.model_label = QLabel(self.tr("No model"))
        self.device_label = QLabel("")
        self.speed_label = QLabel("")
        self.context_label = QLabel("")
        self.remote_label = QLabel("")  # shown for a remote model: where messages go
        self.remote_label.setObjectName("StatusRemote")
        self.remote_label.hide()
        self.model_label.setObjectName("StatusModel")
        self.speed_label.setToolTip(self.tr("Generation speed of the last reply"))
        self.context_label.setToolTip(
            self.tr("Tokens in the context after the last reply / context size")
        )
        labels = (
            self.model_label,
            self.remote_label,
            self.device_label,
            self.speed_label,
            self.context_label,
        )
        for label in labels:
            self.addPermanentWidget(label)
        self.n_ctx: int | None = None

    def short_name(self, model: str, room: int = MODEL_LABEL_PX) -> str:
        """A model's name fit for the status bar: elided in the middle when long."""
        return QFontMetrics(self.font()).elidedText(model, Qt.TextElideMode.ElideMiddle, room)

    def _show_model(self, text: str, model: str) -> None:
        """``text`` names ``model``; a long name is elided, whole in the tooltip."""
        room = MODEL_LABEL_PX - QFontMetrics(self.font()).horizontalAdvance(text.replace(model, ""))
        short = self.short_name(model, max(80, room))
        self.model_label.setText(text.replace(model, short))
        if short != model and model not in self.model_label.toolTip():
            self.model_label.setToolTip(model)

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 - Qt's name
        """A passing message, elided to the room the permanent labels leave it."""
        shown = [w for w in self.findChildren(QLabel) if w.isVisible() and w.parent() is self]
        left = min((w.x() for w in shown), default=self.width())
        room = max(40, left - MESSAGE_MARGIN)
        elided = QFontMetrics(self.font()).elidedText(text, Qt.TextElideMode.ElideRight, room)
        super().showMessage(elided, timeout)

    def set_loading(self, label: str) -> None:
        self._show_model(self.tr("Loading {model}…").format(model=label), label)
        self.device_label.setText("")

    def set_model(self, label: str, device: str, n_ctx: int) -> None:
        self._show_model(label, label)
        self.device_label.setText(device)
        self.n_ctx = n_ctx
        self.set_context(None)

    def set_remote(self, remote: bool, leaves_machine: bool = False, where: str = "") -> None:
        """Mark a remote model plainly: the user must know when messages leave the computer."""
        if not remote:
            self.remote_label.hide()
            return
        if leaves_machine:
            self.remote_label.setText(self.tr("⇄ Remote: messages leave this computer"))
            self.remote_label.setToolTip(
                self.tr("Your messages are sent to %1").replace("%1", where)
            )
        else:
            self.remote_label.setText(self.tr("⇄ Remote engine on this computer"))
            self.remote_label.setToolTip(where)
        self.remote_label.show()

    def set_failed(self, label: str) -> None:
        self._show_model(self.tr("{model} (not loaded)").format(model=label), label)
        self.device_label.setText("")

    def set_speed(self, tokens_per_s: float | None) -> None:
        self.speed_label.setText(
            self.tr("{speed} tok/s").format(speed=f"{tokens_per_s:.1f}") if tokens_per_s else ""
        )

    def set_context(self, used: int | None) -> None:
        if self.n_ctx is None:
            self.context_label.setText("")
            return
        shown = f"{used:,}" if used is not None else "–"
        self.context_label.setText(
            self.tr("context {used} / {size}").format(used=shown, size=f"{self.n_ctx:,}")
        )
