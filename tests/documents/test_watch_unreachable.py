"""A watched folder that cannot be reached keeps its index (an unmounted drive, a
disconnected share, an unreadable sub-folder); files are de-indexed only when really gone."""

from __future__ import annotations

import os
import shutil

from fireside.assistant.documents import watcher as watcher_module
from fireside.assistant.documents.watcher import FolderWatcher, watch_folder
from fireside.models.embedder import HashEmbedder


def _watched(store, data, tmp_path):
    folder = tmp_path / "share"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(data / "csv" / "debian.csv", folder / "a.csv")
    shutil.copy(data / "markdown" / "pypdf-README.md", folder / "sub" / "b.md")
    watch_folder(store, "w", folder, model="hash-384")
    events, removed = [], []
    w = FolderWatcher(
        store,
        embedders={"hash-384": HashEmbedder(384)},
        on_removed=removed.append,
        on_unreachable=lambda f, reason: events.append((f, reason)),
    )
    w.poll()
    assert [r.status for r in w.poll()] == ["indexed", "indexed"]
    return folder, w, events, removed


def complete(store) -> list[str]:
    return sorted(d.name for d in store.documents(status="complete"))


def test_a_folder_that_disappears_keeps_its_index_and_is_checked_again(store, data, tmp_path):
    folder, w, events, removed = _watched(store, data, tmp_path)
    away = tmp_path / "unmounted"
    folder.rename(away)  # the share is gone
    for _ in range(3):
        w.poll()
    assert complete(store) == ["a.csv", "b.md"] and removed == []
    assert len(events) == 1 and "not reachable" in events[0][1]  # reported once
    away.rename(folder)  # back again
    assert w.poll() == []
    assert events[-1] == (str(folder.resolve()), None)
    (folder / "a.csv").unlink()  # reachable and really gone: now it goes
    w.poll()
    assert complete(store) == ["b.md"] and removed == [str((folder / "a.csv").resolve())]


def test_an_empty_mount_point_is_not_an_empty_folder(store, data, tmp_path):
    folder, w, events, removed = _watched(store, data, tmp_path)
    shutil.rmtree(folder)
    folder.mkdir()  # what an unmounted drive leaves behind
    w.poll()
    assert complete(store) == ["a.csv", "b.md"] and removed == []
    assert "empty" in events[0][1]


def test_an_unreadable_sub_folder_keeps_its_files(store, data, tmp_path, monkeypatch):
    folder, w, events, removed = _watched(store, data, tmp_path)
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(watcher_module.os, "scandir", scandir)
    w.poll()
    assert complete(store) == ["a.csv", "b.md"] and removed == []
    assert events == []  # the folder itself is reachable


def test_cli_watch_says_the_index_is_kept(tmp_path, data, capsys):
    from fireside.cli.main import main

    folder = tmp_path / "w"
    folder.mkdir()
    shutil.copy(data / "csv" / "debian.csv", folder)
    args = ["docs", "watch", str(folder), "-C", "w", "--embedder", "hash-384", "--once"]
    assert main([*args, "--interval", "0"]) == 0
    shutil.rmtree(folder)
    assert main(["docs", "watch", "-C", "w", "--once", "--interval", "0"]) == 0
    err = capsys.readouterr().err
    assert "not reachable" in err and "index kept" in err
    assert main(["docs", "list", "-C", "w"]) == 0
    assert "debian.csv" in capsys.readouterr().out
