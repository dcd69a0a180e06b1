"""Files that cannot be indexed are reported one by one with a reason; the batch goes on."""

from __future__ import annotations

import shutil

import pytest
from fireside.assistant.documents.loaders import LoaderRegistry
from fireside.assistant.documents.types import LoadError
from fireside.cli.main import main

from tests.documents.helpers import index


@pytest.fixture
def bad_folder(tmp_path, data):
    """Real good files mixed with every kind of bad one."""
    d = tmp_path / "mixed"
    d.mkdir()
    shutil.copy(data / "pdf" / "libreoffice-writer-password.pdf", d / "password.pdf")
    shutil.copy(data / "pdf" / "crazyones-encrypted-256.pdf", d / "aes.pdf")
    shutil.copy(data / "pdf" / "imagemagick-CCITTFaxDecode.pdf", d / "scanned.pdf")
    real = (data / "pdf" / "pdflatex-outline.pdf").read_bytes()
    (d / "truncated.pdf").write_bytes(real[: len(real) // 3])
    docx = (data / "docx" / "test.docx").read_bytes()
    (d / "broken.docx").write_bytes(docx[: len(docx) // 2])
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.md").write_text("\n\n   \n")
    shutil.copy(data / "pdf" / "multilang.pdf", d / "really-a-pdf.txt")
    (d / "not-a-pdf.pdf").write_text("just some text pretending\n")
    with (d / "huge.pdf").open("wb") as fh:  # sparse: 600 MiB on paper, nothing on disk
        fh.write(b"%PDF-1.4\n")
        fh.truncate(600 * (1 << 20))
    shutil.copy(data / "csv" / "debian.csv", d / "good.csv")
    shutil.copy(data / "html" / "kernel.en.html", d / "good.html")
    return d


EXPECTED = {
    "password.pdf": "encrypted",
    "aes.pdf": "encrypted",
    "scanned.pdf": "scanned",
    "truncated.pdf": "corrupt",
    "broken.docx": "corrupt",
    "empty.txt": "empty",
    "blank.md": "empty",
    "really-a-pdf.txt": "misnamed",
    "not-a-pdf.pdf": "misnamed",
    "huge.pdf": "too_large",
}


def test_each_bad_file_reported_and_batch_continues(store, bad_folder):
    result = index(store, [bad_folder])
    by_name = {f.path.rsplit("/", 1)[-1]: f for f in result.files}
    for name, kind in EXPECTED.items():
        assert by_name[name].status == "skipped", name
        assert by_name[name].kind == kind, (name, by_name[name].reason)
        assert by_name[name].reason
    assert by_name["good.csv"].status == "indexed" and by_name["good.csv"].chunks > 0
    assert by_name["good.html"].status == "indexed"
    # the failures are remembered for the documents panel, with their reasons
    failed = {d.name: d for d in store.documents(status="failed")}
    assert failed["password.pdf"].error_kind == "encrypted"
    assert "password" in failed["password.pdf"].error


def test_unchanged_failed_file_is_not_retried(store, bad_folder, monkeypatch):
    index(store, [bad_folder / "truncated.pdf"])
    calls = []
    monkeypatch.setattr(LoaderRegistry, "check", lambda self, p: calls.append(p))
    again = index(store, [bad_folder / "truncated.pdf"])
    assert again.files[0].status == "skipped" and calls == []


def test_unsupported_named_file_is_reported(tmp_path):
    f = tmp_path / "picture.heic"
    f.write_bytes(b"\x00\x00\x00\x18ftypheic")
    with pytest.raises(LoadError) as err:
        LoaderRegistry().check(f)
    assert err.value.kind == "unsupported"


def test_cli_add_lists_failures_and_exits_zero(bad_folder, capsys):
    code = main(["docs", "add", str(bad_folder), "-C", "mixed", "--embedding-model", "hash-384"])
    err = capsys.readouterr().err
    assert code == 0
    assert "2 indexed" in err
    for name in EXPECTED:
        assert name in err
    assert "encrypted PDF" in err and "no text layer" in err


def test_cli_add_exits_nonzero_when_nothing_indexed(bad_folder, capsys):
    code = main(
        [
            "docs",
            "add",
            str(bad_folder / "password.pdf"),
            "--embedding-model",
            "hash-384",
            "-C",
            "x",
        ]
    )
    assert code == 1
    assert "encrypted" in capsys.readouterr().err
