"""``fireside tools list|run``: see which tools the plugins offer, and run one by hand.

Running a plugin tool from the command line is the user's own explicit action, so plugin
tools that need approval in chat (network, filesystem) run without asking here. Tools from
MCP servers are other programs' code: they ask first, as in chat, unless ``--yes`` is given
or the tool is always allowed.
"""

from __future__ import annotations

import argparse
import json
import sys

from fireside.assistant.mcp.registry import combined_registry
from fireside.assistant.settings import Settings
from fireside.cli.app_command import with_app
from fireside.cli.common import fail, print_json
from fireside.plugins.registry import UnknownToolError
from fireside.plugins.schema import ToolArgumentError, validate_arguments
from fireside.plugins.tools import run_tool


def _flags(tool) -> str:
    flags = [f for f in ("network", "filesystem") if getattr(tool, f)]
    return f" [{', '.join(flags)}]" if flags else ""


@with_app
def cmd_list(app, args: argparse.Namespace) -> int:
    manager = app.plugins
    mcp_tools = app.mcp.tools()
    mcp_failures = [s for s in app.mcp.statuses() if s.enabled and s.state != "running"]
    if args.json:
        print_json(
            {
                "plugins": [
                    {
                        "name": p.name,
                        "module": p.module,
                        "enabled": p.enabled,
                        "loaded": p.loaded,
                        "error": p.error,
                        "tools": p.tools,
                    }
                    for p in manager.plugins()
                ],
                "tools": [t.to_dict() for t in manager.tools() + mcp_tools],
                "errors": [{"plugin": n, "error": e} for n, e in manager.failures],
                "mcp_errors": [{"server": s.name, "error": s.error} for s in mcp_failures],
            }
        )
        return 0
    tools = {t.name: t for t in manager.tools()}
    for plugin in manager.plugins():
        state = "" if plugin.enabled else " (disabled)"
        print(f"{plugin.name}{state}  [{plugin.module}]")
        for name in plugin.tools:
            tool = tools[name]
            print(f"  {name}{_flags(tool)}: {tool.description}")
            params = ", ".join(
                f"{p}{'' if p in tool.parameters.get('required', []) else '?'}: "
                f"{s.get('type', 'value')}"
                for p, s in tool.parameters.get("properties", {}).items()
            )
            print(f"    arguments: {params or 'none'}")
    servers = sorted({t.origin for t in mcp_tools})
    for origin in servers:
        print(f"{origin.removeprefix('mcp:')}  [MCP server]")
        for tool in (t for t in mcp_tools if t.origin == origin):
            print(f"  {tool.name}: {tool.description}")
    for name, error in manager.failures:
        print(f"fireside: warning: plugin {name} failed to load: {error}", file=sys.stderr)
    for status in mcp_failures:
        print(
            f"fireside: warning: MCP server {status.name} is {status.state}: {status.error}",
            file=sys.stderr,
        )
    return 0


def _approved(tool, arguments: dict, args: argparse.Namespace, settings: Settings) -> bool:
    """MCP tools ask first (``--yes`` or "always allow" answers for the user)."""
    if not tool.source.startswith("mcp:") or args.yes:
        return True
    if tool.name in settings.chat.always_allowed_tools:
        return True
    if not sys.stdin.isatty():
        return False
    answer = input(
        f"Allow {tool.name}({json.dumps(arguments, ensure_ascii=False)}) "
        f"from MCP server {tool.source.removeprefix('mcp:')}? [y/N] "
    )
    return answer.strip().lower() in ("y", "yes")


def _exit_code(outcome) -> int:
    """0 for a result; 2 when the tool refused (as for any bad input); 1 when it broke."""
    if not outcome.is_error:
        return 0
    return 2 if outcome.refused else 1


@with_app
def cmd_run(app, args: argparse.Namespace) -> int:
    try:
        arguments = json.loads(args.arguments)
    except ValueError as exc:
        return fail(f"invalid JSON arguments: {exc.msg} (expected e.g. '{{\"x\": 1}}')")
    if not isinstance(arguments, dict):
        return fail('arguments must be a JSON object, e.g. \'{"expression": "2+2"}\'')
    try:
        tool = combined_registry(app.plugins.tools(), app.mcp).get(args.name)
        arguments = validate_arguments(tool.parameters, arguments)
    except UnknownToolError as exc:
        return fail(str(exc))
    except ToolArgumentError as exc:
        return fail(f"invalid arguments for {args.name}: {exc}")
    if not _approved(tool, arguments, args, app.settings):
        return fail(
            f"{tool.name} comes from {tool.source} and needs your approval: "
            "run it again with --yes",
            code=1,
        )
    outcome = run_tool(tool, arguments)
    if args.json:
        print_json(
            {
                "tool": tool.name,
                "arguments": arguments,
                "output": outcome.output,
                "is_error": outcome.is_error,
                "duration_s": round(outcome.duration_s, 4),
            }
        )
        return _exit_code(outcome)
    if outcome.is_error:
        return fail(f"{tool.name}: {outcome.output}", code=_exit_code(outcome))
    print(outcome.output)
    return 0


def handle(args: argparse.Namespace) -> int:
    if args.tools_command == "list":
        return cmd_list(args)
    if args.tools_command == "run":
        return cmd_run(args)
    return fail("choose an action: fireside tools list | fireside tools run NAME JSON")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("tools", help="list the tools plugins offer, or run one")
    sub = parser.add_subparsers(dest="tools_command", metavar="ACTION")
    p_list = sub.add_parser("list", help="plugins, their tools and schemas, and load errors")
    p_list.add_argument("--json", action="store_true", help="machine-readable output")
    p_run = sub.add_parser("run", help="run one tool with JSON arguments")
    p_run.add_argument("name", help="tool name, e.g. calculator")
    p_run.add_argument(
        "arguments", nargs="?", default="{}", help='JSON object, e.g. \'{"expression": "2+2"}\''
    )
    p_run.add_argument("--json", action="store_true", help="print the outcome as JSON")
    p_run.add_argument(
        "--yes", "-y", action="store_true", help="approve this run of a tool that asks first"
    )
    parser.set_defaults(func=handle)
