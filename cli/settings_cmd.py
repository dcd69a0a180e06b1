"""``fireside settings list | get KEY | set KEY VALUE | reset KEY``: the settings file, safely.

Keys are ``section.field`` (``window.theme``, ``model.n_threads``, ``api.port``; ``list``
shows them all). A value is read as the field's type (numbers, ``true``/``false``, ``null``
for "none", lists as JSON or comma-separated, objects as JSON) and checked like the file is;
a bad key or value is one line and exit code 2. Changes go through the settings store, so a
running window sees them and nothing another process wrote at the same moment is lost.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from fireside.assistant.app import App
from fireside.assistant.settings import FLAT_KEYS, Settings, section_keys
from fireside.assistant.settings_fields import BadValue, default_of, parse_text
from fireside.assistant.settings_store import flatten, setting
from fireside.cli.app_command import with_app
from fireside.cli.common import fail, print_json


def register(sub) -> None:
    p = sub.add_parser("settings", help="list, get, set and reset settings (section.field keys)")
    ss = p.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    ls = ss.add_parser("list", help="every setting and its value")
    ls.add_argument("--json", action="store_true", help="the settings as one JSON object")
    ls.set_defaults(func=_list)
    get = ss.add_parser("get", help="one setting's value")
    get.add_argument("key", help="e.g. window.theme")
    get.add_argument("--json", action="store_true", help="print the value as JSON")
    get.set_defaults(func=_get)
    put = ss.add_parser("set", help="change one setting")
    put.add_argument("key", help="e.g. window.theme")
    put.add_argument("value", help="e.g. dark; null for none; a list as a,b or JSON")
    put.set_defaults(func=_set)
    reset = ss.add_parser("reset", help="put a setting (or a whole section) back to its default")
    reset.add_argument("key", help="e.g. window.theme, or window for the whole section")
    reset.set_defaults(func=_reset)


class _UnknownKey(ValueError):
    pass


def _field(key: str) -> tuple[str, str, Any]:
    """``(section, field, annotation)`` for a ``section.field`` key; ``_UnknownKey`` if none."""
    keys = section_keys()
    if key in keys:
        section, name = key.split(".", 1)
        return section, name, keys[key]
    if key in FLAT_KEYS:
        section, name = FLAT_KEYS[key]
        raise _UnknownKey(f"no setting named {key!r}; it is now {section}.{name}")
    sections = {k.split(".", 1)[0] for k in keys}
    if key in sections:
        names = ", ".join(k for k in keys if k.startswith(key + "."))
        raise _UnknownKey(f"{key!r} is a section; give one of its keys: {names}")
    raise _UnknownKey(f"no setting named {key!r} (see: fireside settings list)")


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@with_app
def _list(app: App, args: argparse.Namespace) -> int:
    if args.json:
        print_json(dataclasses.asdict(app.settings))
        return 0
    for key, value in flatten(app.settings).items():
        print(f"{key} = {_text(value)}")
    return 0


@with_app
def _get(app: App, args: argparse.Namespace) -> int:
    try:
        _field(args.key)
    except _UnknownKey as exc:
        return fail(str(exc))
    value = flatten(app.settings)[args.key]
    print(value if isinstance(value, str) and not args.json else _text(value))
    return 0


@with_app
def _set(app: App, args: argparse.Namespace) -> int:
    try:
        _section, _name, annotation = _field(args.key)
        value = parse_text(annotation, args.value, args.key)
    except (_UnknownKey, BadValue) as exc:
        return fail(str(exc))

    app.settings_store.update(setting(args.key, value))
    print(f"{args.key} = {_text(flatten(app.settings)[args.key])}")
    return 0


@with_app
def _reset(app: App, args: argparse.Namespace) -> int:
    sections = {f.name: f for f in dataclasses.fields(Settings)}
    if args.key in sections:
        section_type = type(default_of(sections[args.key]))

        def change(settings: Settings) -> None:
            setattr(settings, args.key, section_type())

    else:
        try:
            section, name, _annotation = _field(args.key)
        except _UnknownKey as exc:
            return fail(str(exc))
        field = {f.name: f for f in dataclasses.fields(getattr(app.settings, section))}[name]

        def change(settings: Settings) -> None:
            setattr(getattr(settings, section), name, default_of(field))

    app.settings_store.update(change)
    flat = flatten(app.settings)
    for key in [k for k in flat if k == args.key or k.startswith(args.key + ".")]:
        print(f"{key} = {_text(flat[key])}")
    return 0
