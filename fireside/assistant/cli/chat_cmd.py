"""``fireside chat``: stream a reply to stdout, or print one JSON object with ``--json``.

The first Ctrl-C stops generation cleanly (the partial reply is kept, marked stopped); a
second one interrupts at once.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from contextlib import ExitStack, closing, contextmanager
from dataclasses import asdict

from fireside.assistant.app import build_app
from fireside.assistant.cli.common import fail, print_json, print_sources
from fireside.assistant.cli.options import (
    add_model_options,
    add_sampling_options,
    load_options_from,
    sampling_from,
)
from fireside.assistant.events import (
    Citations,
    ContextTrimmed,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnDone,
    TurnError,
    TurnNotice,
    TurnStarted,
)
from fireside.models.errors import ModelError
from fireside.models.generation import CancelToken


def register(sub) -> None:
    p = sub.add_parser("chat", help="chat with a local model")
    p.add_argument(
        "prompt",
        nargs="?",
        help="the message; '-' reads stdin; omit for a conversation in the terminal",
    )
    p.add_argument("--system", "-s", help="system prompt")
    p.add_argument(
        "--conversation", "-c", type=int, metavar="ID", help="continue this conversation"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object at the end")
    p.add_argument(
        "--no-tools",
        dest="tools",
        action="store_false",
        default=None,
        help="don't offer tools to the model (/calc and /weather typed by you still work)",
    )
    p.add_argument(
        "--tools",
        dest="tools",
        action="store_true",
        default=None,
        help="offer tools even to a small model (default: to models of 1B+ parameters or "
        "with a tool-call chat template)",
    )
    p.add_argument(
        "--no-routing",
        dest="routing",
        action="store_false",
        default=None,
        help="don't run obviously requested tools (sums, weather, the date) before the model "
        "answers",
    )
    p.add_argument(
        "--collection",
        "-C",
        action="append",
        metavar="NAME",
        help="answer from this document collection, with sources (repeat for several); "
        "the conversation remembers its collections",
    )
    p.add_argument(
        "--no-documents",
        action="store_true",
        help="plain chat: stop answering this conversation from its document collections",
    )
    p.add_argument(
        "--allow-tools", action="store_true", help="let network and file tools run without asking"
    )
    add_model_options(p)
    add_sampling_options(p)
    p.set_defaults(func=run)


@contextmanager
def _ctrl_c_cancels(cancel: CancelToken):
    def handler(signum, frame):
        if cancel.cancelled:
            raise KeyboardInterrupt
        cancel.cancel()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _approver(args):
    """Ask on the terminal before a network or file tool runs; never ask a pipe."""
    if args.allow_tools:
        return lambda tool, arguments: True
    if not sys.stdin.isatty():
        return None

    def ask(tool, arguments) -> bool:
        if tool.source.startswith("mcp:"):
            what = f"It comes from MCP server {tool.source.removeprefix('mcp:')}"
        else:
            what = f"It uses the {'network' if tool.network else 'file system'}"
        answer = input(
            f"\nAllow {tool.name}({json.dumps(arguments, ensure_ascii=False)})? {what}. [y/N] "
        )
        return answer.strip().lower() in ("y", "yes")

    return ask


def _one_turn(app, args, prompt: str, conversation_id: int | None) -> tuple[int, int | None]:
    path = app.models.resolve_path(args.model)
    load = load_options_from(args, app.models.load_options(path))
    app.models.get(path, load)  # load first: a bad model writes nothing to history
    if app.models.is_bundled(path) and not args.json and conversation_id is None:
        print(
            "[using the bundled SmolLM2 135M demo model; for better answers pass "
            "--model PATH to a larger GGUF]",
            file=sys.stderr,
            flush=True,
        )
    params = sampling_from(args, app.settings.model_settings(path).sampling)
    cancel = CancelToken()
    done = None
    calls: list[dict] = []
    citations = []
    stack = ExitStack()
    collections = _collections(app, args, conversation_id)
    if collections:
        from fireside.assistant.documents.chat_scope import answer_in_chat
        from fireside.assistant.documents.service import open_store

        store = stack.enter_context(closing(open_store(app.paths)))
        events = answer_in_chat(
            app.engine,
            store,
            app.history,
            prompt,
            collections,
            conversation_id=conversation_id,
            model_path=path,
            params=params,
            cancel=cancel,
        )
    else:
        tools = app.engine.turn_tools(
            approve=_approver(args), enabled=args.tools, routing=args.routing
        )
        events = app.engine.send(
            prompt,
            conversation_id=conversation_id,
            model_path=path,
            params=params,
            system=args.system,
            cancel=cancel,
            tools=tools,
        )
    with stack, _ctrl_c_cancels(cancel):
        for event in events:
            if isinstance(event, TextDelta) and not args.json:
                sys.stdout.write(event.text)
                sys.stdout.flush()
            elif isinstance(event, ContextTrimmed) and not args.json:
                print(
                    f"[{event.dropped_messages} oldest messages left out to fit the "
                    f"{event.n_ctx}-token context]",
                    file=sys.stderr,
                )
            elif isinstance(event, ToolCall):
                calls.append(
                    {"call_id": event.call_id, "name": event.name, "arguments": event.arguments}
                )
                if not args.json:
                    print(
                        f"[tool] {event.name}({json.dumps(event.arguments, ensure_ascii=False)})",
                        file=sys.stderr,
                        flush=True,
                    )
            elif isinstance(event, ToolResult):
                for call in calls:
                    if call["call_id"] == event.call_id:
                        call.update(
                            output=event.output,
                            is_error=event.is_error,
                            duration_s=round(event.duration_s, 4),
                        )
                if not args.json:
                    label = "error" if event.is_error else "result"
                    print(f"[tool {label}] {event.output}", file=sys.stderr, flush=True)
            elif isinstance(event, Citations):
                citations = event.items
            elif isinstance(event, TurnNotice):
                print(f"[{event.text}]", file=sys.stderr, flush=True)
            elif isinstance(event, TurnStarted):
                conversation_id = event.conversation_id
            elif isinstance(event, TurnError):
                return fail(event.message), conversation_id
            elif isinstance(event, TurnDone):
                done = event
    if args.json:
        print_json(
            {
                "text": done.text,
                "model": done.model,
                "usage": {
                    "prompt_tokens": done.usage.prompt_tokens,
                    "completion_tokens": done.usage.completion_tokens,
                    "prompt_eval_tokens": done.usage.prompt_eval_tokens,
                    "cached_tokens": done.usage.cached_tokens,
                },
                "timings": {
                    "load_s": round(done.timings.load_s, 4),
                    "ttft_s": round(done.timings.ttft_s, 4),
                    "generate_s": round(done.timings.generate_s, 4),
                    "tokens_per_s": done.timings.tokens_per_s,
                },
                "finish_reason": done.finish_reason,
                "device": app.models.current.report.device_label,
                "dropped_messages": done.dropped_messages,
                "tool_calls": calls,
                "citations": [{"n": n, **asdict(c)} for n, c in enumerate(citations, 1)],
                "conversation_id": done.conversation_id,
                "message_id": done.message_id,
            }
        )
    else:
        sys.stdout.write("\n")
        print_sources(citations)
        if done.finish_reason == "cancelled":
            print("[stopped]", file=sys.stderr)
    return (130 if done.finish_reason == "cancelled" else 0), conversation_id


def _collections(app, args, conversation_id: int | None) -> list[str]:
    """The turn's collections: given now (and remembered), else the conversation's own."""
    if args.no_documents:
        if conversation_id is not None:
            app.history.set_collections(conversation_id, [])
        return []
    if args.collection:
        return args.collection
    if conversation_id is None:
        return []
    return app.history.get_conversation(conversation_id).collections


def run(args: argparse.Namespace) -> int:
    try:
        app = build_app()
    except Exception as exc:  # a damaged history database, an unwritable data folder
        return fail(str(exc))
    try:
        if args.prompt is not None:
            prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
            code, _ = _one_turn(app, args, prompt, args.conversation)
            return code
        return _interactive(app, args)
    except ModelError as exc:
        return fail(str(exc))
    finally:
        app.close()


def _interactive(app, args) -> int:
    conversation_id = args.conversation
    while True:
        try:
            prompt = input("> " if sys.stdin.isatty() else "")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not prompt.strip():
            continue
        if prompt.strip() in ("/exit", "/quit"):
            return 0
        code, conversation_id = _one_turn(app, args, prompt, conversation_id)
        if code not in (0, 130):
            return code
