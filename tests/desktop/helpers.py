"""Helpers the window tests share: fast model settings, sending, waiting, clicking."""

from __future__ import annotations

from fireside.assistant.app import App
from fireside.assistant.settings import ModelSettings
from fireside.models.sampling import SamplingParams
from PySide6.QtCore import QPoint, Qt

TURN_TIMEOUT_MS = 90_000


def fast_settings(app: App, model_path: str, max_tokens: int = 16) -> None:
    """Greedy, short replies; one thread, which stays fast on a busy two-core machine."""
    sampling = SamplingParams(temperature=0.0, max_tokens=max_tokens, seed=1)

    def change(settings) -> None:
        settings.model.n_threads = 1
        settings.set_model_settings(model_path, ModelSettings(n_ctx=1024, sampling=sampling))

    app.settings_store.update(change)


def wait_loaded(qtbot, window) -> None:
    qtbot.waitUntil(
        lambda: not window.models.loader.busy and window.app.models.current is not None,
        timeout=TURN_TIMEOUT_MS,
    )


def wait_idle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.panel.controller.busy, timeout=TURN_TIMEOUT_MS)


def type_and_send(qtbot, window, text: str) -> None:
    box = window.panel.composer.box
    box.setFocus()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def action_point(qtbot, window, row: int, key: str):
    """Where the delegate painted the footer action ``key`` of ``row`` (viewport coords)."""
    view, delegate, model = window.panel.view, window.panel.delegate, window.panel.model
    view.scrollTo(model.index(row))
    qtbot.wait(60)  # let a pending relayout (heights just changed) happen first

    def point():
        rect = view.visualRect(model.index(row))
        item = model.item(row)
        _bubble, _header, _body, footer = delegate._rects(rect, item)
        for action, _label, r in delegate._footer_layout(item, model.versions(row), footer):
            if action == key:
                return r.center()
        raise AssertionError(f"no {key!r} action on row {row}")

    qtbot.waitUntil(lambda: view.indexAt(point()).row() == row)
    return point()


def click_action(qtbot, window, row: int, key: str) -> None:
    qtbot.mouseClick(
        window.panel.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=action_point(qtbot, window, row, key),
    )


def copy_model_to(src, folder):
    """A copy of a model file under another name and folder (a "different" model)."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    dst = folder / f"copy-{folder.name}-{src.name}"
    shutil.copyfile(src, dst)
    return dst


def link_point(qtbot, panel, row: int, href: str) -> QPoint:
    """A point over the link ``href`` in the painted row, found by asking the delegate."""
    view, delegate = panel.view, panel.delegate
    index = panel.model.index(row)
    view.scrollTo(index)
    qtbot.wait(60)
    rect = view.visualRect(index)
    for y in range(rect.top(), rect.bottom(), 4):
        for x in range(rect.left(), rect.right(), 6):
            hit = delegate.hit_test(index, rect, QPoint(x, y))
            if hit is not None and hit.value == href:
                return QPoint(x, y)
    raise AssertionError(f"no link {href} in row {row}")
