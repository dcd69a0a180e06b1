"""Start the desktop app: the window first, the model in the background.

The window must appear at once (a second or so), so nothing slow happens before ``show``:
the model starts loading from the event loop right after the first paint, and importing
llama.cpp, reading the weights and everything else happen on a worker thread.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from fireside.assistant.app import App, build_app
from fireside.assistant.logs import setup_logging
from fireside.assistant.settings import Paths
from fireside.desktop.file_open import FileOpenFilter
from fireside.desktop.i18n.translators import SYSTEM, install_translators
from fireside.desktop.main_window import MainWindow
from fireside.desktop.workers import ensure_pool_threads
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from fireside.errors import FiresideError

log = logging.getLogger(__name__)

APP_ICON = Path(__file__).parent / "icons" / "fireside.svg"


def create_window(app: App) -> MainWindow:
    """The window over an already built ``App`` (tests build their own)."""
    ensure_pool_threads()
    return MainWindow(app)


def install_error_hook(window: MainWindow, log_file) -> None:
    """Unexpected errors in Qt callbacks: logged with the traceback, shown as one line.

    Without this, PySide prints the traceback on stderr (which a desktop user never sees)
    and the window silently carries on in whatever state the error left it.
    """

    def hook(kind, exc, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("unexpected error in the window", exc_info=(kind, exc, tb))
        text = QCoreApplication.translate(
            "MainWindow", "Something went wrong: {error}. Details are in the log: {path}"
        ).format(error=f"{kind.__name__}: {exc}", path=log_file)
        window.panel.error_notice.show_message(text, "error")

    sys.excepthook = hook


def open_app(qt_app: QCoreApplication) -> tuple[App | None, Exception | None]:
    """Build the core, then install the translators its settings ask for.

    The one place the language is chosen, before any widget exists: the settings say
    English, Chinese or "follow the system". When the core cannot be built (a damaged
    history database, an unwritable data folder) the system locale decides, so even that
    error box is in the user's language.
    """
    app = failure = None
    try:
        app = build_app()
        app.history  # noqa: B018 - the window lists chats at once: open the history now
    except Exception as exc:  # reported by the caller, in words
        if app is not None:
            app.close()
        app, failure = None, exc
    install_translators(qt_app, app.settings.window.language if app is not None else SYSTEM)
    return app, failure


def run(argv: list[str]) -> int:
    """Open the window and run until it is closed; returns the exit code.

    ``argv`` may name one GGUF file (the desktop's "open with"): the window loads it
    instead of the last used model.
    """
    model = str(Path(argv[0]).expanduser().absolute()) if argv else None
    qt_app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "fireside"])
    qt_app.setApplicationName("Fireside")
    qt_app.setApplicationDisplayName("Fireside")
    qt_app.setDesktopFileName("fireside")
    qt_app.setWindowIcon(QIcon(str(APP_ICON)))
    log_file = setup_logging(Paths.from_env().log_dir)
    app, failure = open_app(qt_app)
    if app is None:
        if not isinstance(failure, FiresideError):
            log.error("the app could not start", exc_info=failure)
        QMessageBox.critical(
            None, QCoreApplication.translate("Startup", "Fireside cannot start"), str(failure)
        )
        print(f"fireside: error: {failure}", file=sys.stderr)
        return 2
    try:
        window = create_window(app)
        install_error_hook(window, log_file)
        file_open = FileOpenFilter(window.handle_dropped, window)
        qt_app.installEventFilter(file_open)
        window.show()
        QTimer.singleShot(0, window, lambda: window.start(model))
        return qt_app.exec()
    finally:
        app.close()
