"""Collect the window's strings into the ``.ts`` files, then compile them to ``.qm``.

    python desktop/i18n/update.py

``pyside6-lupdate`` reads every ``tr()`` / ``QCoreApplication.translate()`` /
``QT_TRANSLATE_NOOP()`` in ``desktop``: new strings appear in each ``.ts`` as
unfinished, strings no longer used are dropped, finished translations are kept. Translate
the unfinished ones (Qt Linguist: ``pyside6-linguist desktop/i18n/fireside_zh_CN.ts``,
or any text editor), run this again to compile, and commit the ``.ts`` and ``.qm`` files.
The English catalogue holds only plural forms ("%n file(s)" -> "1 file", "2 files").
The tests fail while a string has no translation or a ``.qm`` is older than its ``.ts``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE.parent  # desktop
TRANSLATED = ("zh_CN", "zh_TW")
PLURALS_ONLY = ("en",)


def catalogue(language: str, suffix: str = ".ts") -> Path:
    return HERE / f"fireside_{language}{suffix}"


def qt_tool(name: str) -> str:
    """The Linguist tool PySide6 ships (``lupdate``, ``lrelease``), else one on PATH."""
    import PySide6

    folder = Path(PySide6.__file__).resolve().parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if found is None:
        raise SystemExit(
            f"update.py: error: {name} not found; install PySide6 (pip install PySide6-Essentials)"
        )
    return found


def lupdate(language: str, ts: Path | None = None) -> Path:
    """Merge the strings now in the sources into ``ts`` (the language's own file by default)."""
    ts = ts or catalogue(language)
    args = [
        qt_tool("lupdate"),
        "-extensions",
        "py",
        "-locations",
        "none",
        "-no-obsolete",
        "-source-language",
        "en",
        "-target-language",
        language,
        "-silent",
    ]
    if language in PLURALS_ONLY:
        args.append("-pluralonly")
    subprocess.run([*args, str(SOURCES), "-ts", str(ts)], check=True)
    return ts


def lrelease(ts: Path, qm: Path | None = None) -> Path:
    qm = qm or ts.with_suffix(".qm")
    subprocess.run(
        [qt_tool("lrelease"), "-silent", "-nounfinished", str(ts), "-qm", str(qm)], check=True
    )
    return qm


def unfinished(ts: Path) -> list[str]:
    """Source texts of ``ts`` still waiting for a translation."""
    root = ET.parse(ts).getroot()
    return [
        message.findtext("source", "")
        for message in root.iter("message")
        if message.find("translation").get("type") == "unfinished"
    ]


def main() -> int:
    missing = 0
    for language in (*TRANSLATED, *PLURALS_ONLY):
        ts = lupdate(language)
        lrelease(ts)
        todo = unfinished(ts)
        missing += len(todo)
        state = f"{len(todo)} to translate" if todo else "complete"
        print(f"{ts.relative_to(SOURCES.parent.parent)}: {state}")
        for text in todo:
            print(f"    {text!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
