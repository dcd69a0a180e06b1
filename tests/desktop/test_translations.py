"""The translation catalogues are complete, compiled and consistent with the sources.

Three independent views of "every string of the window is translated": the strings Python's
own parser finds in ``tr()`` / ``translate()`` calls, the strings ``pyside6-lupdate``
extracts, and the committed ``.ts`` files. A string added to the window without running
``desktop/i18n/update.py`` and translating it fails here, as does a ``.qm`` that
was not rebuilt after its ``.ts`` changed, or a window text that bypasses ``tr()``.
"""

from __future__ import annotations

import ast
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fireside.desktop.i18n import update
from fireside.desktop.i18n.translators import (
    CATALOGUE_DIR,
    ENGLISH,
    SIMPLIFIED,
    TRADITIONAL,
    install_translators,
    language_for_tag,
    resolve_language,
)
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

DESKTOP = Path(update.SOURCES)
CHINESE = (SIMPLIFIED, TRADITIONAL)
PLACEHOLDER = re.compile(r"\{\w*\}|%n")
CJK = re.compile(r"[\u4e00-\u9fff]")


def read_ts(path: Path) -> dict[tuple[str, str], dict]:
    """(context, source) -> {"numerus": bool, "finished": bool, "forms": [translations]}."""
    messages = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            numerus = message.get("numerus") == "yes"
            forms = (
                [f.text or "" for f in translation.iter("numerusform")]
                if numerus
                else [translation.text or ""]
            )
            messages[(name, message.findtext("source"))] = {
                "numerus": numerus,
                "finished": translation.get("type") not in ("unfinished", "vanished", "obsolete"),
                "forms": forms,
            }
    return messages


def strings_in_sources() -> dict[tuple[str, str], str]:
    """(context, source) -> file, for every literal in tr / translate / QT_TRANSLATE_NOOP."""
    found: dict[tuple[str, str], str] = {}

    def text(node) -> str | None:
        return (
            node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
        )

    def visit(node, cls: str | None, path: Path) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.ClassDef) else cls
            if isinstance(child, ast.Call):
                func = child.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                args = child.args
                if name == "tr" and args and text(args[0]) is not None:
                    found[(cls, text(args[0]))] = path.name
                elif (
                    name in ("translate", "QT_TRANSLATE_NOOP")
                    and len(args) >= 2
                    and text(args[0]) is not None
                    and text(args[1]) is not None
                ):
                    found[(text(args[0]), text(args[1]))] = path.name
            visit(child, inner, path)

    for path in sorted(DESKTOP.rglob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), None, path)
    return found


@pytest.fixture(scope="module")
def catalogues() -> dict[str, dict]:
    return {lang: read_ts(update.catalogue(lang)) for lang in (*CHINESE, ENGLISH)}


def test_every_string_of_the_window_is_translated_into_both_chinese(catalogues):
    sources = strings_in_sources()
    assert len(sources) > 150  # the whole window, not a sample
    for language in CHINESE:
        ts = catalogues[language]
        missing = [f"{file}: {key}" for key, file in sources.items() if key not in ts]
        assert not missing, f"not in fireside_{language}.ts (run i18n/update.py): {missing}"
        unfinished = [key for key, m in ts.items() if not m["finished"] or not all(m["forms"])]
        assert not unfinished, f"untranslated in fireside_{language}.ts: {unfinished}"
        stale = [key for key in ts if key not in sources]
        assert not stale, f"strings no longer in the window: {stale}"


def test_lupdate_finds_nothing_new(tmp_path, catalogues):
    """What the Qt tool extracts today is exactly what the committed catalogues hold."""
    for language in (*CHINESE, ENGLISH):
        copy = tmp_path / update.catalogue(language).name
        shutil.copyfile(update.catalogue(language), copy)
        update.lupdate(language, copy)
        fresh = read_ts(copy)
        assert fresh.keys() == catalogues[language].keys(), language
        assert [k for k, m in fresh.items() if not m["finished"]] == [], language


