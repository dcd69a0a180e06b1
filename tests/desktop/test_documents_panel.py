"""The documents panel indexes real files off the UI thread and shows each file's fate."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fireside.assistant.documents.jobs import Progress
from fireside.assistant.documents.store import DocumentStore
from fireside.desktop.documents_panel import DocumentsPanel, progress_text

DATA = Path(__file__).resolve().parents[1] / "data" / "documents"
SMALL_FILE = DATA / "csv" / "debian.csv"  # the smallest sample: a handful of chunks


@pytest.fixture
def store(tmp_path):
    s = DocumentStore(tmp_path / "documents.db")
    yield s
    s.close()


@pytest.fixture
def panel(qtbot, store):
    widget = DocumentsPanel(store)
    qtbot.addWidget(widget)
    yield widget
    assert widget.shutdown()


def test_indexes_a_real_file_and_reports_a_broken_one(qtbot, panel, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"this is not a PDF \x00\x01\x02" * 20)
    seen = []
    panel.collection_changed.connect(seen.append)

    assert panel.add_paths([SMALL_FILE, broken])
    assert panel.busy and not panel.add_paths([SMALL_FILE])  # one job at a time
    assert panel.cancel_button.isEnabled() and not panel.add_files_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.busy, timeout=120_000)

    assert not [t for t in threading.enumerate() if t.name == "fireside-index"]
    rows = dict(panel.rows())
    assert rows["debian.csv"] == "indexed"
    assert rows["broken.pdf"].startswith("failed: ")
    assert len(rows["broken.pdf"]) > len("failed: ")
    assert panel.selected_collection() == "default"
    assert "1 documents, 1 failed" in panel.combo.currentText()
    assert panel.progress_label.text().startswith("Done: 1 of 2")

    # remove the broken one
    row = [name for name, _ in panel.rows()].index("broken.pdf")
    panel.table.selectRow(row)
    panel.remove_selected()
    assert [name for name, _ in panel.rows()] == ["debian.csv"]


def test_new_collection_is_selected_and_announced(qtbot, panel, store):
    with qtbot.waitSignal(panel.collection_changed) as signal:
        panel.new_collection("papers")
    assert signal.args == ["papers"]
    assert panel.selected_collection() == "papers"
    assert {c.name for c in store.collections()} == {"papers"}
    assert panel.rows() == []


def test_progress_text():
    p = Progress("running", files_total=4, files_done=1, eta_s=12.4)
    assert progress_text(p) == "1 / 4 files · ETA 12 s"
    p.state = "paused"
    assert progress_text(p) == "1 / 4 files · paused"
