"""History round-trips on a real SQLite file, with branches, search and damage handling."""

import hashlib
import sqlite3

import pytest
from fireside.assistant.history import HistoryStore

from fireside.errors import StoreDamagedError


@pytest.fixture
def store(tmp_path):
    s = HistoryStore(tmp_path / "history.db")
    yield s
    s.close()


def test_round_trip_survives_reopen(tmp_path):
    path = tmp_path / "history.db"
    s = HistoryStore(path)
    conv = s.create_conversation("Trip planning", model="m.gguf", system_prompt="Be brief.")
    u = s.add_message(conv.id, "user", "Where to go?", None)
    a = s.add_message(
        conv.id, "assistant", "Norway.", u.id, model="m.gguf", settings={"temperature": 0.2}
    )
    s.update_message(
        a.id, prompt_tokens=12, completion_tokens=3, timings={"ttft_s": 0.1, "generate_s": 0.3}
    )
    s.close()

    s2 = HistoryStore(path)
    [c] = s2.list_conversations()
    assert (c.title, c.model, c.system_prompt) == ("Trip planning", "m.gguf", "Be brief.")
    thread = s2.thread(c.id)
    assert [(m.role, m.content) for m in thread] == [
        ("user", "Where to go?"),
        ("assistant", "Norway."),
    ]
    assert thread[1].settings == {"temperature": 0.2}
    assert thread[1].prompt_tokens == 12 and thread[1].timings["ttft_s"] == 0.1
    assert thread[1].created_at
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == [
        "001_initial",
        "002_tool_calls_and_citations",
        "003_conversation_collections",
        "004_message_backend",
        "005_uids_ratings_assistants",
        "006_message_images",
        "007_message_support",
    ]
    s2.close()


def test_a_history_from_before_collections_is_upgraded_in_place(tmp_path):
    """A database written by a release without per-chat collections keeps its chats."""
    import sqlite_utils
    from fireside.assistant.migrations import MIGRATIONS

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    for name, migrate in MIGRATIONS[:2]:
        migrate(db.conn)
        db["_migrations"].insert({"name": name, "applied_at": "2026-01-01T00:00:00"})
    db["conversations"].insert({"title": "Old chat", "created_at": "x", "updated_at": "x"})
    db.conn.close()
    store = HistoryStore(path)
    [old] = store.list_conversations()
    assert (old.title, old.collections) == ("Old chat", [])
    store.set_collections(old.id, ["papers", "wiki", "papers"])
    assert store.get_conversation(old.id).collections == ["papers", "wiki"]
    store.set_collections(old.id, [])
    assert store.get_conversation(old.id).collections == []
    store.close()


def test_a_history_from_before_backends_keeps_its_replies_and_records_new_ones(tmp_path):
    """Replies written before the backend was recorded read back with ``backend`` None."""
    import sqlite_utils
    from fireside.assistant.migrations import MIGRATIONS

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    for name, migrate in MIGRATIONS[:3]:
        migrate(db)
        db["_migrations"].insert({"name": name, "applied_at": "2026-01-01T00:00:00"})
    cid = db["conversations"].insert({"title": "Old", "created_at": "x", "updated_at": "x"}).last_pk
    db["messages"].insert(
        {"conversation_id": cid, "role": "assistant", "content": "Hi", "model": "/m.gguf"}
    )
    db.conn.close()
    store = HistoryStore(path)
    [old] = store.thread(cid, 1)
    assert (old.content, old.model, old.backend) == ("Hi", "/m.gguf", None)
    new = store.add_message(cid, "assistant", "Yo", 1, model="gpu/qwen", backend="remote")
    assert (store.get_message(new.id).model, store.get_message(new.id).backend) == (
        "gpu/qwen",
        "remote",
    )
    store.close()


def test_regenerate_and_edit_keep_earlier_versions(store):
    conv = store.create_conversation()
    u1 = store.add_message(conv.id, "user", "Hi", None)
    a1 = store.add_message(conv.id, "assistant", "Hello", u1.id)
    u2 = store.add_message(conv.id, "user", "Tell a joke", a1.id)
    a2 = store.add_message(conv.id, "assistant", "Joke one", u2.id)
    # regenerate a2: a sibling with the same parent
    a2b = store.add_message(conv.id, "assistant", "Joke two", u2.id)
    assert [m.content for m in store.siblings(a2.id)] == ["Joke one", "Joke two"]
    assert store.thread(conv.id)[-1].id == a2b.id
    # edit u1: a sibling user message; the old branch with all its replies survives
    u1b = store.add_message(conv.id, "user", "Hey there", None)
    store.add_message(conv.id, "assistant", "Hi!", u1b.id)
    assert [m.content for m in store.thread(conv.id)] == ["Hey there", "Hi!"]
    assert [m.content for m in store.siblings(u1.id)] == ["Hi", "Hey there"]
    # go back to the first version: its newest descendant becomes current
    thread = store.select_branch(u1.id)
    assert [m.content for m in thread] == ["Hi", "Hello", "Tell a joke", "Joke two"]
    store.select_branch(a2.id)
    assert store.thread(conv.id)[-1].content == "Joke one"


def test_rename_delete_and_newest_first(store):
    a = store.create_conversation("A")
    b = store.create_conversation("B")
    store.add_message(a.id, "user", "bump", None)
    assert [c.title for c in store.list_conversations()] == ["A", "B"]
    store.rename(b.id, "Renamed")
    assert store.get_conversation(b.id).title == "Renamed"
    store.delete_conversation(a.id)
    assert [c.title for c in store.list_conversations()] == ["Renamed"]
    with pytest.raises(KeyError):
        store.get_conversation(a.id)
    assert store.search("bump") == []


def test_full_text_search_and_filter(store):
    c1 = store.create_conversation("Cooking")
    store.add_message(c1.id, "user", "How long to boil an egg?", None)
    c2 = store.create_conversation("Travel")
    store.add_message(c2.id, "user", "Trains from Oslo to Bergen", None)
    hits = store.search("oslo bergen")
    assert [h.conversation_id for h in hits] == [c2.id]
    assert "[Oslo]" in hits[0].snippet
    assert store.search('egg"') and store.search("") == []
    assert [c.id for c in store.list_conversations(query="egg")] == [c1.id]


def test_streaming_reply_left_by_a_crash_is_marked_interrupted(tmp_path):
    path = tmp_path / "history.db"
    s = HistoryStore(path)
    conv = s.create_conversation()
    u = s.add_message(conv.id, "user", "Hello", None)
    a = s.add_message(conv.id, "assistant", "partial ans", u.id, status="streaming")
    s.close()
    s2 = HistoryStore(path)
    assert s2.get_message(a.id).status == "interrupted"
    assert s2.get_message(a.id).content == "partial ans"
    s2.close()


def test_damaged_database_is_reported_and_left_untouched(tmp_path):
    path = tmp_path / "history.db"
    path.write_bytes(b"this was a database once" * 200)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StoreDamagedError, match="damaged") as err:
        HistoryStore(path)
    assert str(path) in str(err.value)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_each_thread_gets_its_own_connection(store):
    import threading

    conv = store.create_conversation()
    seen = []

    def worker():
        store.add_message(conv.id, "user", "from a worker", None)
        seen.append(store.db is not None)
        store.close()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen == [True]
    assert store.thread(conv.id)[-1].content == "from a worker"
