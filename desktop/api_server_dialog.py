"""Tools > Local API server: the switch, the port, the key, examples to copy, and counters."""

from __future__ import annotations

from fireside.desktop.api_server_control import ApiServerControl
from PySide6.QtGui import QFontDatabase, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

CURL = """curl {url}/chat/completions \\
  -H "Authorization: Bearer {key}" \\
  -H "Content-Type: application/json" \\
  -d '{{"model": "default", "messages": [{{"role": "user", "content": "Hello!"}}]}}'"""

PYTHON = """from openai import OpenAI

client = OpenAI(base_url="{url}", api_key="{key}")
reply = client.chat.completions.create(
    model="default",
    messages=[{{"role": "user", "content": "Hello!"}}],
)
print(reply.choices[0].message.content)"""


class ApiServerDialog(QDialog):
    def __init__(self, control: ApiServerControl, parent=None) -> None:
        super().__init__(parent)
        self.control = control
        self.setWindowTitle(self.tr("Local API server"))
        self.resize(720, 780)
        intro = QLabel(
            self.tr(
                "Other programs on this computer (editors, scripts, the openai Python "
                "package) can use Fireside's models through an OpenAI-compatible API. "
                "They need the key below."
            ),
            wordWrap=True,
        )
        self.switch = QCheckBox(self.tr("Serve the API"))
        self.port = QSpinBox(minimum=1, maximum=65535, value=control.config.port or 8765)
        self.state = QLabel(wordWrap=True)
        self.key = QLineEdit(readOnly=True, echoMode=QLineEdit.EchoMode.Password)
        self.show_key = QCheckBox(self.tr("Show"))
        self.copy_key = QPushButton(self.tr("Copy"))
        self.rotate = QPushButton(self.tr("New key"))
        self.rotate.setToolTip(self.tr("Make a new key; programs using the old one must update"))
        self.key_where = QLabel(wordWrap=True)
        self.served = QLabel("0")
        self.error = QLabel(self.tr("none"), wordWrap=True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.curl = QPlainTextEdit(readOnly=True)
        self.python = QPlainTextEdit(readOnly=True)
        for box, template in ((self.curl, CURL), (self.python, PYTHON)):
            box.setFont(mono)
            box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            # each example shows whole, without scrolling
            lines = template.count("\n") + 1
            box.setMinimumHeight(
                lines * QFontMetrics(mono).lineSpacing() + 2 * box.frameWidth() + 12
            )
        self.tool_boxes: dict[str, QCheckBox] = {}
        allowed = set(control.config.allowed_tools)
        for name in control.network_tools():
            box = QCheckBox(name, checked=name in allowed)
            box.toggled.connect(lambda on, n=name: control.set_tool_allowed(n, on))
            self.tool_boxes[name] = box
        self.copy_curl = QPushButton(self.tr("Copy curl example"))
        self.copy_python = QPushButton(self.tr("Copy Python example"))

        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        for w in (self.show_key, self.copy_key, self.rotate):
            key_row.addWidget(w)
        form = QFormLayout()
        form.addRow(self.switch)
        form.addRow(self.tr("Port"), self.port)
        form.addRow(self.tr("Status"), self.state)
        form.addRow(self.tr("API key"), key_row)
        form.addRow("", self.key_where)
        form.addRow(self.tr("Requests served"), self.served)
        form.addRow(self.tr("Last error"), self.error)
        if self.tool_boxes:
            tools_row = QHBoxLayout()
            for box in self.tool_boxes.values():
                tools_row.addWidget(box)
            tools_row.addStretch(1)
            form.addRow(QLabel(self.tr("Network tools that API requests may run:")))
            form.addRow("", tools_row)
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copy_curl)
        copy_row.addWidget(self.copy_python)
        copy_row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Examples")))
        layout.addWidget(self.curl)
        layout.addWidget(self.python)
        layout.addLayout(copy_row)
        layout.addWidget(buttons)

        self.switch.setChecked(control.running)
        self.switch.toggled.connect(self._toggled)
        self.port.valueChanged.connect(control.set_port)
        self.show_key.toggled.connect(self._show_key)
        self.copy_key.clicked.connect(lambda: self._copy(control.key))
        self.rotate.clicked.connect(control.rotate_key)
        self.copy_curl.clicked.connect(lambda: self._copy(self._example(CURL, hidden=False)))
        self.copy_python.clicked.connect(lambda: self._copy(self._example(PYTHON, hidden=False)))
        control.running_changed.connect(self._refresh)
        control.key_changed.connect(self._key_changed)
        control.stats_changed.connect(self._stats)
        control.failed.connect(self._failed)
        self._refresh()
        if control.key:
            self._key_changed(control.key, control.key_where)
        else:
            control.load_key()

    # -- updates ----------------------------------------------------------------------------
    def _toggled(self, on: bool) -> None:
        if on:
            self.control.set_port(self.port.value())
            self.state.setText(self.tr("Starting…"))
            self.control.start()
        else:
            self.state.setText(self.tr("Stopping…"))
            self.control.stop()
        self.port.setEnabled(False)

    def _refresh(self, *_):
        running = self.control.running
        self.switch.blockSignals(True)
        self.switch.setChecked(running)
        self.switch.blockSignals(False)
        self.port.setEnabled(not running and not self.control.busy)
        if running:
            self.state.setText(self.tr("Serving at {url}").format(url=self.control.url))
        else:
            self.state.setText(self.tr("Off"))
        self._examples()

    def _key_changed(self, key: str, where: str) -> None:
        self.key.setText(key)
        self.key_where.setText(self.tr("Kept in {where}").format(where=where))
        self._examples()

    def _example(self, template: str, hidden: bool) -> str:
        """The example as shown (key hidden unless "Show" is ticked) or as copied (real key)."""
        url = self.control.url or f"http://127.0.0.1:{self.port.value()}/v1"
        key = self.control.key or "KEY"
        if hidden and not self.show_key.isChecked():
            key = "•" * 12
        return template.format(url=url, key=key)

    def _examples(self) -> None:
        self.curl.setPlainText(self._example(CURL, hidden=True))
        self.python.setPlainText(self._example(PYTHON, hidden=True))

    def _stats(self, served: int, error: str) -> None:
        self.served.setText(str(served))
        self.error.setText(error or self.tr("none"))

    def _failed(self, message: str) -> None:
        self.error.setText(message)
        self._refresh()

    def _show_key(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.key.setEchoMode(mode)
        self._examples()

    def _copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
