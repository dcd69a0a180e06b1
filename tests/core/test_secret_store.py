"""The one secret store: the keyring when a real one works, else one private file, and the
secrets that earlier releases kept elsewhere are still found."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
import threading

import keyring
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from fireside.assistant.app import open_secrets
from fireside.assistant.settings import Paths

from fireside.secret_store import (
    FILE_NAME,
    IN_KEYRING,
    SERVICE,
    SecretStore,
    SecretStoreError,
    system_keyring,
)
from tests.keyrings import MemoryKeyring


@pytest.fixture
def system_ring():
    """Select a keyring backend for the test, and put the previous one back after it."""
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring(system_ring):
    """The real ``keyring`` package with its file-less ``fail`` backend: a headless box."""
    system_ring(keyring.backends.fail.Keyring())


class LockedKeyring(MemoryKeyring):
    """A keyring that is there but refuses every use (a locked Secret Service)."""

    def set_password(self, service, username, password):
        raise keyring.errors.KeyringLocked("the collection is locked")

    def get_password(self, service, username):
        raise keyring.errors.KeyringLocked("the collection is locked")


def test_without_a_usable_keyring_secrets_go_to_one_private_file(tmp_path, no_keyring):
    config = tmp_path / "config"
    store = SecretStore(config)
    assert not store.keyring_available
    file = config / FILE_NAME
    assert store.set("remote/lab", "k-1") == str(file)
    first_inode = file.stat().st_ino
    assert store.set("api-key", "k-2") == str(file)
    assert file.stat().st_mode & 0o777 == 0o600
    # replaced whole (a new file renamed over it), never written in place; no leftovers
    assert file.stat().st_ino != first_inode
    assert not [p.name for p in config.iterdir() if p.name.endswith(".tmp")]
    assert json.loads(file.read_text()) == {"api-key": "k-2", "remote/lab": "k-1"}
    assert store.get("remote/lab") == "k-1" and store.where("api-key") == str(file)
    store.delete("remote/lab")
    assert store.get("remote/lab") is None and store.get("api-key") == "k-2"
    assert store.find("nothing") is None


def test_a_working_keyring_is_used_and_nothing_is_written(tmp_path):
    ring = MemoryKeyring()
    config = tmp_path / "config"
    store = SecretStore(config, keyring=ring)
    assert store.set("hub-token", "hf_1") == IN_KEYRING
    assert ring.items == {(SERVICE, "hub-token"): "hf_1"}
    assert store.find("hub-token").where == IN_KEYRING and store.get("hub-token") == "hf_1"
    assert not config.exists()  # not the file, not even its lock
    store.delete("hub-token")
    assert ring.items == {} and store.get("hub-token") is None


def test_a_failing_keyring_falls_back_to_the_file_with_the_reason_logged(tmp_path, caplog):
    store = SecretStore(tmp_path, keyring=LockedKeyring())
    with caplog.at_level(logging.WARNING, logger="fireside.secret_store"):
        where = store.set("remote/lab", "k-1")
    assert where == str(tmp_path / FILE_NAME)
    assert "collection is locked" in caplog.text
    assert store.get("remote/lab") == "k-1"
    store.delete("remote/lab")
    assert store.get("remote/lab") is None
    # reading through it fails too: as if nothing were stored, never an exception
    assert SecretStore(tmp_path / "other", keyring=LockedKeyring()).get("api-key") is None


def test_a_secret_left_in_the_file_by_a_keyring_failure_wins_over_the_keyring(tmp_path):
    """The keyring failed once (its old value stays there); the newer value in the file is
    the one read, and storing through a working keyring again clears the file's copy."""
    ring = MemoryKeyring()
    ring.items[(SERVICE, "api-key")] = "old"
    (tmp_path / FILE_NAME).write_text(json.dumps({"api-key": "newer"}))
    store = SecretStore(tmp_path, keyring=ring)
    assert store.get("api-key") == "newer"
    assert store.set("api-key", "newest") == IN_KEYRING
    assert json.loads((tmp_path / FILE_NAME).read_text()) == {}
    assert store.get("api-key") == "newest"


def test_the_system_keyring_counts_only_when_it_really_stores(system_ring):
    system_ring(keyring.backends.fail.Keyring())
    assert system_keyring() is None
    system_ring(keyring.backends.null.Keyring())
    assert system_keyring() is None
    system_ring(MemoryKeyring())
    assert system_keyring() is keyring


def test_the_system_keyring_is_used_when_it_works(tmp_path, system_ring):
    ring = MemoryKeyring()
    system_ring(ring)
    store = SecretStore(tmp_path)
    assert store.set("hub-token", "hf_1") == IN_KEYRING and ring.items
    assert not (tmp_path / FILE_NAME).exists()


