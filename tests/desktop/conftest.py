"""Window tests run offscreen, over a real ``App`` in a private FIRESIDE_HOME.

The bundled SmolLM2 model answers at temperature 0 with at most 16 tokens, so a real turn
takes well under a second. After every test no worker may still be running.
"""

from __future__ import annotations

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from fireside.assistant.app import App, build_app  # noqa: E402
from PySide6.QtCore import QThreadPool  # noqa: E402

from tests.desktop.helpers import fast_settings  # noqa: E402


@pytest.fixture
def scripted(fireside_home, smollm_path):
    """An ``App`` whose model is scripted (``app.models.tokens``, ``.delay_s``)."""
    from tests.desktop.fakes import scripted_app

    app = scripted_app()
    fast_settings(app, str(smollm_path), max_tokens=10_000)
    yield app
    app.close()


@pytest.fixture
def core(fireside_home, smollm_path):
    app = build_app()
    fast_settings(app, str(smollm_path))
    yield app
    app.close()


@pytest.fixture
def make_window(qtbot):
    """Build (and later close) windows; closing waits for their workers."""
    from fireside.desktop.main import create_window

    windows = []

    def make(app: App, start: bool = True):
        window = create_window(app)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        if start:
            window.start()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        assert not window.panel.controller.busy
        assert not window.models.loader.busy
        assert not window.documents.busy


@pytest.fixture
def window(core, make_window):
    return make_window(core)


@pytest.fixture(autouse=True)
def no_thread_left_behind():
    yield
    assert QThreadPool.globalInstance().waitForDone(5000), "a worker is still running"
    assert QThreadPool.globalInstance().activeThreadCount() == 0
    assert not [t for t in threading.enumerate() if t.name == "fireside-index"]
