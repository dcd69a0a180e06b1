"""Fixtures for document tests: the real sample files, a store per test, and embedders.

Most tests use the hashing embedder (instant, deterministic); tests marked ``slow`` use the
real packaged all-MiniLM-L6-v2 (about 19 passages/s on 2 cores), loaded once per session.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fireside.assistant.documents.store import DocumentStore
from fireside.models.embedder import HashEmbedder

from tests.documents.helpers import DATA, CountingEmbedder


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def store(tmp_path) -> DocumentStore:
    s = DocumentStore(tmp_path / "documents.db")
    yield s
    s.close()


@pytest.fixture
def hasher() -> CountingEmbedder:
    return CountingEmbedder(HashEmbedder(384))


@pytest.fixture(scope="session")
def minilm():
    from fireside.models.embedder import get_embedder

    embedder = get_embedder("all-MiniLM-L6-v2")
    embedder.encode(["warm up"])
    return embedder