def test_placeholders_survive_translation(catalogues):
    """A translation keeps every ``{name}`` and ``%n`` of its source, and adds none."""
    for language, ts in catalogues.items():
        for (context, source), message in ts.items():
            want = sorted(PLACEHOLDER.findall(source))
            for form in message["forms"]:
                got = sorted(PLACEHOLDER.findall(form))
                if message["numerus"]:  # a plural form may spell the number out
                    got, want_here = [p for p in got if p != "%n"], [p for p in want if p != "%n"]
                else:
                    want_here = want
                assert got == want_here, (language, context, source, form)


def test_chinese_translations_are_chinese_and_traditional_is_not_a_copy(catalogues):
    simplified, traditional = catalogues[SIMPLIFIED], catalogues[TRADITIONAL]
    words = [form for m in simplified.values() for form in m["forms"]]
    assert sum(bool(CJK.search(w)) for w in words) > 0.9 * len(words)
    differ = sum(simplified[k]["forms"] != traditional[k]["forms"] for k in simplified)
    assert differ > 0.8 * len(simplified)
    # Taiwan's own words, not Simplified characters converted one by one
    expected = {
        ("MainWindow", "New chat"): ("新建对话", "新增對話"),
        ("MainWindow", "Settings…"): ("设置…", "設定…"),
        ("DocumentsPanel", "File"): ("文件", "檔案"),
        ("DocumentsPanel", "Add folder…"): ("添加文件夹…", "加入資料夾…"),
        ("DocumentsDock", "Documents"): ("文档", "文件"),
        ("MarkdownRenderer", "code"): ("代码", "程式碼"),
        ("SourceViewer", "Open in default app"): ("用默认应用打开", "以預設應用程式開啟"),
        ("InputBox", "Message the assistant — Enter to send, Shift+Enter for a new line"): (
            "给助手发消息 — Enter 发送，Shift+Enter 换行",
            "傳訊息給助理 — Enter 傳送，Shift+Enter 換行",
        ),
    }
    for key, (cn, tw) in expected.items():
        assert (simplified[key]["forms"], traditional[key]["forms"]) == ([cn], [tw]), key


@pytest.mark.parametrize("language", [SIMPLIFIED, TRADITIONAL, ENGLISH])
def test_each_qm_is_built_from_its_current_ts(qapp, catalogues, language):
    """Loading the committed .qm gives back every translation its .ts holds today."""
    translator = QTranslator()
    assert translator.load(f"fireside_{language}", str(CATALOGUE_DIR))
    for (context, source), message in catalogues[language].items():
        if message["numerus"]:
            counts = (1, 2) if language == ENGLISH else (3,)
            for form, n in zip(message["forms"], counts, strict=False):
                assert translator.translate(context, source, None, n) == form, (context, source)
        else:
            assert translator.translate(context, source) == message["forms"][0], source


def test_english_plurals(qapp):
    installed = install_translators(qapp, ENGLISH)
    try:

        def text(n: int) -> str:
            return QCoreApplication.translate(
                "DocumentsPanel", "Preparing to index %n item(s)…", "", n
            )

        assert (text(1), text(3)) == ("Preparing to index 1 item…", "Preparing to index 3 items…")
    finally:
        installed.remove()


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["zh-Hans-CN", "zh-CN", "zh"], SIMPLIFIED),
        (["zh-Hant-TW", "zh-TW", "zh"], TRADITIONAL),
        (["zh-Hant-HK", "zh-HK"], TRADITIONAL),
        (["zh-MO"], TRADITIONAL),
        (["zh-Hans-SG"], SIMPLIFIED),
        (["zh"], SIMPLIFIED),
        (["en-Latn-US", "en-US", "en"], ENGLISH),
        (["fr-FR", "fr", "zh-Hant-TW"], TRADITIONAL),  # first language we have, in order
        (["de-DE", "ja-JP"], ENGLISH),
        (["C"], ENGLISH),
        ([], ENGLISH),
    ],
)
def test_the_system_language_decides(tags, expected):
    assert resolve_language("system", tags) == expected


