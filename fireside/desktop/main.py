"""Start the desktop app: the window first, the model in the background.

The window must appear at once (a second or so), so nothing slow happens before ``show``:
the model starts loading from the event loop right after the first paint, and importing
llama.cpp, reading the weights and everything else happen on a worker thread.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from fireside.assistant.app import App, build_app
from fireside.desktop.i18n.translators import SYSTEM, install_translators
from fireside.desktop.main_window import MainWindow
from fireside.desktop.workers import ensure_pool_threads


def create_window(app: App) -> MainWindow:
    """The window over an already built ``App`` (tests build their own)."""
    ensure_pool_threads()
    return MainWindow(app)


def run(argv: list[str]) -> int:
    """Open the window and run until it is closed; returns the exit code."""
    qt_app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "fireside",
                                                      *argv])
    qt_app.setApplicationName("Fireside")
    qt_app.setApplicationDisplayName("Fireside")
    qt_app.setDesktopFileName("fireside")
    try:
        app, failure = build_app(), None
    except Exception as exc:  # a damaged history database, an unwritable data folder
        app, failure = None, exc
    # the one place the language is chosen: before any widget, the error box included
    install_translators(qt_app, app.settings.ui_language if app is not None else SYSTEM)
    if app is None:
        QMessageBox.critical(None, QCoreApplication.translate("Startup", "Fireside cannot start"),
                             str(failure))
        print(f"fireside: error: {failure}", file=sys.stderr)
        return 2
    try:
        window = create_window(app)
        window.show()
        QTimer.singleShot(0, window, window.start)
        return qt_app.exec()
    finally:
        app.close()
