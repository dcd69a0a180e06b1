"""Model names as the window shows them: the core's, in the window's language.

The core names the bundled model "SmolLM2 135M (bundled demo model)" for the command line,
which stays English; the window says the same in the language it runs in.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def model_label(models, path: str) -> str:
    """``models`` is the app's ``ModelManager``."""
    if models.is_bundled(path):
        return QCoreApplication.translate("ModelNames", "SmolLM2 135M (bundled demo model)")
    return models.describe(path)
