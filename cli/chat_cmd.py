"""``fireside chat``: stream a reply to stdout, or print one JSON object with ``--json``.

The first Ctrl-C stops generation cleanly (the partial reply is kept, marked stopped); a
second one interrupts at once.
"""

from __future__ import annotations

import argparse
import json
import sys

from fireside.assistant.app import build_app
from fireside.assistant.turn_request import ToolPolicy, TurnRequest
from fireside.cli.common import fail, print_json, print_sources
from fireside.cli.images import add_image_option, question_images, read_images
from fireside.cli.options import (
    add_model_options,
    add_sampling_options,
    add_web_option,
    load_options_from,
    sampling_from,
)
from fireside.cli.turn_output import consume
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
    add_image_option(p)
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
    p.add_argument(
        "--assistant",
        "-a",
        metavar="NAME",
        help="chat with this assistant (see 'fireside assistants list'); the conversation "
        "remembers it; '' for none",
    )
    add_web_option(p)
    add_model_options(p)
    add_sampling_options(p)
    p.set_defaults(func=run)


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


def _assistant_model(app, args, conversation_id: int | None) -> str | None:
    """The model of the chat's assistant, when no --model names one."""
    if args.assistant:
        return app.assistants.get(args.assistant).model  # an unknown name: one line, first
    name = app.history.get_conversation(conversation_id).assistant if conversation_id else None
    if not name or not app.assistants.exists(name):
        return None  # a chat's deleted assistant: the turn says so and goes on
    return app.assistants.get(name).model


def _one_turn(app, args, prompt: str, conversation_id: int | None) -> tuple[int, int | None]:
    app.history  # noqa: B018 - the turn is written there: a damaged history stops it first
    path = app.models.resolve_path(args.model or _assistant_model(app, args, conversation_id))
    load = load_options_from(args, app.models.load_options(path))
    backend = app.models.get(path, load)  # load first: a bad model writes nothing to history
    if app.models.is_bundled(path) and not args.json and conversation_id is None:
        print(
            "[using the bundled SmolLM2 135M demo model; for better answers pass "
            "--model PATH to a larger GGUF]",
            file=sys.stderr,
            flush=True,
        )
    if backend.description.leaves_machine and not args.json and conversation_id is None:
        print(
            f"[{backend.description.id}: messages are sent to {backend.description.device}]",
            file=sys.stderr,
            flush=True,
        )
    cancel = CancelToken()
    images, args.image = read_images(args.image), None  # with the first message only
    request = TurnRequest(
        prompt,
        images=images,
        conversation_id=conversation_id,
        collections=_collections(args),
        tools=ToolPolicy(
            offer=args.tools, approve=_approver(args), routing=args.routing, web=args.web
        ),
        params=sampling_from(args, app.settings.model_settings(path).sampling),
        model=path,
        system=args.system,
        cancel=cancel,
        assistant=args.assistant,
    )
    out = consume(app.engine.run(request), cancel, quiet=args.json, conversation_id=conversation_id)
    if out.done is None:
        return out.code, out.conversation_id
    done = out.done
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
                "device": backend.description.device,
                "backend": backend.description.backend,
                "dropped_messages": done.dropped_messages,
                "tool_calls": out.tool_calls(),
                "citations": out.citations_json(),
                "support": out.support_json(),
                "conversation_id": done.conversation_id,
                "message_id": done.message_id,
                **question_images(app, done.message_id),
            }
        )
    else:
        sys.stdout.write("\n")
        print_sources(out.citations)
        if done.finish_reason == "cancelled":
            print("[stopped]", file=sys.stderr)
    return out.code, out.conversation_id


def _collections(args) -> list[str] | None:
    """Collections given now (remembered by the chat), none, or None: the chat's own."""
    if args.no_documents:
        return []
    return args.collection or None


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
