"""What Fireside leaves on disk is private, and a damaged store stops only what uses it.

Real ``fireside`` processes over a private ``FIRESIDE_HOME``, with the usual umask (022).
"""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from tests.cli.test_cli import fireside, one_line_error

pytestmark = pytest.mark.slow

POSIX = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


@POSIX
def test_folders_databases_and_log_are_readable_by_their_owner_only(fireside_home, usual_umask):
    assert fireside("docs", "list").returncode == 0  # the documents database
    assert fireside("history", "list").returncode == 0  # the history
    assert fireside("chat", "Hi", "-n", "2", "-t", "0").returncode == 0  # a reply: WAL files
    folders = [fireside_home / name for name in ("data", "config", "cache", "logs")]
    assert {f.name: mode(f) for f in folders} == {f.name: 0o700 for f in folders}
    files = [fireside_home / "data" / "history.db", fireside_home / "data" / "documents.db"]
    assert all(f.exists() for f in files)
    files += list((fireside_home / "data").glob("*.db-*"))  # -wal, -shm while they exist
    assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}


@POSIX
def test_the_log_is_created_private_and_stays_so_after_rotating(tmp_path, usual_umask):
    import logging

    from fireside.assistant.logs import setup_logging

    root = logging.getLogger("fireside")
    saved = (list(root.handlers), root.level, root.propagate)
    try:
        path = setup_logging(tmp_path / "logs")
        log = logging.getLogger("fireside.test")
        log.info("one line")
        assert mode(path.parent) == 0o700 and mode(path) == 0o600
        handler = next(h for h in root.handlers if hasattr(h, "doRollover"))
        handler.doRollover()
        log.info("after rotating")
        assert mode(path) == 0o600 and mode(path.with_name(path.name + ".1")) == 0o600
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        root.propagate = saved[2]


@POSIX
def test_files_made_by_an_earlier_release_are_tightened(fireside_home, usual_umask):
    assert fireside("history", "list").returncode == 0
    data, logs = fireside_home / "data", fireside_home / "logs"
    for path, loose in ((data, 0o755), (logs, 0o755), (data / "history.db", 0o644)):
        path.chmod(loose)
    (logs / "fireside.log").write_text("an old log line\n")
    (logs / "fireside.log").chmod(0o644)
    assert fireside("history", "list").returncode == 0
    assert (mode(data), mode(logs)) == (0o700, 0o700)
    assert mode(data / "history.db") == 0o600 and mode(logs / "fireside.log") == 0o600


def test_a_damaged_history_stops_only_what_uses_it(fireside_home):
    db = fireside_home / "data" / "history.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"\x00garbage" * 4096)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    listed = fireside("docs", "list")
    assert listed.returncode == 0, listed.stderr
    assert "Traceback" not in listed.stderr
    one_line_error(fireside("history", "list"), "history.db", "damaged")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_damaged_documents_database_stops_only_what_uses_it(fireside_home):
    db = fireside_home / "data" / "documents.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"\x00garbage" * 4096)
    assert fireside("history", "list").returncode == 0
    one_line_error(fireside("docs", "list"), "documents.db", "damaged")
