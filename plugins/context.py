"""What the app lends a plugin when it loads: a folder, the settings, the secret store.

A built-in such as the web tools needs more than its own code: where to keep its cache, the
user's choices (which search engine), the API keys the user stored, and a way to read a PDF
it downloaded. The app builds one ``PluginContext`` and hands it to the ``register_tools``
and ``register_commands`` hooks of every plugin that asks for it; a manager built without one
(tests, embedding) hands an empty context, and a plugin must then fall back to defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fireside.secret_store import SecretStore


@dataclass
class PluginContext:
    """``settings()`` returns the live settings object (read it, never change it here);
    ``read_document(path)`` returns a document's text through the app's document loaders;
    ``words`` is the app's word segmenter (``index_text``/``query_words``, Chinese cut into
    words), for a plugin that keeps a keyword index of its own."""

    data_dir: Path | None = None
    settings: Callable[[], Any] | None = None
    secrets: SecretStore | None = None
    read_document: Callable[[Path], str] | None = None
    words: Any = None

    def section(self, name: str) -> Any:
        """A settings section by name, or None when the app lent no settings."""
        return getattr(self.settings(), name, None) if self.settings is not None else None
