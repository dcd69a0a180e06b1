"""What the real window says, as plain data; run as a program it prints that as JSON.

``QLocale.system()`` is read once per process (from LANG, LC_ALL, LANGUAGE), so the tests
that let the system locale choose the language run this module in a child process with the
environment they want:

    LANG=zh_TW.UTF-8 FIRESIDE_HOME=/tmp/x python -m tests.desktop.window_texts

It starts the way the app does (``open_app``: settings, then translators, then widgets),
builds the real window offscreen without loading a model, and reads the menus, the message
box, the settings dialog and the documents panel.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QPushButton,
)


def settings_texts(window) -> dict:
    """The settings dialog as the window builds it (not shown modally)."""
    from fireside.desktop.settings_dialog import SettingsDialog

    app = window.app
    path = app.models.resolve_path(None)
    dialog = SettingsDialog(app.settings, path, app.models.describe(path), False, window)
    try:
        box = dialog.findChild(QDialogButtonBox)
        return {
            "title": dialog.windowTitle(),
            "groups": [g.title() for g in dialog.findChildren(QGroupBox)],
            "labels": [label.text() for label in dialog.findChildren(QLabel) if label.text()],
            "languages": [dialog.language.itemText(i) for i in range(dialog.language.count())],
            "themes": [dialog.theme.itemText(i) for i in range(dialog.theme.count())],
            "buttons": [b.text() for b in box.buttons()],
        }
    finally:
        dialog.deleteLater()


def documents_texts(window) -> dict:
    """The documents dock, opened as Tools > Documents opens it."""
    dock = window.docs_dock
    if not dock.isVisible():
        window.toggle_documents()
    panel = dock.panel
    headers = [panel.table.horizontalHeaderItem(i).text() for i in range(panel.table.columnCount())]
    return {
        "title": dock.windowTitle(),
        "use_in_chat": dock.use_in_chat.text(),
        "buttons": [b.text() for b in panel.findChildren(QPushButton)],
        "headers": headers,
        "labels": [label.text() for label in panel.findChildren(QLabel) if label.text()],
    }


def window_texts(window) -> dict:
    bar = window.menuBar()
    chat_menu = bar.actions()[0].menu()
    return {
        "menus": [a.text() for a in bar.actions()],
        "chat_menu": [a.text() for a in chat_menu.actions() if not a.isSeparator()],
        "placeholder": window.panel.composer.box.placeholderText(),
        "send": window.panel.composer.button.text(),
        "new_chat": window.sidebar.new_button.text(),
        "search": window.sidebar.search.placeholderText(),
        "documents_button": window.panel.picker.text(),
        "empty": window.panel.view.empty_text,
        "settings_button": window.settings_button.text(),
        "status": window.status.model_label.text(),
        "settings": settings_texts(window),
        "documents": documents_texts(window),
    }


def main() -> int:
    from fireside.desktop.main import create_window, open_app

    qt_app = QApplication(sys.argv[:1])
    app, failure = open_app(qt_app)
    if app is None:
        print(json.dumps({"error": str(failure)}))
        return 2
    try:
        window = create_window(app)
        window.show()
        texts = window_texts(window)
        texts["language"] = qt_app.translate("Startup", "Fireside cannot start")
        window.docs_dock.shutdown()
        window.close()
    finally:
        app.close()
    print(json.dumps(texts, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
