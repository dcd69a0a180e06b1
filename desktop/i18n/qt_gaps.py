"""Texts of Qt's own dialogs that Qt's Chinese catalogues miss, translated here instead.

Qt 6 added accelerators to two labels of its file dialog ("&Look in:", "Files of &type:")
and its catalogues still hold only the old texts, so Open GGUF and Add files showed them in
English. Marking them here puts them in Fireside's catalogues; Qt asks every installed
translator, so ours answers where Qt's has nothing. Nothing imports this module.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

QT_FILE_DIALOG = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
)
