"""The real window in Simplified Chinese, Traditional Chinese and English.

The system locale is read once per process, so the tests where LANG decides start the app
in a child process (``tests/desktop/window_texts.py``, through the app's own start-up
path). The tests that drive the window here choose the language through the setting, the
same ``install_translators`` call the app makes at start-up, before the window is built.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.settings import Paths
from fireside.assistant.settings_store import SettingsStore
from fireside.desktop.i18n.translators import install_translators
from fireside.desktop.settings_dialog import SettingsDialog
from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox

from tests.desktop.helpers import wait_idle, wait_loaded
from tests.desktop.window_texts import window_texts

ROOT = Path(__file__).resolve().parents[2]
SMALL_FILE = ROOT / "tests" / "data" / "documents" / "csv" / "debian.csv"
CJK = re.compile(r"[\u4e00-\u9fff]")

SIMPLIFIED_MENUS = ["对话(&C)", "工具(&T)", "模型(&M)", "帮助(&H)"]
TRADITIONAL_MENUS = ["對話(&C)", "工具(&T)", "模型(&M)", "說明(&H)"]
ENGLISH_MENUS = ["&Chat", "&Tools", "&Model", "&Help"]


@pytest.fixture
def speak(qapp):
    """Install a language the way start-up does; taken out again after the test."""
    installed = []

    def use(choice: str, system: QLocale | None = None):
        result = install_translators(qapp, choice, system)
        installed.append(result)
        return result

    yield use
    for result in installed:
        result.remove()


def _when_dialog_opens(action) -> None:
    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, SettingsDialog):
            action(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def run_window(tmp_path: Path, lang: str, setting: str | None = None) -> dict:
    """The real app's start-up and window in a child process with ``LANG=lang``."""
    home = tmp_path / f"home-{lang}-{setting}"
    if setting is not None:
        paths = Paths.under(home).ensure()
        SettingsStore(paths.settings_file).set("window.language", setting)
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env.update(
        LANG=lang,
        FIRESIDE_HOME=str(home),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    proc = subprocess.run(
        [sys.executable, "-m", "tests.desktop.window_texts"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- the system locale decides ----------------------------------------------------------------


def test_lang_zh_cn_gives_a_simplified_chinese_window(tmp_path):
    texts = run_window(tmp_path, "zh_CN.UTF-8")
    assert texts["menus"] == SIMPLIFIED_MENUS
    assert texts["chat_menu"] == [
        "新建对话",
        "用助手开始新对话",
        "搜索对话",
        "停止回复",
        "导出…",
        "导出全部对话…",
        "导入…",
        "设置…",
        "退出",
    ]
    assert texts["placeholder"] == "给助手发消息 — Enter 发送，Shift+Enter 换行"
    assert texts["send"] == "发送" and texts["new_chat"].endswith("新建对话")
    assert texts["search"].startswith("搜索对话") and texts["status"] == "未加载模型"
    settings = texts["settings"]
    assert settings["title"] == "设置" and settings["groups"][0] == "常规"
    assert {"系统提示词\n（用于新对话）", "主题", "语言", "温度", "上下文长度"} <= set(
        settings["labels"]
    )
    assert settings["languages"] == ["跟随系统", "English", "简体中文", "繁體中文"]
    assert "更改语言后需重新启动 Fireside 才能生效。" in settings["labels"]
    assert settings["buttons"] == ["保存", "取消"]  # Qt's own texts, from Qt's catalogue
    docs = texts["documents"]
    assert docs["title"] == "文档" and docs["headers"] == ["文件", "状态", "分块"]
    assert {"新建文档集…", "添加文件…", "添加文件夹…"} <= set(docs["buttons"])


def test_lang_zh_tw_gives_a_traditional_chinese_window(tmp_path):
    texts = run_window(tmp_path, "zh_TW.UTF-8")
    assert texts["menus"] == TRADITIONAL_MENUS
    assert texts["chat_menu"] == [
        "新增對話",
        "用助理開始新對話",
        "搜尋對話",
        "停止回覆",
        "匯出…",
        "匯出全部對話…",
        "匯入…",
        "設定…",
        "結束",
    ]
    assert texts["placeholder"] == "傳訊息給助理 — Enter 傳送，Shift+Enter 換行"
    assert texts["settings"]["title"] == "設定"
    assert texts["settings"]["buttons"] == ["儲存", "取消"]
    assert texts["documents"]["title"] == "文件"
    assert texts["documents"]["headers"] == ["檔案", "狀態", "區塊"]
    assert "加入資料夾…" in texts["documents"]["buttons"]


def test_lang_zh_hk_reads_traditional_too(tmp_path):
    assert run_window(tmp_path, "zh_HK.UTF-8")["menus"] == TRADITIONAL_MENUS


def test_lang_en_us_leaves_the_window_in_english(tmp_path):
    texts = run_window(tmp_path, "en_US.UTF-8")
    assert texts["menus"] == ENGLISH_MENUS
    assert texts["chat_menu"] == [
        "New chat",
        "New chat with assistant",
        "Search chats",
        "Stop reply",
        "Export…",
        "Export all chats…",
        "Import…",
        "Settings…",
        "Quit",
    ]
    assert texts["placeholder"] == (
        "Message the assistant — Enter to send, Shift+Enter for a new line"
    )
    assert texts["settings"]["title"] == "Settings"
    assert texts["settings"]["buttons"] == ["Save", "Cancel"]
    assert texts["documents"]["headers"] == ["File", "Status", "Chunks"]
    assert not any(CJK.search(t) for t in texts["chat_menu"] + texts["documents"]["buttons"])


def test_the_language_setting_beats_the_system_locale(tmp_path):
    assert run_window(tmp_path, "en_US.UTF-8", setting="zh_TW")["menus"] == TRADITIONAL_MENUS
    assert run_window(tmp_path, "zh_CN.UTF-8", setting="en")["menus"] == ENGLISH_MENUS
    assert run_window(tmp_path, "zh_TW.UTF-8", setting="zh_CN")["menus"] == SIMPLIFIED_MENUS


# -- the window, driven ---------------------------------------------------------------------


def test_simplified_chinese_window_chats_and_changes_language_in_settings(
    qtbot, scripted, make_window, speak
):
    assert speak("zh_CN").language == "zh_CN"
    window = make_window(scripted)
    assert [a.text() for a in window.menuBar().actions()] == SIMPLIFIED_MENUS
    assert window.panel.composer.box.placeholderText().startswith("给助手发消息")
    wait_loaded(qtbot, window)
    assert window.status.context_label.text().startswith("上下文 ")

    box = window.panel.composer.box
    box.setFocus()
    box.setPlainText("你好，请介绍一下你自己")  # typed through an input method, not key by key
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert window.panel.controller.busy and window.panel.composer.button.text() == "停止"
    wait_idle(qtbot, window)
    assert window.panel.composer.button.text() == "发送"
    row = window.panel.model.rowCount() - 1
    item = window.panel.model.item(row)
    assert item.text == "Hello there!"
    footer = window.panel.view.visualRect(window.panel.model.index(row))
    labels = [
        label
        for _key, label, _rect in window.panel.delegate._footer_layout(
            item, window.panel.model.versions(row), footer
        )
    ]
    assert labels[:2] == ["复制", "重新生成"]

    seen = {}

    def choose_traditional(dialog: SettingsDialog) -> None:
        seen["title"] = dialog.windowTitle()
        seen["note"] = dialog.language_note.text()
        seen["languages"] = [dialog.language.itemText(i) for i in range(dialog.language.count())]
        dialog.language.setCurrentIndex(dialog.language.findData("zh_TW"))
        dialog.accept()

    _when_dialog_opens(choose_traditional)
    window.open_settings()  # Ctrl+, ; modal until accepted
    assert seen == {
        "title": "设置",
        "note": "更改语言后需重新启动 Fireside 才能生效。",
        "languages": ["跟随系统", "English", "简体中文", "繁體中文"],
    }
    assert scripted.settings.window.language == "zh_TW"
    # saved for the next start, which is when it applies: this window stays as it was
    qtbot.waitUntil(lambda: not window.settings_bridge.busy)
    again = build_app()
    try:
        assert again.settings.window.language == "zh_TW"
    finally:
        again.close()
    assert [a.text() for a in window.menuBar().actions()] == SIMPLIFIED_MENUS


def test_documents_panel_in_chinese_indexes_a_real_file(qtbot, scripted, make_window, speak):
    speak("zh_CN")
    window = make_window(scripted, start=False)
    window.toggle_documents()
    dock = window.docs_dock
    qtbot.waitUntil(lambda: dock.panel is not None, timeout=10_000)
    panel = dock.panel
    assert dock.windowTitle() == "文档"
    assert dock.use_in_chat.text() == "在当前对话中使用此文档集（注明来源）"
    assert panel.add_paths([SMALL_FILE])
    assert panel.progress_label.text() == "正在准备为 1 项编制索引…"
    qtbot.waitUntil(lambda: not panel.busy, timeout=120_000)
    assert dict(panel.rows()) == {"debian.csv": "已编入索引"}
    assert panel.combo.currentText() == "default（1 个文档）"
    assert panel.progress_label.text() == "已完成：1 个文件中 1 个已编入索引，0 个未编入。"
    dock.shutdown()


def test_traditional_chinese_window_and_qts_own_dialogs(qtbot, scripted, make_window, speak):
    speak("zh_TW")
    window = make_window(scripted, start=False)
    texts = window_texts(window)
    assert texts["menus"] == TRADITIONAL_MENUS
    assert texts["send"] == "傳送" and texts["documents_button"] == "文件"
    assert texts["settings"]["themes"] == ["跟隨系統", "淺色", "深色"]
    window.docs_dock.shutdown()

    box = QMessageBox(
        QMessageBox.Icon.Question,
        "x",
        "y",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        window,
    )
    assert all(CJK.search(b.text()) for b in box.buttons()), [b.text() for b in box.buttons()]
    box.deleteLater()
    files = QFileDialog(window)
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    label = files.findChild(QLabel, "fileNameLabel")
    assert label is not None and CJK.search(label.text()), label.text() if label else None
    # a text Qt's own catalogue lacks, filled in by ours
    assert files.findChild(QLabel, "lookInLabel").text() == "搜尋位置(&L)："
    files.deleteLater()


def test_english_window_is_unchanged(qtbot, scripted, make_window, speak):
    assert speak("system", QLocale("en_US")).language == "en"
    window = make_window(scripted, start=False)
    texts = window_texts(window)
    assert texts["menus"] == ENGLISH_MENUS
    assert texts["new_chat"] == "＋  New chat" and texts["send"] == "Send"
    assert texts["documents_button"] == "Documents"
    assert texts["settings"]["languages"] == ["Follow system", "English", "简体中文", "繁體中文"]
    window.docs_dock.shutdown()


def test_a_chinese_window_shows_and_uses_the_default_system_prompt_in_chinese(
    qtbot, scripted, make_window, speak
):
    speak("zh_TW")
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    traditional = "你是一個樂於助人的助手。"
    seen = {}

    def look_and_save(dialog: SettingsDialog) -> None:
        seen["prompt"] = dialog.system_prompt.toPlainText()
        dialog.accept()  # Save, the prompt untouched

    _when_dialog_opens(look_and_save)
    window.open_settings()
    assert seen == {"prompt": traditional}
    qtbot.waitUntil(lambda: not window.settings_bridge.busy)
    assert scripted.settings.chat.system_prompt == "You are a helpful assistant."  # not rewritten

    window.panel.send("Hello")  # an English word in the Chinese window: the window decides
    wait_idle(qtbot, window)
    system = scripted.models._backend.calls[-1][0]
    assert system == {"role": "system", "content": traditional}
    conv = scripted.history.get_conversation(window.panel.conversation_id)
    assert conv.system_prompt == traditional

    # a prompt the user wrote is shown and used as written
    scripted.settings_store.set("chat.system_prompt", "Answer like a pirate.")
    _when_dialog_opens(
        lambda dialog: (seen.update(mine=dialog.system_prompt.toPlainText()), dialog.reject())
    )
    window.open_settings()
    assert seen["mine"] == "Answer like a pirate."
    window.new_chat()
    window.panel.send("Hello")
    wait_idle(qtbot, window)
    assert scripted.models._backend.calls[-1][0]["content"] == "Answer like a pirate."
