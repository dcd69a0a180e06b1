"""Helpers shared by the document tests (importable, unlike conftest)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from fireside.assistant.documents.context import ContextQuery, DocumentsProvider
from fireside.assistant.documents.jobs import IndexJob
from fireside.assistant.documents.store import DocumentStore
from fireside.models.embedder import HashEmbedder

DATA = Path(__file__).resolve().parents[1] / "data" / "documents"
HASH = "hash-384"


class CountingEmbedder:
    """Wraps an embedder and counts what it was asked to encode."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.relevance_threshold = inner.relevance_threshold
        self.texts = 0
        self.fail_after: int | None = None

    def encode(self, texts, batch_size: int = 32) -> np.ndarray:
        if self.fail_after is not None and self.texts + len(texts) > self.fail_after:
            raise RuntimeError("embedder failed on purpose")
        self.texts += len(texts)
        return self.inner.encode(texts, batch_size)

    def encode_query(self, text: str) -> np.ndarray:
        return self.inner.encode_query(text)


def index(store: DocumentStore, paths, *, collection: str = "docs", embedder=None, **kw):
    """Index ``paths`` synchronously; returns the JobResult."""
    embedder = embedder or HashEmbedder(384)
    col = store.collection(collection, model=embedder.name)
    return IndexJob(store, col, paths, embedder=embedder, **kw).run()


def cli_add(tmp_path: Path, *names: str, collection: str = "deb") -> Path:
    """``fireside docs add`` of sample files (default the Debian CSV) into ``collection``,
    with the hashing embedder; returns the folder they were copied to."""
    from fireside.cli.main import main

    folder = tmp_path / "f"
    folder.mkdir()
    for name in names or ("csv/debian.csv",):
        shutil.copy(DATA / name, folder)
    assert main(["docs", "add", str(folder), "-C", collection, "--embedding-model", HASH]) == 0
    return folder


def cited_sources(store: DocumentStore, embedder, collection: str, question: str) -> list:
    """The sources a document answer to ``question`` would cite (none: "not in your
    documents"), through the app's own document path."""
    provider = DocumentsProvider(store, embedders={embedder.name: embedder})
    context = provider.context(
        ContextQuery(
            question=question,
            collections=[collection],
            prompt_budget=1500,
            count_text=lambda text: len(text) // 4,
            ask_model=lambda messages, n: "",
        )
    )
    return context.citations if context.text is not None else []
