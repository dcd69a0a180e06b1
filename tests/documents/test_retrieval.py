"""Hybrid search, its filters, the in-memory matrix, and the search CLI."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from fireside.assistant.documents.fusion import convex, reciprocal_rank
from fireside.assistant.documents.retrieval import SearchOptions, search
from fireside.assistant.documents.vector_index import VectorMatrix
from fireside.cli.main import main
from fireside.models.embedder import HashEmbedder

from tests.documents.helpers import cli_add, index

EMB = {"hash-384": HashEmbedder(384)}


@pytest.fixture
def indexed(store, data):
    index(
        store, [data / "csv" / "debian.csv", data / "html" / "kernel.en.html"], collection="debian"
    )
    index(store, [data / "pdf" / "Seige_of_Vicksburg_Sample_OCR.pdf"], collection="history")
    return store


def test_keyword_and_vector_hits_are_fused(indexed):
    hits = search(indexed, "Bookworm", collections="debian", embedders=EMB)
    keyword_best = next(h for h in hits if h.bm25_rank == 1)
    assert keyword_best in hits[:2]
    assert keyword_best.document.endswith("debian.csv") and "Bookworm" in keyword_best.text
    assert all(h.vector_rank is not None for h in hits)
    assert all(h.similarity is not None and -1 <= h.similarity <= 1 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_filters_by_collection_and_document(indexed):
    everywhere = search(indexed, "shot shell camp kernel", embedders=EMB, k=50)
    assert {h.collection for h in everywhere} == {"debian", "history"}
    only = search(indexed, "shot shell camp kernel", collections="history", embedders=EMB, k=50)
    assert {h.collection for h in only} == {"history"}
    kernel = next(d for d in indexed.documents() if d.path.endswith("kernel.en.html"))
    one = search(indexed, "shot shell camp kernel", documents=[kernel.id], embedders=EMB, k=50)
    assert one and {h.document_id for h in one} == {kernel.id}


def test_unknown_collection_is_an_error(indexed):
    with pytest.raises(KeyError):
        search(indexed, "x", collections="nope", embedders=EMB)


@pytest.mark.parametrize("mode", ["bm25", "vector"])
def test_single_modes(indexed, mode):
    hits = search(
        indexed,
        "Cannister shot tin cylinder",
        collections="history",
        options=SearchOptions(mode=mode),
        embedders=EMB,
    )
    assert hits[0].page == 3
    assert (hits[0].bm25_rank is None) == (mode == "vector")


def test_convex_fusion_uses_both_scores():
    scores = convex({1: 10.0, 2: 5.0}, {1: 0.2, 2: 0.5, 3: 0.6}, vector_weight=0.7)
    assert scores[1] == pytest.approx(0.7 * 0.2 + 0.3 * 1.0)
    assert scores[2] == pytest.approx(0.7 * 0.5 + 0.3 * 0.5)
    assert scores[3] == pytest.approx(0.7 * 0.6)  # no keyword match


def test_rrf_fusion_option(indexed):
    hits = search(
        indexed,
        "Bookworm",
        collections="debian",
        embedders=EMB,
        options=SearchOptions(fusion="rrf"),
    )
    assert hits and hits[0].score < 0.1  # rank scores are small: 1 / (k + rank) sums


def test_fuse_is_weighted_reciprocal_rank():
    scores = reciprocal_rank([(1.0, [1, 2, 3]), (2.0, [3, 1])], rrf_k=10)
    assert scores[1] == pytest.approx(1 / 11 + 2 / 12)
    assert scores[3] == pytest.approx(1 / 13 + 2 / 11)
    assert scores[2] == pytest.approx(1 / 12)


def test_matrix_reloads_only_after_a_change(indexed, data, tmp_path):
    col = indexed.collection("debian")
    first = indexed.vectors.get(indexed, col.id, col.model)
    assert indexed.vectors.get(indexed, col.id, col.model) is first  # unchanged: same object
    extra = tmp_path / "extra.md"
    extra.write_text("# Extra\n\nA brand new paragraph about penguins.\n")
    index(indexed, [extra], collection="debian")
    second = indexed.vectors.get(indexed, col.id, col.model)
    assert second is not first and len(second) == len(first) + 1
    doc = next(d for d in indexed.documents() if d.path == str(extra.resolve()))
    indexed.remove_document(doc.id)
    assert len(indexed.vectors.get(indexed, col.id, col.model)) == len(first)


def test_matrix_search_matches_brute_force():
    rng = np.random.default_rng(0)
    m = rng.standard_normal((1000, 16)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    vm = VectorMatrix(np.arange(1000, 2000), np.arange(1000) % 7, m, 0)
    q = m[10]
    ids, scores = vm.search(q, 5)
    want = np.argsort(-(m @ q))[:5] + 1000
    assert ids.tolist() == want.tolist() and scores[0] == pytest.approx(1.0)
    ids, _ = vm.search(q, 5, documents=np.array([3]))
    assert all((i - 1000) % 7 == 3 for i in ids)


def test_cli_search_json_and_batch(tmp_path, data, capsys):
    cli_add(tmp_path)
    capsys.readouterr()
    assert main(["docs", "search", "Buster release", "-C", "deb", "-k", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    hit = out["hits"][0]
    assert set(hit) >= {"document", "page", "text", "score"}
    assert hit["document"].endswith("debian.csv") and "Buster" in hit["text"]

    queries = tmp_path / "q.jsonl"
    queries.write_text('{"_id": "a", "text": "Buster"}\n{"_id": "b", "text": "Woody"}\n')
    assert main(["docs", "search", "--queries", str(queries), "-C", "deb", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [x["_id"] for x in lines] == ["a", "b"]
    assert "Woody" in lines[1]["hits"][0]["text"]


def test_cli_list_and_remove(tmp_path, data, capsys):
    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copy(data / "csv" / "debian.csv", folder)
    shutil.copy(data / "markdown" / "pypdf-README.md", folder)
    main(["docs", "add", str(folder), "-C", "deb", "--embedding-model", "hash-384"])
    capsys.readouterr()
    assert main(["docs", "list"]) == 0
    assert "deb: 2 documents" in capsys.readouterr().out
    assert main(["docs", "remove", str(folder / "debian.csv"), "-C", "deb"]) == 0
    assert main(["docs", "list", "-C", "deb", "--json"]) == 0
    docs = json.loads(capsys.readouterr().out)
    assert [d["path"].rsplit("/", 1)[-1] for d in docs] == ["pypdf-README.md"]
    assert main(["docs", "remove", "-C", "deb", "--all"]) == 0
    assert main(["docs", "search", "x", "-C", "deb"]) == 2


def test_query_idf_matches_fts5_bm25_for_a_one_word_chunk(indexed):
    """The keyword scale: a rare word is worth more than a common one, as in FTS5's bm25."""
    import math

    from fireside.assistant.documents.fts import bm25_search, query_idf

    conn = indexed.conn
    words = indexed.keywords.query_words
    total = conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    rare = conn.execute(
        "SELECT count(*) FROM chunks_words WHERE chunks_words MATCH '\"bookworm\"'"
    ).fetchone()[0]
    assert 0 < rare < total
    expected = math.log((total - rare + 0.5) / (rare + 0.5))
    assert query_idf(conn, words("Bookworm?")) == pytest.approx(expected)
    assert query_idf(conn, words("the Bookworm")) == pytest.approx(expected)  # stopwords left out
    assert query_idf(conn, words("zzzunknownword")) == 0.0
    assert query_idf(conn, words("Bookworm cannister")) > query_idf(conn, words("Bookworm"))
    # a full match is worth about the IDF sum: the best hit scores within a small factor
    cols = [c.id for c in indexed.collections(counts=False)]
    best = bm25_search(conn, words("Bookworm"), collection_ids=cols, k=1)[0][1]
    assert 0.2 * expected < best < 5 * expected


def test_idf_share_changes_only_the_keyword_scale(indexed):
    plain = search(indexed, "Bookworm release", embedders=EMB, options=SearchOptions(idf_share=0.0))
    blended = search(indexed, "Bookworm release", embedders=EMB)
    assert {h.chunk_id for h in plain} & {h.chunk_id for h in blended}
    assert [h.score for h in plain] != [h.score for h in blended]
