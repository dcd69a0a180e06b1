"""Opening the documents store; the loader registry of plugins comes with the app.

``fireside.assistant.app.App`` owns one store (``documents_store``) and one loader registry
(``loaders``, built-ins plus the loaders of enabled plugins) for every front end.
"""

from __future__ import annotations

from fireside.assistant.documents.jobs import DEFAULT_COLLECTION
from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.settings import Paths

__all__ = ["DEFAULT_COLLECTION", "open_store"]


def open_store(paths: Paths | None = None) -> DocumentStore:
    paths = (paths or Paths.from_env()).ensure()
    return DocumentStore(paths.documents_db)
