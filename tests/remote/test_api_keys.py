"""Where keys go: the keyring when a real one is there, else a file only the user can read."""

from __future__ import annotations

import keyring
import keyring.backends.fail
import pytest
from fireside.assistant.api_keys import ApiKeyStore

from tests.remote.keyrings import MemoryKeyring


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_usable_keyring_keys_go_to_a_private_file(tmp_path, no_keyring):
    store = ApiKeyStore(tmp_path / "config")
    assert not store.keyring_available
    assert store.save("lab", "k-1") == "file" and store.save("box", "k-2") == "file"
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert store.load("lab", "file") == "k-1"
    store.forget("lab")
    assert store.load("lab", "file") is None and store.load("box", "file") == "k-2"
    assert not list(store.path.parent.glob(".keys-*"))  # no temporary file left behind


def test_a_real_keyring_is_used_and_the_file_is_not(tmp_path):
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        store = ApiKeyStore(tmp_path / "config")
        assert store.save("lab", "k-1") == "keyring"
        assert store.load("lab", "keyring") == "k-1" and not store.path.exists()
        store.forget("lab")
        assert ring.items == {}
    finally:
        keyring.set_keyring(previous)


def test_a_broken_keyring_falls_back_to_the_file(tmp_path):
    class Locked(MemoryKeyring):
        def set_password(self, service, username, password):
            raise keyring.errors.KeyringLocked("locked")

    previous = keyring.get_keyring()
    keyring.set_keyring(Locked())
    try:
        store = ApiKeyStore(tmp_path / "config")
        assert store.save("lab", "k-1") == "file" and store.load("lab", "file") == "k-1"
    finally:
        keyring.set_keyring(previous)


def test_a_damaged_key_file_reads_as_no_keys(tmp_path, no_keyring):
    store = ApiKeyStore(tmp_path)
    store.path.write_text("{not json")
    assert store.load("lab", "file") is None
    assert store.save("lab", "k") == "file" and store.load("lab", "file") == "k"
