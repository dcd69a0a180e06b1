"""Preferences: system prompt, sampling, context, threads, GPU layers, KV cache, speculative
decoding and draft model, theme, language.

Sampling, context size and GPU layers belong to a model (a 135M demo and a 7B model want
different settings), so they are saved per model file; the system prompt, threads, theme and
language are global. The language is read once at start-up (see ``i18n.translators``), so a
new choice applies after a restart, and the dialog says so.

Settings may change while the dialog is open (another process, another part of the window):
``follow`` shows the new values in the fields the user has not touched. ``change()`` is the
settings change for Save: only the fields the user edited, so a value changed elsewhere
meanwhile is kept; ``needs_reload`` says whether the model must be reloaded for it (context,
threads, GPU layers or the idle unload changed).
"""

from __future__ import annotations

from typing import Any

from fireside.assistant import language as lang
from fireside.assistant.settings import Settings
from fireside.assistant.settings_store import Change
from fireside.desktop.i18n.translators import LANGUAGE_NAMES, SYSTEM, window_language
from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

RELOAD_FIELDS = {
    "n_ctx",
    "n_gpu_layers",
    "draft_model",
    "model.n_threads",
    "model.idle_unload_minutes",
    "model.kv_cache",
    "model.speculative",
}

KV_CACHES = [
    (QT_TRANSLATE_NOOP("SettingsDialog", "8-bit (half the memory)"), "q8_0"),
    (QT_TRANSLATE_NOOP("SettingsDialog", "16-bit"), "f16"),
]

WEB_ENGINES = [  # names of services: the same in every language
    ("DuckDuckGo", "duckduckgo"),
    ("SearXNG", "searxng"),
    ("Brave Search", "brave"),
    ("Tavily", "tavily"),
]

THEMES = [
    (QT_TRANSLATE_NOOP("SettingsDialog", "Follow system"), "system"),
    (QT_TRANSLATE_NOOP("SettingsDialog", "Light"), "light"),
    (QT_TRANSLATE_NOOP("SettingsDialog", "Dark"), "dark"),
]


def _spin(
    minimum: int, maximum: int, value: int, special: str | None = None, step: int = 1
) -> QSpinBox:
    box = QSpinBox(minimum=minimum, maximum=maximum, singleStep=step)
    if special:
        box.setSpecialValueText(special)
    box.setValue(value)
    return box


