"""``fireside assistants``: list, show, add, edit, remove, export and import assistants.

An assistant is a named set of turn settings (system prompt, model, sampling, tools,
document collections) with starter prompts and an icon; ``fireside chat --assistant NAME``
uses one. Built-in ones can be edited (the edits are stored over them; ``remove`` brings
the original back) and duplicated; an assistant is shared as one JSON file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fireside.cli.app_command import with_app
from fireside.cli.common import fail, print_json
from fireside.cli.options import add_sampling_options


def register(sub) -> None:
    p = sub.add_parser("assistants", help="assistants: prompts, models and tools for a purpose")
    s = p.add_subparsers(dest="assistants_command", metavar="ACTION", required=True)
    ls = s.add_parser("list", help="built-in assistants and yours")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)
    show = s.add_parser("show", help="one assistant's settings")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_show)
    add = s.add_parser("add", help="a new assistant (or a copy of one with --from)")
    add.add_argument("name")
    add.add_argument("--from", dest="source", metavar="NAME", help="start from this assistant")
    _settings_options(add)
    add.set_defaults(func=_add)
    edit = s.add_parser("edit", help="change an assistant's settings")
    edit.add_argument("name")
    edit.add_argument("--rename", metavar="NEW", help="a new name")
    _settings_options(edit)
    edit.set_defaults(func=_edit)
    rm = s.add_parser("remove", help="remove an assistant (a built-in one: undo its edits)")
    rm.add_argument("name")
    rm.set_defaults(func=_remove)
    ex = s.add_parser("export", help="write an assistant to a JSON file to share")
    ex.add_argument("name")
    ex.add_argument("-o", "--output", default="-", metavar="PATH", help="default: stdout")
    ex.set_defaults(func=_export)
    im = s.add_parser("import", help="add an assistant from a JSON file")
    im.add_argument("path")
    im.add_argument("--replace", action="store_true", help="replace one with the same name")
    im.add_argument("--name", help="import it under another name")
    im.set_defaults(func=_import)


def _settings_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("assistant")
    g.add_argument("--title", help="the name shown in the window")
    g.add_argument("--description")
    g.add_argument("--icon", help="a character or two shown beside the title")
    g.add_argument("--system", "-s", dest="system_prompt", help="its system prompt")
    g.add_argument("--model", "-m", metavar="PATH|CONNECTION/MODEL", help="its model")
    g.add_argument(
        "--tools",
        metavar="NAME,NAME",
        type=lambda v: [n.strip() for n in v.split(",") if n.strip()],
        help="the only tools it may use",
    )
    g.add_argument(
        "--no-tools", dest="tools", action="store_const", const=[], help="it uses no tools"
    )
    g.add_argument(
        "--any-tools",
        dest="tools",
        action="store_const",
        const="any",
        help="tools as in your settings",
    )
    g.add_argument(
        "--collection", "-C", action="append", metavar="NAME", help="answer from this collection"
    )
    g.add_argument(
        "--documents-only",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="answer only from documents, or say it cannot",
    )
    g.add_argument("--starter", action="append", metavar="TEXT", help="a starter prompt")
    add_sampling_options(p)


def _changes(args) -> dict:
    changes = {}
    for key in ("title", "description", "icon", "system_prompt", "model"):
        if getattr(args, key) is not None:
            changes[key] = getattr(args, key)
    if args.tools is not None:
        changes["tools"] = None if args.tools == "any" else args.tools
    if args.collection is not None:
        changes["collections"] = args.collection
    if args.documents_only is not None:
        changes["documents_only"] = args.documents_only
    if args.starter is not None:
        changes["starters"] = args.starter
    sampling = {
        key: getattr(args, key)
        for key in ("temperature", "top_p", "top_k", "repeat_penalty", "max_tokens", "seed")
        if getattr(args, key, None) is not None
    }
    if args.stop:
        sampling["stop"] = list(args.stop)
    if sampling:
        changes["sampling"] = sampling
    return changes


def _line(a) -> str:
    kind = "built-in" if a.builtin else "yours"
    icon = f"{a.icon} " if a.icon else ""
    return f"{a.name:<20} {icon}{a.label}  ({kind})"


@with_app
def _list(app, args) -> int:
    assistants = app.assistants.list()
    if args.json:
        print_json([{**a.to_dict(), "builtin": a.builtin} for a in assistants])
        return 0
    for a in assistants:
        print(_line(a))
    return 0


@with_app
def _show(app, args) -> int:
    a = app.assistants.get(args.name)
    if args.json:
        print_json({**a.to_dict(), "builtin": a.builtin})
        return 0
    print(_line(a))
    if a.description:
        print(a.description)
    print(f"\nsystem prompt:\n{a.system_prompt or '(your default)'}\n")
    print(f"model: {a.model or '(the chat’s model)'}")
    if a.sampling:
        print("sampling: " + ", ".join(f"{k}={v}" for k, v in a.sampling.items()))
    tools = "as in your settings" if a.tools is None else (", ".join(a.tools) or "none")
    print(f"tools: {tools}")
    if a.collections or a.documents_only:
        names = ", ".join(a.collections) or "all"
        print(
            f"collections: {names}"
            + ("  (answers only from documents)" if a.documents_only else "")
        )
    for starter in a.starters:
        print(f"starter: {starter}")
    return 0


@with_app
def _add(app, args) -> int:
    from dataclasses import replace

    from fireside.assistant.assistants import Assistant

    changes = _changes(args)
    if args.source:
        app.assistants.duplicate(args.source, args.name)
        if changes:
            _apply_sampling(app, args.name, changes)
            app.assistants.edit(args.name, **changes)
    else:
        base = replace(Assistant(args.name), **{k: v for k, v in changes.items()})
        app.assistants.add(Assistant.from_dict(base.to_dict(), f"assistant {args.name!r}"))
    print(f"added assistant {args.name}", file=sys.stderr)
    return 0


def _apply_sampling(app, name: str, changes: dict) -> None:
    """Sampling flags change the given values, keeping the assistant's others."""
    if "sampling" in changes:
        changes["sampling"] = {**app.assistants.get(name).sampling, **changes["sampling"]}


@with_app
def _edit(app, args) -> int:
    changes = _changes(args)
    if args.rename:
        changes["name"] = args.rename
    if not changes:
        return fail("nothing to change: give the settings to change (see --help)")
    _apply_sampling(app, args.name, changes)
    app.assistants.edit(args.name, **changes)
    return 0


@with_app
def _remove(app, args) -> int:
    if app.assistants.remove(args.name):
        print(f"{args.name} is built in: its original settings are back", file=sys.stderr)
    return 0


@with_app
def _export(app, args) -> int:
    from fireside.atomic_write import write_atomic

    text = app.assistants.get(args.name).to_file() + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text, mode=0o644)
        print(f"wrote assistant {args.name} to {args.output}", file=sys.stderr)
    return 0


@with_app
def _import(app, args) -> int:
    from dataclasses import replace

    from fireside.assistant.assistants import Assistant, check_name

    from fireside.errors import BadFileError

    path = Path(args.path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadFileError(f"{path}: cannot be read ({exc})") from None
    assistant = Assistant.from_file(text, path.name)
    if args.name:
        assistant = replace(assistant, name=check_name(args.name))
    app.assistants.add(assistant, replace_existing=args.replace)
    print(f"added assistant {assistant.name}", file=sys.stderr)
    return 0
