"""Preferences: system prompt, sampling, context, threads, GPU layers, theme, language.

Sampling, context size and GPU layers belong to a model (a 135M demo and a 7B model want
different settings), so they are saved per model file; the system prompt, threads, theme and
language are global. The language is read once at start-up (see ``i18n.translators``), so a
new choice applies after a restart, and the dialog says so. ``apply_to`` writes the choices
into ``Settings`` and says whether the model must be reloaded (context, threads or GPU layers
changed).
"""

from __future__ import annotations

from fireside.assistant.settings import Settings
from fireside.desktop.i18n.translators import LANGUAGE_NAMES, SYSTEM
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
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

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
        ms = settings.model_settings(model_path)
        sp = ms.sampling

        self.system_prompt = QPlainTextEdit(settings.system_prompt)
        self.system_prompt.setFixedHeight(90)
        self.theme = QComboBox()
        for label, value in THEMES:
            self.theme.addItem(self.tr(label), value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        self.language = QComboBox()
        self.language.addItem(self.tr("Follow system"), SYSTEM)
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.ui_language)))
        self.language_note = QLabel(self.tr("A new language applies after Fireside restarts."))
        self.language_note.setWordWrap(True)
        self.language_note.setEnabled(False)  # drawn muted: a hint, not a warning
        language_box = QVBoxLayout()
        language_box.setContentsMargins(0, 0, 0, 0)
        language_box.addWidget(self.language)
        language_box.addWidget(self.language_note)
        self.threads = _spin(0, 256, settings.n_threads or 0, self.tr("auto"))
        self.idle_unload = _spin(0, 24 * 60, settings.idle_unload_minutes, self.tr("never"), step=5)
        self.idle_unload.setSuffix(self.tr(" min"))
        self.idle_unload.setToolTip(
            self.tr(
                "End the model's process after this long unused, so its memory returns to the "
                "system; the next message loads it again."
            )
        )
        general = QGroupBox(self.tr("General"))
        form = QFormLayout(general)
        form.addRow(self.tr("System prompt\n(new chats)"), self.system_prompt)
        form.addRow(self.tr("Theme"), self.theme)
        form.addRow(self.tr("Language"), language_box)
        form.addRow(self.tr("CPU threads"), self.threads)
        form.addRow(self.tr("Unload the model after"), self.idle_unload)

        self.temperature = _dspin(2.0, sp.temperature, 0.05)
        self.top_p = _dspin(1.0, sp.top_p, 0.05)
        self.top_k = _spin(0, 500, sp.top_k, self.tr("off"))
        self.max_tokens = _spin(1, 32768, sp.max_tokens, step=64)
        self.n_ctx = _spin(0, 262144, ms.n_ctx or 0, self.tr("model default"), step=512)
        auto = ms.n_gpu_layers in (None, "auto")
        self.gpu_auto = QCheckBox(self.tr("Auto"), checked=auto)
        self.gpu_layers = _spin(-1, 999, 0 if auto else int(ms.n_gpu_layers), self.tr("all"))
        self.gpu_layers.setEnabled(not auto)
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
        if not gpu_supported:
            note = QLabel(
                self.tr("This build of llama.cpp runs on the CPU only; GPU layers are ignored.")
            )
            note.setWordWrap(True)
            form2.addRow(note)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(general)
        layout.addWidget(per_model)
        layout.addWidget(buttons)

    def apply_to(self, settings: Settings) -> bool:
        """Write the choices; True when the loaded model must be reloaded to honour them."""
        ms = settings.model_settings(self.model_path)
        before = (ms.n_ctx, str(ms.n_gpu_layers), settings.n_threads, settings.idle_unload_minutes)
        settings.idle_unload_minutes = self.idle_unload.value()
        settings.system_prompt = self.system_prompt.toPlainText().strip()
        settings.theme = self.theme.currentData()
        settings.ui_language = self.language.currentData()
        settings.n_threads = self.threads.value() or None
        ms.sampling.temperature = round(self.temperature.value(), 2)
        ms.sampling.top_p = round(self.top_p.value(), 2)
        ms.sampling.top_k = self.top_k.value()
        ms.sampling.max_tokens = self.max_tokens.value()
        ms.n_ctx = self.n_ctx.value() or None
        ms.n_gpu_layers = "auto" if self.gpu_auto.isChecked() else self.gpu_layers.value()
        settings.set_model_settings(self.model_path, ms)
        return before != (
            ms.n_ctx,
            str(ms.n_gpu_layers),
            settings.n_threads,
            settings.idle_unload_minutes,
        )
