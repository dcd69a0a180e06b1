"""Which language the window speaks, and the Qt translators that make it so.

The language is chosen once at start-up, before any widget exists: a widget reads its
texts when it is built, so switching later would leave half the window in the old language
(hence "applies after a restart" in Settings). The system locale decides unless the user
picked a language in Settings. Qt's own dialogs and buttons (file dialogs, Save/Cancel)
come from Qt's catalogues, which PySide6 ships. English is the source language; its
catalogue only holds plural forms ("1 file", "2 files").
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

SYSTEM = "system"
ENGLISH = "en"
SIMPLIFIED = "zh_CN"
TRADITIONAL = "zh_TW"
LANGUAGES = (ENGLISH, SIMPLIFIED, TRADITIONAL)
# language names are written in their own language, so anyone can find theirs
LANGUAGE_NAMES = {ENGLISH: "English", SIMPLIFIED: "简体中文", TRADITIONAL: "繁體中文"}
CATALOGUE_DIR = Path(__file__).resolve().parent
TRADITIONAL_REGIONS = ("hant", "tw", "hk", "mo")
LANGUAGE_PROPERTY = "firesideLanguage"  # on the application: the language installed


def language_for_tag(tag: str) -> str | None:
    """The window language for a locale tag (``zh-Hant-HK``, ``zh_CN``, ``en-US``), if any."""
    parts = tag.replace("-", "_").replace(".", "_").lower().split("_")
    if parts[0] == "zh":
        if "hans" in parts:
            return SIMPLIFIED
        return TRADITIONAL if any(p in TRADITIONAL_REGIONS for p in parts[1:]) else SIMPLIFIED
    if parts[0] == "en":
        return ENGLISH
    return None


def resolve_language(choice: str, ui_languages: Iterable[str]) -> str:
    """The setting if it names a language, else the user's first preferred one we have."""
    if choice in LANGUAGES:
        return choice
    for tag in ui_languages:
        language = language_for_tag(tag)
        if language is not None:
            return language
    return ENGLISH


def window_language() -> str:
    """The language ``install_translators`` gave the window (English before it ran): what
    the window speaks, whatever the setting or the system locale say since."""
    app = QCoreApplication.instance()
    language = app.property(LANGUAGE_PROPERTY) if app is not None else None
    return language if language in LANGUAGES else ENGLISH


@dataclass
class Installed:
    """What ``install_translators`` did; ``remove`` undoes it (tests switch languages)."""

    language: str
    translators: list[QTranslator] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    previous_locale: QLocale | None = None
    previous_language: str | None = None

    def remove(self) -> None:
        for translator in self.translators:
            QCoreApplication.removeTranslator(translator)
            translator.deleteLater()
        self.translators.clear()
        app = QCoreApplication.instance()
        if app is not None:
            app.setProperty(LANGUAGE_PROPERTY, self.previous_language)
        if self.previous_locale is not None:
            QLocale.setDefault(self.previous_locale)
            self.previous_locale = None


def _load(app: QCoreApplication, name: str, folder: str, installed: Installed) -> None:
    translator = QTranslator(app)  # owned by the application, alive as long as it is
    if translator.load(name, folder) and app.installTranslator(translator):
        installed.translators.append(translator)
    else:
        installed.missing.append(str(Path(folder) / f"{name}.qm"))


def install_translators(
    app: QCoreApplication, choice: str = SYSTEM, system: QLocale | None = None
) -> Installed:
    """Install Fireside's and Qt's catalogues for ``choice`` (a setting) into ``app``.

    Call before building any widget. A missing catalogue leaves those texts in English
    and is reported on stderr; it never stops the app.
    """
    system = system if system is not None else QLocale.system()
    installed = Installed(resolve_language(choice, system.uiLanguages()))
    installed.previous_language = app.property(LANGUAGE_PROPERTY)
    app.setProperty(LANGUAGE_PROPERTY, installed.language)
    _load(app, f"fireside_{installed.language}", str(CATALOGUE_DIR), installed)
    if installed.language != ENGLISH:
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        _load(app, f"qtbase_{installed.language}", qt_dir, installed)
        installed.previous_locale = QLocale()
        QLocale.setDefault(QLocale(installed.language))
    for path in installed.missing:
        print(
            f"fireside: warning: no translation catalogue {path}; those texts stay in English",
            file=sys.stderr,
        )
    return installed


def chosen_language(choice: str) -> str:
    """The language the window speaks for the setting ``choice`` (as ``install_translators``
    chooses it at start-up): what the window's exports and assistants' titles are written in."""
    return resolve_language(choice, QLocale.system().uiLanguages())
