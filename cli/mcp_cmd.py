"""``fireside mcp add|import|list|tools|restart|remove|enable|disable``: the MCP servers.

The servers live in ``mcp.json`` in the config folder (the ``mcpServers`` format), so the
file can also be edited by hand or copied from Claude Desktop, Cursor or LM Studio.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fireside.assistant.mcp.config import (
    CONFIG_NAME,
    DEFAULT_CALL_TIMEOUT_S,
    McpConfig,
    ServerConfig,
    read_config_file,
)
from fireside.assistant.mcp.connection import ServerStatus
from fireside.assistant.mcp.failures import FAILURES_NAME, FailureMemory
from fireside.assistant.mcp.manager import McpManager
from fireside.assistant.settings import Paths
from fireside.cli.common import fail, print_json

from fireside.errors import FiresideError


def _config() -> McpConfig:
    return McpConfig(Paths.from_env().ensure().config_dir / CONFIG_NAME)


def _failures() -> FailureMemory:
    return FailureMemory(Paths.from_env().ensure().cache_dir / FAILURES_NAME)


def _manager(config: McpConfig | None = None) -> McpManager:
    """A manager that skips servers that failed to start lately (see ``mcp/failures.py``)."""
    return McpManager(config or _config(), failures=_failures())


def _pairs(values: list[str] | None, flag: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise FiresideError(f"{flag} expects KEY=VALUE, not {item!r}")
        pairs[key] = value
    return pairs


def _status_line(s: ServerStatus) -> str:
    tools = f"{len(s.tools)} tool{'s' if len(s.tools) != 1 else ''}" if s.state == "running" else ""
    parts = [s.name, s.state, s.transport, s.target] + ([tools] if tools else [])
    return "  ".join(parts)


def _check(config: McpConfig, name: str) -> int:
    """Start the new server once and say how that went."""
    manager = _manager(config)
    try:
        status = manager.status(name, start=True)
    finally:
        manager.close()
    if status.state == "running":
        print(f"{name}: running, {len(status.tools)} tools")
        return 0
    print(f"fireside: warning: {name} did not start: {status.error}", file=sys.stderr)
    return 0


def _add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="a Streamable HTTP server's endpoint")
    parser.add_argument("--env", action="append", metavar="K=V", help="environment (repeatable)")
    parser.add_argument("--header", action="append", metavar="K=V", help="HTTP header (repeatable)")
    parser.add_argument("--timeout", type=float, metavar="S", help="seconds per tool call (60)")
    parser.add_argument("--replace", action="store_true", help="overwrite a server of that name")
    parser.add_argument("--no-check", action="store_true", help="don't start it to check it")


def _split_add(args: argparse.Namespace) -> list[str]:
    """Options written after NAME, then the command after ``--`` (argparse cannot mix them)."""
    rest = list(args.rest or [])
    if "--" in rest:
        cut = rest.index("--")
    else:  # argparse may have eaten the "--" already
        cut = len(rest) if rest and rest[0].startswith("-") else -1
    options, command = (rest[:cut], rest[cut + 1 :]) if cut >= 0 else ([], rest)
    if options:
        extra = argparse.ArgumentParser(prog="fireside mcp add", add_help=False)
        _add_options(extra)
        parsed, unknown = extra.parse_known_args(options)
        if unknown:
            raise FiresideError(
                f"unexpected {' '.join(unknown)!r}: put the server's command after --"
            )
        for key, value in vars(parsed).items():
            if isinstance(value, list):
                setattr(args, key, (getattr(args, key) or []) + value)
            elif value not in (None, False):
                setattr(args, key, value)
    return command


def cmd_add(args: argparse.Namespace) -> int:
    command = _split_add(args)
    if bool(command) == bool(args.url):
        return fail("give either a command after -- (stdio) or --url URL (Streamable HTTP)")
    server = ServerConfig(
        args.name,
        command=command[0] if command else None,
        args=command[1:],
        env=_pairs(args.env, "--env"),
        url=args.url,
        headers=_pairs(args.header, "--header"),
        timeout_s=args.timeout or DEFAULT_CALL_TIMEOUT_S,
    )
    ServerConfig.from_json(server.name, server.to_json(), "fireside mcp add")  # same checks
    config = _config()
    config.put(server, replace=args.replace)
    print(f"added MCP server {server.name} ({server.transport}: {server.target})")
    return 0 if args.no_check else _check(config, server.name)


def cmd_import(args: argparse.Namespace) -> int:
    config = _config()
    servers = read_config_file(Path(args.file).expanduser())
    if not servers:
        return fail(f"{args.file}: no servers in it")
    existing = {s.name for s in config.load()}
    added, skipped = [], []
    for server in servers:
        if server.name in existing and not args.replace:
            skipped.append(server.name)
            continue
        config.put(server, replace=True)
        added.append(server.name)
    if added:
        print(
            f"imported {len(added)} MCP server{'s' if len(added) != 1 else ''}: {', '.join(added)}"
        )
    if skipped:
        print(
            f"fireside: warning: already configured, left as they are: {', '.join(skipped)} "
            "(--replace to overwrite)",
            file=sys.stderr,
        )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    manager = _manager()
    try:
        statuses = manager.statuses(start=not args.no_start)
    finally:
        manager.close()
    if manager.config_error:
        return fail(manager.config_error)
    if args.json:
        print_json({"servers": [s.to_dict() for s in statuses]})
        return 0
    if not statuses:
        print("no MCP servers (add one: fireside mcp add NAME -- COMMAND [ARGS...])")
    for s in statuses:
        print(_status_line(s))
        if s.error and s.state != "running":
            print(f"  error: {s.error}")
    return 0


def cmd_tools(args: argparse.Namespace) -> int:
    manager = _manager()
    try:
        if args.name:
            manager.status(args.name)  # an unknown name is an error, not an empty list
        tools = [t for t in manager.tools() if not args.name or t.origin == f"mcp:{args.name}"]
        statuses = manager.statuses()
    finally:
        manager.close()
    if args.json:
        print_json({"tools": [t.to_dict() for t in tools]})
        return 0
    for tool in tools:
        print(f"{tool.name} [{tool.origin}]: {tool.description}")
        props = tool.parameters.get("properties", {})
        required = tool.parameters.get("required", [])
        params = ", ".join(
            f"{p}{'' if p in required else '?'}: {s.get('type', 'value') if isinstance(s, dict) else 'value'}"
            for p, s in props.items()
        )
        print(f"  arguments: {params or 'none'}")
    for s in statuses:
        if (not args.name or s.name == args.name) and s.enabled and s.state != "running":
            print(f"fireside: warning: {s.name} is {s.state}: {s.error}", file=sys.stderr)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    _config().remove(args.name)
    print(f"removed MCP server {args.name}")
    return 0


def cmd_enable(args: argparse.Namespace, enabled: bool) -> int:
    _config().set_enabled(args.name, enabled)
    _failures().forget(args.name)
    print(f"{args.name}: {'enabled' if enabled else 'disabled'}")
    return 0


def cmd_restart(args: argparse.Namespace) -> int:
    """Start one server now, even if it failed lately (after the user fixed it)."""
    manager = _manager()
    try:
        status = manager.restart(args.name)
    finally:
        manager.close()
    if status.state == "running":
        print(f"{args.name}: running, {len(status.tools)} tools")
        return 0
    return fail(f"{args.name} did not start: {status.error or status.state}")


def handle(args: argparse.Namespace) -> int:
    actions = {
        "add": cmd_add,
        "import": cmd_import,
        "list": cmd_list,
        "tools": cmd_tools,
        "remove": cmd_remove,
        "restart": cmd_restart,
        "enable": lambda a: cmd_enable(a, True),
        "disable": lambda a: cmd_enable(a, False),
    }
    action = actions.get(args.mcp_command)
    if action is None:
        return fail("choose an action: fireside mcp add | import | list | tools | remove")
    try:
        return action(args)
    except FiresideError as exc:
        return fail(str(exc))


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "mcp", help="Model Context Protocol servers whose tools the model may use"
    )
    sub = parser.add_subparsers(dest="mcp_command", metavar="ACTION")
    p_add = sub.add_parser(
        "add",
        help="add a server: NAME -- COMMAND [ARGS...] (stdio), or NAME --url URL (HTTP)",
        usage="fireside mcp add NAME [--env K=V] -- COMMAND [ARGS...]\n"
        "       fireside mcp add NAME --url URL [--header K=V]",
    )
    p_add.add_argument("name")
    _add_options(p_add)
    p_add.add_argument("rest", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    p_import = sub.add_parser(
        "import", help="add the servers of a Claude Desktop, Cursor or LM Studio config file"
    )
    p_import.add_argument("file")
    p_import.add_argument("--replace", action="store_true", help="overwrite servers of that name")
    p_list = sub.add_parser("list", help="servers, their state, last error and tool count")
    p_list.add_argument("--json", action="store_true", help="machine-readable output")
    p_list.add_argument("--no-start", action="store_true", help="don't start servers to check")
    p_tools = sub.add_parser("tools", help="the tools of every server, or of one")
    p_tools.add_argument("name", nargs="?")
    p_tools.add_argument("--json", action="store_true", help="machine-readable output")
    for action, text in (
        ("restart", "start a server now, even one that failed lately"),
        ("remove", "forget a server"),
        ("enable", "use a server again"),
        ("disable", "stop using a server"),
    ):
        p = sub.add_parser(action, help=text)
        p.add_argument("name")
    parser.set_defaults(func=handle)