def test_the_setting_overrides_the_system():
    assert resolve_language("en", ["zh-Hans-CN"]) == ENGLISH
    assert resolve_language("zh_TW", ["en-US"]) == TRADITIONAL
    assert resolve_language("zh_CN", ["zh-Hant-TW"]) == SIMPLIFIED
    assert resolve_language("klingon", ["zh-TW"]) == TRADITIONAL  # unknown: the system's
    assert language_for_tag("zh_TW.UTF-8") == TRADITIONAL


def test_qts_own_dialog_texts_are_translated_too(qapp):
    installed = install_translators(qapp, "system", QLocale("zh_TW"))
    try:
        assert installed.language == TRADITIONAL and not installed.missing
        assert len(installed.translators) == 2  # Fireside's and Qt's own
        save = QCoreApplication.translate("QPlatformTheme", "Save")
        assert CJK.search(save), save
    finally:
        installed.remove()
    assert QCoreApplication.translate("QPlatformTheme", "Save") == "Save"


# -- nothing shown in the window bypasses tr() ---------------------------------------------

SHOWS_TEXT = {
    "setText",
    "setToolTip",
    "setPlaceholderText",
    "setWindowTitle",
    "addAction",
    "addMenu",
    "addItem",
    "addRow",
    "setSpecialValueText",
    "showMessage",
    "show_message",
    "setHorizontalHeaderLabels",
    "setStatusTip",
    "setWhatsThis",
    "critical",
    "warning",
    "information",
    "question",
    "about",
    "getText",
    "getOpenFileName",
    "getOpenFileNames",
    "getSaveFileName",
    "getExistingDirectory",
    "QLabel",
    "QPushButton",
    "QToolButton",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QAction",
    "QDockWidget",
    "QTreeWidgetItem",
    "QTableWidgetItem",
    "QMessageBox",
    "TurnError",
    "fail_live",
    "setPlainText",
}
TEXT_KEYWORDS = {"text", "toolTip", "placeholderText", "windowTitle", "title", "statusTip"}
PRODUCT = re.compile(r"\bFireside\b")  # the name is not translated


def _words(node) -> bool:
    """A literal a person would read: letters, and not a lowercase code like "error"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        value = PRODUCT.sub("", node.value).strip()
        return bool(re.search(r"[A-Za-z]{2,}", value)) and not re.fullmatch(r"[a-z_]+", value)
    if isinstance(node, ast.JoinedStr):
        return any(_words(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, (ast.List, ast.Tuple)):
        return any(_words(e) for e in node.elts)
    if isinstance(node, ast.IfExp):
        return _words(node.body) or _words(node.orelse)
    if isinstance(node, ast.BinOp):
        return _words(node.left) or _words(node.right)
    return False


def test_no_window_text_bypasses_translation():
    raw = []
    for path in sorted(DESKTOP.rglob("*.py")):
        if path.parent.name == "i18n":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                receiver = getattr(getattr(func, "value", None), "id", "")
                if receiver in ("log", "logger", "logging"):
                    continue  # the log file is for bug reports, in English
                if name in SHOWS_TEXT:
                    raw += [
                        f"{path.name}:{node.lineno}: {ast.unparse(a)}"
                        for a in node.args
                        if _words(a)
                    ]
                if name == "emit" and node.args and _words(node.args[0]):
                    raw.append(f"{path.name}:{node.lineno}: {ast.unparse(node.args[0])}")
                raw += [
                    f"{path.name}:{node.lineno}: {k.arg}={ast.unparse(k.value)}"
                    for k in node.keywords
                    if k.arg in TEXT_KEYWORDS and _words(k.value)
                ]
            elif isinstance(node, ast.Assign) and _words(node.value):
                raw += [
                    f"{path.name}:{node.lineno}: {t.attr} = {ast.unparse(node.value)}"
                    for t in node.targets
                    if isinstance(t, ast.Attribute)
                    and re.search("text|placeholder|title|label", t.attr)
                ]
    assert not raw, "wrap these in self.tr() / QCoreApplication.translate():\n" + "\n".join(raw)
