"""Which model the chat talks to: chosen in the picker, loaded in the background, remembered.

A model is never swapped while a reply is streaming from the current one (that would free
it mid-generation); such a request waits for the reply to end. A file that fails
inspection or loading is reported with its cause, and the previous model stays in use.
A model that loads becomes the default in the settings; when the default changes elsewhere
(``fireside models use``, another window) the window switches to it (``follow_settings``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fireside.assistant.app import App
from fireside.assistant.settings import model_chosen
from fireside.desktop.model_loader import Inspection, ModelLoader
from fireside.desktop.model_names import model_label
from fireside.desktop.model_picker import ModelPicker, ask_for_gguf
from fireside.desktop.remote_catalog import RemoteCatalog
from fireside.desktop.settings_bridge import SettingsBridge
from fireside.desktop.status_bar import StatusBar
from fireside.models.bundled import default_model
from fireside.models.errors import ModelError
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget


class ModelSwitcher(QObject):
    path_changed = Signal(str)  # the model new turns use
    message = Signal(str, str)  # text, kind ("info" / "error"); kind "" hides the notice
    busy_changed = Signal(bool)
    backend_shown = Signal(object)  # the ModelDescription of the model now in use

    def __init__(
        self,
        app: App,
        settings: SettingsBridge,
        picker: ModelPicker,
        status: StatusBar,
        chat_busy: Callable[[], bool],
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.app, self.settings, self.picker, self.status = app, settings, picker, status
        self.loader = ModelLoader(app.models, self)
        self.catalog = RemoteCatalog(app.models.remotes, self, app.models.plugin_models)
        self.catalog.ready.connect(self._on_remote_models)
        self._chat_busy = chat_busy
        self._pending: str | None = None
        self.path: str | None = None  # what chats use (may still be loading)
        self._own_default = app.settings.model.path  # the default as this window last saw it
        self.good_path: str | None = None  # the last model that loaded
        self.loader.inspected.connect(self._on_inspected)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self.loader.busy_changed.connect(self.busy_changed)
        picker.model_chosen.connect(self.request)
        picker.open_requested.connect(lambda: self.open_dialog(picker.window()))

    def refresh_picker(self) -> None:
        bundled = default_model()
        self.picker.set_models(
            str(bundled.path) if bundled else None, self.app.settings.model.recent, self.path
        )

    def follow_settings(self, default_changed: bool) -> None:
        """The recent list or the default model changed: list them; use a new default."""
        self.refresh_picker()
        default = self.app.settings.model.path
        if not default_changed or self.path is None or default == self._own_default:
            return  # nothing new, not started yet (``start`` loads it), or this window's own
        self._own_default = default
        try:
            wanted = self.app.models.resolve_path(None)
        except ModelError:
            return
        if wanted not in (self.path, self._pending):
            self.request(wanted)

    def _on_remote_models(self, groups: list) -> None:
        self.picker.set_remote(groups)
        self.refresh_picker()

    def _show_backend(self, path: str, info) -> None:
        device = info.device
        if info.sees_images:
            device = self.tr("{device} · sees images").format(device=device)
        self.status.set_model(model_label(self.app.models, path), device, info.n_ctx)
        self.picker.mark_sees_images(path, info.sees_images)
        # a plugin's model may send messages elsewhere too: the user must see that
        remote = info.backend == "remote" or info.leaves_machine
        self.status.set_remote(remote, info.leaves_machine, info.device)
        self.backend_shown.emit(info)

    def start(self, model: str | None = None) -> None:
        """First load: ``model`` when the window was opened with one, else the chosen model,
        else the bundled demo."""
        self.catalog.refresh()
        if model is not None:
            self.refresh_picker()
            self.request(model)
            return
        try:
            path = self.app.models.resolve_path(None)
        except ModelError as exc:
            self.refresh_picker()
            self.message.emit(
                self.tr("{error}. Use Model > Open GGUF… to choose one.").format(error=exc), "error"
            )
            return
        self.refresh_picker()
        self.request(path)

    def request(self, path: str, reload: bool = False) -> None:
        if path == self.path and not reload and self.loader.busy:
            return
        if self._chat_busy():
            self._pending = path
            self.status.showMessage(
                self.tr("Switching to {model} when the reply finishes").format(
                    model=self.status.short_name(model_label(self.app.models, path))
                ),
                5000,
            )
            return
        self.path = path
        self.picker.set_current(path)
        self.path_changed.emit(path)
        self.status.set_loading(model_label(self.app.models, path))
        self.loader.load(path)

    def on_chat_idle(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self.request(pending, reload=True)

    def open_dialog(self, parent: QWidget) -> None:
        start = (
            str(Path(self.good_path).parent)
            if self.good_path and not self.app.models.is_bundled(self.good_path)
            else str(Path.home())
        )
        path = ask_for_gguf(parent, start)
        if path:
            self.request(path)

    def _on_inspected(self, inspection: Inspection) -> None:
        name = self.status.short_name(model_label(self.app.models, inspection.path))
        self.status.showMessage(f"{name}: {inspection.summary()}", 15000)
        self.status.model_label.setToolTip(f"{inspection.path}\n{inspection.summary()}")

    def _on_loaded(self, path: str, backend) -> None:
        self.good_path = path
        bundled = self.app.models.is_bundled(path)
        self._own_default = None if bundled else path
        self.settings.update(model_chosen(self._own_default))
        if bundled:
            self.message.emit(
                self.tr(
                    "SmolLM2 135M is a tiny offline demo model: it chats, but it gets facts and "
                    "arithmetic wrong. For real answers download a larger model from Model > "
                    "Library… (or `fireside models catalog`), e.g. Llama 3.2 3B, Qwen 2.5 7B or "
                    "Gemma 3 4B, or open a GGUF you have with Model > Open GGUF."
                ),
                "info",
            )
        else:
            self.message.emit("", "")
        self.refresh_picker()
        info = backend.description
        self._show_backend(path, info)
        loaded = (
            self.tr("Loaded {model} in {seconds} s") if info.load_s else self.tr("Loaded {model}")
        )
        self.status.showMessage(
            loaded.format(
                model=self.status.short_name(model_label(self.app.models, path)),
                seconds=f"{info.load_s or 0:.1f}",
            ),
            5000,
        )

    def _on_failed(self, path: str, message: str) -> None:
        name = model_label(self.app.models, path)
        self.message.emit(
            self.tr("Could not use {model}: {error}").format(model=name, error=message), "error"
        )
        self.status.clearMessage()
        if self.good_path and self.good_path != path:
            self.path = self.good_path
            self.picker.set_current(self.good_path)
            self.path_changed.emit(self.good_path)
            backend = self.app.models.current
            if self.app.models.is_remote(self.good_path):
                backend = self.app.models.remotes.opened(self.good_path)  # never the network
            elif self.app.models.plugins is not None:
                backend = self.app.models.plugins.opened(self.good_path) or backend
            if backend is not None:
                self._show_backend(self.good_path, backend.description)
            else:  # it was closed to make room for the failed one: bring it back
                self.request(self.good_path, reload=True)
        else:
            self.status.set_failed(name)
