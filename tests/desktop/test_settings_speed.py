"""The Settings dialog's KV cache, speculation and draft model fields change the settings."""

from __future__ import annotations

from fireside.assistant.settings import Settings
from fireside.desktop.settings_dialog import SettingsDialog


def test_speed_fields_round_trip(qtbot, smollm_path, tmp_path):
    settings = Settings()
    path = str(smollm_path)
    dialog = SettingsDialog(settings, path, "SmolLM2", gpu_supported=False)
    qtbot.addWidget(dialog)
    assert dialog.kv_cache.currentData() == "q8_0"
    assert dialog.speculative.isChecked()
    assert dialog.draft_model.text() == ""
    assert not dialog.needs_reload()

    draft = str(tmp_path / "draft.gguf")
    dialog.kv_cache.setCurrentIndex(dialog.kv_cache.findData("f16"))
    dialog.speculative.setChecked(False)
    dialog.draft_model.setText(draft)
    assert dialog.needs_reload()
    dialog.change()(settings)
    assert settings.model.kv_cache == "f16"
    assert settings.model.speculative == "off"
    assert settings.model_settings(path).draft_model == draft
    assert settings.model_settings("other.gguf").draft_model is None  # per model

    again = SettingsDialog(settings, path, "SmolLM2", gpu_supported=False)
    qtbot.addWidget(again)
    assert again.kv_cache.currentData() == "f16"
    assert not again.speculative.isChecked()
    assert again.draft_model.text() == draft
