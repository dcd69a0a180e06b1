"""``fireside history``: list, show, search, rename and delete conversations (export,
import and rate are in ``history_transfer_cmd``)."""

from __future__ import annotations

import argparse

from fireside.assistant.history import HistoryStore
from fireside.cli import history_transfer_cmd
from fireside.cli.app_command import with_app
from fireside.cli.common import fail, print_json


def register(sub) -> None:
    p = sub.add_parser("history", help="browse saved conversations")
    hs = p.add_subparsers(dest="history_command", metavar="ACTION", required=True)
    ls = hs.add_parser("list", help="conversations, newest first")
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)
    show = hs.add_parser("show", help="one conversation's messages")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_show)
    search = hs.add_parser("search", help="full-text search over messages")
    search.add_argument("query")
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=_search)
    rename = hs.add_parser("rename", help="rename a conversation")
    rename.add_argument("id", type=int)
    rename.add_argument("title")
    rename.set_defaults(func=_rename)
    delete = hs.add_parser("delete", help="delete a conversation")
    delete.add_argument("id", type=int)
    delete.add_argument("--json", action="store_true")
    delete.set_defaults(func=_delete)
    history_transfer_cmd.register(hs)


def _with_store(fn):
    @with_app
    def wrapper(app, args: argparse.Namespace) -> int:
        try:
            return fn(app.history, args)
        except KeyError as exc:
            return fail(str(exc))

    return wrapper


@_with_store
def _list(store: HistoryStore, args) -> int:
    convs = store.list_conversations(limit=args.limit)
    if args.json:
        print_json([c.to_dict() for c in convs])
        return 0
    if not convs:
        print('no chats yet: start one with fireside chat "Hello" (or in the window)')
    for c in convs:
        print(f"{c.id:>5}  {c.updated_at[:16].replace('T', ' ')}  {c.title}")
    return 0


@_with_store
def _show(store: HistoryStore, args) -> int:
    conv = store.get_conversation(args.id)
    thread = store.thread(conv.id)
    if args.json:
        out = conv.to_dict()
        out["messages"] = []
        for m in thread:
            d = m.to_dict()
            d["versions"] = len(store.siblings(m.id))
            out["messages"].append(d)
        print_json(out)
        return 0
    print(f"# {conv.title}  (conversation {conv.id})")
    for m in thread:
        versions = len(store.siblings(m.id))
        extra = f" [version {versions}]" if versions > 1 else ""
        flag = f" [{m.status}]" if m.status != "complete" else ""
        print(f"\n{m.role}{extra}{flag}:\n{m.content}")
    return 0


@_with_store
def _search(store: HistoryStore, args) -> int:
    hits = store.search(args.query)
    if args.json:
        print_json([h.__dict__ for h in hits])
        return 0
    for h in hits:
        print(f"{h.conversation_id:>5}  {h.conversation_title[:30]:<30}  {h.role:<9} {h.snippet}")
    return 0


@_with_store
def _rename(store: HistoryStore, args) -> int:
    store.rename(args.id, args.title)
    return 0


@_with_store
def _delete(store: HistoryStore, args) -> int:
    store.delete_conversation(args.id)
    if args.json:
        print_json({"deleted": args.id})
    return 0
