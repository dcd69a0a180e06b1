"""``fireside models remote``: add, list and remove connections to OpenAI-compatible servers.

A connection's models are then used as ``--model NAME/MODEL`` in every command. ``add``
checks the server (and the key) before saving, so a typo is caught at once; ``--no-check``
saves a connection to a server that is not running yet.
"""

from __future__ import annotations

import argparse
import sys

from fireside.assistant.app import build_app
from fireside.cli.common import fail, print_json

from fireside.errors import FiresideError


def register(models_sub) -> None:
    p = models_sub.add_parser(
        "remote", help="connections to OpenAI-compatible servers (vLLM, llama.cpp, Ollama, ...)"
    )
    rs = p.add_subparsers(dest="remote_command", metavar="ACTION", required=True)
    add = rs.add_parser("add", help="add (or replace) a connection")
    add.add_argument("name", help="a short name; its models are NAME/MODEL")
    add.add_argument("url", help="the API base, e.g. http://gpu-box:8000/v1")
    key = add.add_mutually_exclusive_group()
    key.add_argument(
        "--api-key-env", metavar="VAR", help="read the key from this environment variable"
    )
    key.add_argument(
        "--api-key-stdin",
        action="store_true",
        help="read the key from standard input (stored in the system keyring)",
    )
    add.add_argument(
        "--tools",
        choices=("native", "prompt"),
        default="native",
        help="send tools as OpenAI 'tools' (native, default) or describe them in the prompt",
    )
    add.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="longest wait for the server's next bytes (default 120; raise it for slow servers "
        "reading long prompts)",
    )
    add.add_argument("--no-check", action="store_true", help="save without contacting the server")
    add.set_defaults(func=_add)
    ls = rs.add_parser("list", help="connections, whether they answer, and their models")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)
    rm = rs.add_parser("remove", help="remove a connection and forget its key")
    rm.add_argument("name")
    rm.set_defaults(func=_remove)


def _read_key() -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("API key: ").strip()
    return sys.stdin.readline().strip()


def _add(args: argparse.Namespace) -> int:
    api_key = None
    if args.api_key_stdin:
        api_key = _read_key()
        if not api_key:
            return fail("no API key on standard input")
    try:
        app = build_app()
    except Exception as exc:  # noqa: BLE001 - an unwritable config folder, a damaged database
        return fail(str(exc))
    try:
        remotes = app.models.remotes
        try:
            # Check first, so a wrong URL or key never replaces a working connection.
            models = (
                []
                if args.no_check
                else remotes.probe(
                    args.name, args.url, api_key=api_key, api_key_env=args.api_key_env
                )
            )
            conn, warning = remotes.add(
                args.name,
                args.url,
                api_key=api_key,
                api_key_env=args.api_key_env,
                tools=args.tools,
                timeout_s=args.timeout,
            )
        except FiresideError as exc:
            return fail(str(exc))
        if warning:
            print(f"fireside: warning: {warning}", file=sys.stderr)
        where = {
            "none": "no key",
            "env": f"key from ${conn.key_env}",
            "keyring": "key in the system keyring",
            "file": "key in the private key file",
        }[conn.key_source]
        if args.no_check:
            print(f"added {conn.name}: {conn.base_url} ({where}; not checked)")
        else:
            names = ", ".join(f"{conn.name}/{m.id}" for m in models[:5]) or "no models"
            more = f" and {len(models) - 5} more" if len(models) > 5 else ""
            print(f"added {conn.name}: {conn.base_url} ({where}); models: {names}{more}")
        return 0
    finally:
        app.close()


def _list(args: argparse.Namespace) -> int:
    try:
        app = build_app()
    except Exception as exc:  # noqa: BLE001
        return fail(str(exc))
    try:
        remotes = app.models.remotes
        statuses = [remotes.status(conn) for conn in remotes.connections()]
        if args.json:
            print_json(
                [
                    {
                        "name": s.connection.name,
                        "url": s.connection.base_url,
                        "key": s.connection.key_source,
                        "key_env": s.connection.key_env,
                        "tools": s.connection.tools,
                        "reachable": s.reachable,
                        "error": s.error,
                        "models": [
                            {"id": f"{s.connection.name}/{m.id}", "n_ctx": m.n_ctx}
                            for m in s.models
                        ],
                    }
                    for s in statuses
                ]
            )
            return 0
        if not statuses:
            print("no remote connections; add one with: fireside models remote add NAME URL")
        for s in statuses:
            count = len(s.models)
            state = (
                f"reachable, {count} model{'' if count == 1 else 's'}"
                if s.reachable
                else "NOT reachable"
            )
            print(f"{s.connection.name}  {s.connection.base_url}  ({state})")
            for m in s.models:
                print(f"    {s.connection.name}/{m.id}")
            if s.error:
                print(f"    {s.error}")
        return 0
    finally:
        app.close()


def _remove(args: argparse.Namespace) -> int:
    try:
        app = build_app()
    except Exception as exc:  # noqa: BLE001
        return fail(str(exc))
    try:
        try:
            conn = app.models.remotes.remove(args.name)
        except FiresideError as exc:
            return fail(str(exc))
        print(f"removed {conn.name} ({conn.base_url})")
        return 0
    finally:
        app.close()