def _dspin(maximum: float, value: float, step: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox(minimum=0.0, maximum=maximum, singleStep=step, decimals=2)
    box.setValue(value)
    return box


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        model_path: str,
        model_label: str,
        gpu_supported: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(480)
        self.model_path = model_path

        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setFixedHeight(90)
        self.theme = QComboBox()
        for label, value in THEMES:
            self.theme.addItem(self.tr(label), value)
        self.language = QComboBox()
        self.language.addItem(self.tr("Follow system"), SYSTEM)
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language_note = QLabel(self.tr("A new language applies after Fireside restarts."))
        self.language_note.setWordWrap(True)
        self.language_note.setEnabled(False)  # drawn muted: a hint, not a warning
        language_box = QVBoxLayout()
        language_box.setContentsMargins(0, 0, 0, 0)
        language_box.addWidget(self.language)
        language_box.addWidget(self.language_note)
        self.threads = _spin(0, 256, 0, self.tr("auto"))
        self.idle_unload = _spin(0, 24 * 60, 0, self.tr("never"), step=5)
        self.idle_unload.setSuffix(self.tr(" min"))
        self.idle_unload.setToolTip(
            self.tr(
                "End the model's process after this long unused, so its memory returns to the "
                "system; the next message loads it again."
            )
        )
        self.kv_cache = QComboBox()
        for label, value in KV_CACHES:
            self.kv_cache.addItem(self.tr(label), value)
        self.kv_cache.setToolTip(
            self.tr("How the model's context is kept in memory; 8-bit needs half as much.")
        )
        self.speculative = QCheckBox(self.tr("Guess ahead (same answer, sooner)"))
        self.speculative.setToolTip(
            self.tr(
                "Words a reply may copy from the documents or earlier messages are checked "
                "several at a time; the answer is exactly the same."
            )
        )
        general = QGroupBox(self.tr("General"))
        form = QFormLayout(general)
        form.addRow(self.tr("System prompt\n(new chats)"), self.system_prompt)
        form.addRow(self.tr("Theme"), self.theme)
        form.addRow(self.tr("Language"), language_box)
        form.addRow(self.tr("CPU threads"), self.threads)
        form.addRow(self.tr("Context memory"), self.kv_cache)
        form.addRow(self.tr("Faster answers"), self.speculative)
        form.addRow(self.tr("Unload the model after"), self.idle_unload)

        self.temperature = _dspin(2.0, 0.0, 0.05)
        self.top_p = _dspin(1.0, 0.0, 0.05)
        self.top_k = _spin(0, 500, 0, self.tr("off"))
        self.max_tokens = _spin(1, 32768, 1, step=64)
        self.n_ctx = _spin(0, 262144, 0, self.tr("model default"), step=512)
        self.gpu_auto = QCheckBox(self.tr("Auto"))
        self.gpu_layers = _spin(-1, 999, 0, self.tr("all"))
        self.gpu_auto.toggled.connect(lambda on: self.gpu_layers.setEnabled(not on))
        gpu_row = QHBoxLayout()
        gpu_row.addWidget(self.gpu_auto)
        gpu_row.addWidget(self.gpu_layers, 1)
        per_model = QGroupBox(self.tr("For this model: {model}").format(model=model_label))
        form2 = QFormLayout(per_model)
        form2.addRow(self.tr("Temperature"), self.temperature)
        form2.addRow(self.tr("Top-p"), self.top_p)
        form2.addRow(self.tr("Top-k"), self.top_k)
        form2.addRow(self.tr("Max tokens"), self.max_tokens)
        form2.addRow(self.tr("Context size"), self.n_ctx)
        form2.addRow(self.tr("GPU layers"), gpu_row)
        self.draft_model = QLineEdit()
        self.draft_model.setPlaceholderText(self.tr("none: a small GGUF of the same family"))
        form2.addRow(self.tr("Draft model"), self.draft_model)
        if not gpu_supported:
            note = QLabel(
                self.tr("This build of llama.cpp runs on the CPU only; GPU layers are ignored.")
            )
            note.setWordWrap(True)
            form2.addRow(note)

        web = self._web_group()

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(general)
        layout.addWidget(per_model)
        layout.addWidget(web)
        layout.addWidget(buttons)

        self._show(self._values_of(settings))
        self._shown = self._values()  # as the fields read them back

    def _web_group(self) -> QGroupBox:
        """The web: off by default; which engine, where, in what language, what never."""
        self.web_enabled = QCheckBox(self.tr("Use the web in new chats (the globe by the box)"))
        self.web_engine = QComboBox()
        for label, value in WEB_ENGINES:
            self.web_engine.addItem(label, value)
        self.web_searxng = QLineEdit()
        self.web_searxng.setToolTip(
            self.tr("The address of your SearXNG instance, e.g. http://127.0.0.1:8888")
        )
        self.web_region = QLineEdit()
        self.web_region.setPlaceholderText(self.tr("e.g. us-en, cn-zh (empty: the engine's)"))
        self.web_language = QLineEdit()
        self.web_language.setPlaceholderText(self.tr("e.g. en, zh-CN (empty: the engine's)"))
        self.web_results = _spin(1, 20, 5)
        self.web_blocked = QLineEdit()
        self.web_blocked.setPlaceholderText(self.tr("domains, separated by commas"))
        note = QLabel(
            self.tr(
                "Each search and page read asks first. Brave and Tavily need an API key: "
                "fireside web use brave --api-key-stdin"
            )
        )
        note.setWordWrap(True)
        note.setEnabled(False)  # drawn muted: a hint
        group = QGroupBox(self.tr("Web"))
        form = QFormLayout(group)
        form.addRow(self.web_enabled)
        form.addRow(self.tr("Search engine"), self.web_engine)
        form.addRow(self.tr("SearXNG address"), self.web_searxng)
        form.addRow(self.tr("Region"), self.web_region)
        form.addRow(self.tr("Language"), self.web_language)
        form.addRow(self.tr("Results"), self.web_results)
        form.addRow(self.tr("Never search or read"), self.web_blocked)
        form.addRow(note)
        return group

    # -- the fields, as values keyed like the settings ----------------------------------------
    def _values_of(self, settings: Settings) -> dict[str, Any]:
        ms = settings.model_settings(self.model_path)
        sp = ms.sampling
        web = settings.web
        return {
            "web.enabled": web.enabled,
            "web.engine": web.engine,
            "web.searxng_url": web.searxng_url or "",
            "web.region": web.region,
            "web.language": web.language,
            "web.results": web.results,
            "web.blocked_domains": list(web.blocked_domains),
            # the default is shown as new chats use it: in the window's language
            "chat.system_prompt": lang.system_prompt_in(
                settings.chat.system_prompt, lang.from_locale(window_language())
            ).strip(),
            "window.theme": settings.window.theme,
            "window.language": settings.window.language,
            "model.n_threads": settings.model.n_threads,
            "model.idle_unload_minutes": settings.model.idle_unload_minutes,
            "model.kv_cache": settings.model.kv_cache,
            "model.speculative": settings.model.speculative,
            "draft_model": ms.draft_model,
            "sampling.temperature": round(sp.temperature, 2),
            "sampling.top_p": round(sp.top_p, 2),
            "sampling.top_k": sp.top_k,
            "sampling.max_tokens": sp.max_tokens,
            "n_ctx": ms.n_ctx,
            "n_gpu_layers": ms.n_gpu_layers,
        }

    def _values(self) -> dict[str, Any]:
        """What the fields say now."""
        blocked = [d.strip() for d in self.web_blocked.text().split(",") if d.strip()]
        return {
            "web.enabled": self.web_enabled.isChecked(),
            "web.engine": self.web_engine.currentData(),
            "web.searxng_url": self.web_searxng.text().strip(),
            "web.region": self.web_region.text().strip(),
            "web.language": self.web_language.text().strip(),
            "web.results": self.web_results.value(),
            "web.blocked_domains": blocked,
            "chat.system_prompt": self.system_prompt.toPlainText().strip(),
            "window.theme": self.theme.currentData(),
            "window.language": self.language.currentData(),
            "model.n_threads": self.threads.value() or None,
            "model.idle_unload_minutes": self.idle_unload.value(),
            "model.kv_cache": self.kv_cache.currentData(),
            "model.speculative": "auto" if self.speculative.isChecked() else "off",
            "draft_model": self.draft_model.text().strip() or None,
            "sampling.temperature": round(self.temperature.value(), 2),
            "sampling.top_p": round(self.top_p.value(), 2),
            "sampling.top_k": self.top_k.value(),
            "sampling.max_tokens": self.max_tokens.value(),
            "n_ctx": self.n_ctx.value() or None,
            "n_gpu_layers": "auto" if self.gpu_auto.isChecked() else self.gpu_layers.value(),
        }

    def _show(self, values: dict[str, Any]) -> None:
        setters = {
            "web.enabled": self.web_enabled.setChecked,
            "web.engine": lambda v: self.web_engine.setCurrentIndex(
                max(0, self.web_engine.findData(v))
            ),
            "web.searxng_url": self.web_searxng.setText,
            "web.region": self.web_region.setText,
            "web.language": self.web_language.setText,
            "web.results": self.web_results.setValue,
            "web.blocked_domains": lambda v: self.web_blocked.setText(", ".join(v)),
            "chat.system_prompt": self.system_prompt.setPlainText,
            "window.theme": lambda v: self.theme.setCurrentIndex(max(0, self.theme.findData(v))),
            "window.language": lambda v: self.language.setCurrentIndex(
                max(0, self.language.findData(v))
            ),
            "model.n_threads": lambda v: self.threads.setValue(v or 0),
            "model.idle_unload_minutes": self.idle_unload.setValue,
            "model.kv_cache": lambda v: self.kv_cache.setCurrentIndex(
                max(0, self.kv_cache.findData(v))
            ),
            "model.speculative": lambda v: self.speculative.setChecked(v != "off"),
            "draft_model": lambda v: self.draft_model.setText(v or ""),
            "sampling.temperature": self.temperature.setValue,
            "sampling.top_p": self.top_p.setValue,
            "sampling.top_k": self.top_k.setValue,
            "sampling.max_tokens": self.max_tokens.setValue,
            "n_ctx": lambda v: self.n_ctx.setValue(v or 0),
            "n_gpu_layers": self._show_gpu_layers,
        }
        for key, value in values.items():
            setters[key](value)

    def _show_gpu_layers(self, value: int | str) -> None:
        auto = value in (None, "auto")
        self.gpu_auto.setChecked(auto)
        self.gpu_layers.setValue(0 if auto else int(value))
        self.gpu_layers.setEnabled(not auto)

    # -- following and saving ---------------------------------------------------------------
    def edits(self) -> dict[str, Any]:
        """The fields the user changed since they were shown."""
        return {k: v for k, v in self._values().items() if v != self._shown[k]}

    def follow(self, settings: Settings) -> None:
        """Show values changed elsewhere, in the fields the user has not edited."""
        edited = self.edits()
        fresh = {
            k: v
            for k, v in self._values_of(settings).items()
            if k not in edited and v != self._shown[k]
        }
        self._show(fresh)
        now = self._values()
        self._shown.update({k: now[k] for k in fresh})

    def needs_reload(self) -> bool:
        """Whether the loaded model must be reloaded to honour the edits."""
        return bool(RELOAD_FIELDS & set(self.edits()))

    def change(self) -> Change:
        """The settings change for Save: the edited fields only (taken now, off the widgets)."""
        edits = self.edits()
        path = self.model_path

        def change(settings: Settings) -> None:
            ms = settings.model_settings(path)
            for key, value in edits.items():
                if key.startswith("sampling."):
                    setattr(ms.sampling, key.removeprefix("sampling."), value)
                elif "." not in key:
                    setattr(ms, key, value)
                else:
                    section, name = key.split(".", 1)
                    if key == "web.searxng_url":
                        value = value or None
                    setattr(getattr(settings, section), name, value)
            if any(key.startswith("sampling.") or "." not in key for key in edits):
                settings.set_model_settings(path, ms)

        return change