def test_a_portable_install_keeps_its_secrets_in_its_folder(
    tmp_path, fireside_home, system_ring, monkeypatch
):
    ring = MemoryKeyring()
    system_ring(ring)
    portable = open_secrets(Paths.from_env())  # FIRESIDE_HOME is set for every test
    assert portable.set("api-key", "k") == str(fireside_home / "config" / FILE_NAME)
    assert ring.items == {}
    monkeypatch.delenv("FIRESIDE_HOME")
    installed = open_secrets(Paths.under(tmp_path / "installed"))
    assert installed.set("api-key", "k") == IN_KEYRING and ring.items


def test_a_damaged_secrets_file_is_kept_aside_not_lost(tmp_path, no_keyring):
    (tmp_path / FILE_NAME).write_text("{not json")
    store = SecretStore(tmp_path)
    assert store.get("api-key") is None
    store.set("api-key", "k")
    assert store.get("api-key") == "k"
    assert (tmp_path / (FILE_NAME + ".broken")).read_text() == "{not json"


def test_a_file_that_cannot_be_written_is_one_clear_error(tmp_path):
    not_a_folder = tmp_path / "config"
    not_a_folder.write_text("")
    store = SecretStore(not_a_folder, use_keyring=False)
    with pytest.raises(SecretStoreError, match=f"cannot write {not_a_folder / FILE_NAME}"):
        store.set("api-key", "k")


# -- where the three earlier stores kept their secrets -----------------------------------------
EARLIER = [
    # name, the earlier keyring entry, the earlier file and its text
    ("remote/lab", ("fireside-remote", "lab"), "api-keys.json", '{"lab": "OLD", "box": "b"}'),
    ("api-key", ("Fireside", "local-api-key"), "api-key", "OLD\n"),
    ("hub-token", ("Fireside", "huggingface-token"), "hub-token", "OLD"),
]


@pytest.mark.parametrize(("name", "entry", "file", "text"), EARLIER)
@pytest.mark.parametrize("with_keyring", [False, True])
def test_an_earlier_file_is_read_and_moved_on_the_next_write(
    tmp_path, name, entry, file, text, with_keyring
):
    (tmp_path / file).write_text(text)
    ring = MemoryKeyring() if with_keyring else None
    store = SecretStore(tmp_path, keyring=ring, use_keyring=with_keyring)
    found = store.find(name)
    assert (found.value, found.where) == ("OLD", str(tmp_path / file))
    store.set(name, "NEW")
    assert store.get(name) == "NEW"
    if file == "api-keys.json":  # the other connection's key stays where it was, still found
        assert json.loads((tmp_path / file).read_text()) == {"box": "b"}
        assert store.get("remote/box") == "b"
    else:
        assert not (tmp_path / file).exists()
    if with_keyring:
        assert ring.items == {(SERVICE, name): "NEW"}
    else:
        assert json.loads((tmp_path / FILE_NAME).read_text()) == {name: "NEW"}


@pytest.mark.parametrize(("name", "entry", "file", "text"), EARLIER)
def test_an_earlier_keyring_entry_is_read_and_moved_on_the_next_write(
    tmp_path, name, entry, file, text
):
    ring = MemoryKeyring()
    ring.items[entry] = "OLD"
    store = SecretStore(tmp_path, keyring=ring)
    assert store.find(name).value == "OLD" and store.where(name) == IN_KEYRING
    store.set(name, "NEW")
    assert ring.items == {(SERVICE, name): "NEW"}


@pytest.mark.parametrize(("name", "entry", "file", "text"), EARLIER)
def test_deleting_forgets_the_earlier_places_too(tmp_path, name, entry, file, text):
    ring = MemoryKeyring()
    ring.items[entry] = "OLD"
    (tmp_path / file).write_text(text)
    store = SecretStore(tmp_path, keyring=ring)
    store.delete(name)
    assert store.get(name) is None and ring.items == {}


# -- two processes at once ---------------------------------------------------------------------
WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from fireside.secret_store import SecretStore

    folder, prefix, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = SecretStore(folder, use_keyring=False)
    go = folder / "go"
    while not go.exists():  # both start writing at the same moment
        time.sleep(0.005)
    for i in range(count):
        store.set(f"{prefix}/{i}", f"{prefix}-secret-{i}")
    """
)


def test_two_processes_storing_different_secrets_keep_both(tmp_path):
    count = 40
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), prefix, str(count)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("one", "two")
    ]
    (tmp_path / "go").touch()
    for writer in writers:
        _out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    stored = json.loads((tmp_path / FILE_NAME).read_text())
    expected = {f"{p}/{i}": f"{p}-secret-{i}" for p in ("one", "two") for i in range(count)}
    assert stored == expected


def test_threads_of_one_process_storing_at_once_keep_every_secret(tmp_path):
    store = SecretStore(tmp_path, use_keyring=False)

    def write(prefix: str) -> None:
        for i in range(20):
            store.set(f"{prefix}/{i}", prefix)

    threads = [threading.Thread(target=write, args=(p,)) for p in ("a", "b", "c")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(json.loads((tmp_path / FILE_NAME).read_text())) == 60
