"""``fireside serve``: the local OpenAI-compatible API in the foreground (Ctrl-C stops it).

``--model`` and ``--threads`` hold for this run only (settings overrides, never written); the
rest of the settings follow the file while it serves (``fireside settings set`` elsewhere
reaches the next request).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import threading
from pathlib import Path

from fireside.api.api_key import ApiKeys
from fireside.api.server import ApiServer, ServerError, is_loopback
from fireside.api.services import DEFAULT_PORT, ApiServices
from fireside.cli.common import fail
from fireside.cli.options import port_number, positive_int
from fireside.models.errors import ModelError

from fireside.errors import FiresideError

log = logging.getLogger(__name__)
SETTINGS_SYNC_S = 2.0


def register(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the model through a local OpenAI-compatible API",
        description="Serve local models through an OpenAI-compatible API on this computer. "
        "Clients send 'Authorization: Bearer KEY'; FIRESIDE_API_KEY sets the key.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument(
        "--port", type=port_number, help=f"port (default {DEFAULT_PORT}; 0: any free port)"
    )
    p.add_argument("--model", "-m", metavar="PATH", help="GGUF served as 'default'")
    p.add_argument("--threads", type=positive_int, metavar="N", help="CPU threads for the model")
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name clients may use besides IP addresses and localhost (repeatable)",
    )
    p.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a web origin allowed to call the API from a browser (repeatable; default none)",
    )
    p.add_argument(
        "--allow-tool",
        action="append",
        default=[],
        metavar="NAME",
        help="let API requests run this network or file tool, e.g. weather (repeatable)",
    )
    p.add_argument("--max-queue", type=int, metavar="N", help="requests that may wait (16)")
    p.add_argument("--rotate-key", action="store_true", help="make a new key (the old one stops)")
    p.add_argument("--show-key", action="store_true", help="print the key itself")
    p.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    from fireside.assistant.app import build_app

    app = build_app()
    store = ApiKeys(app.secrets)
    try:
        key = store.rotate() if args.rotate_key else store.get()
    except FiresideError as exc:
        return fail(f"cannot store the API key: {exc}")
    if args.rotate_key:
        print(f"fireside: a new API key is stored in {key.where}", file=sys.stderr)
    config = dataclasses.replace(app.settings.api)  # this run's flags go on a copy
    config.host = args.host
    if args.port is not None:
        config.port = args.port
    config.allowed_hosts = [*config.allowed_hosts, *args.allow_host]
    config.cors_origins = [*config.cors_origins, *args.cors_origin]
    config.allowed_tools = [*config.allowed_tools, *args.allow_tool]
    if args.max_queue is not None:
        config.max_queue = max(0, args.max_queue)
    if args.threads:
        app.settings_store.override("model.n_threads", args.threads)  # this run only
    if args.model:
        path = Path(args.model).expanduser()
        if not path.is_file():
            return fail(f"{args.model}: no such model file")
        app.settings_store.override("model.path", str(path.resolve()))  # this run only
    try:
        app.models.get(None)  # load now: a bad model is an error at start, not at first use
    except ModelError as exc:
        return fail(str(exc))
    services = ApiServices.from_app(app, key=lambda: key.value)
    server = ApiServer(services, config, access_log=True)
    if not is_loopback(config.host):
        print(
            f"fireside: warning: listening on {config.host}: other computers on the network "
            "can reach this server (they still need the key)",
            file=sys.stderr,
        )
    try:
        server.start()
    except ServerError as exc:
        return fail(str(exc))
    model = app.models.describe(app.models.resolve_path(None))
    print(f"Fireside API at {server.url} serving {model} as 'default'", flush=True)
    if args.show_key:
        print(f"API key: {key.value}", flush=True)
    else:
        print(f"API key: in {key.where} (show it with --show-key)", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    stop = threading.Event()
    threading.Thread(
        target=_follow_settings,
        args=(app.settings_store, stop),
        name="fireside-settings",
        daemon=True,
    ).start()
    try:
        server.wait()
    except KeyboardInterrupt:
        print("\nfireside: stopping the API server", file=sys.stderr)
    finally:
        stop.set()
        server.stop()
        app.close()
    return 0


def _follow_settings(store, stop: threading.Event) -> None:
    """Bring in what other processes write to the settings, while the server runs."""
    while not stop.wait(SETTINGS_SYNC_S):
        try:
            store.sync()
        except Exception:  # noqa: BLE001 - a bad moment must not end the server
            log.exception("could not read the settings again")
