"""``fireside ask``: one question answered from document collections, with its sources.

A chat turn with collections (the default: all of them), like ``fireside chat -C``: the
answer streams to stdout and the numbered sources follow on stderr, so the answer can be
piped on its own; ``--json`` prints the text and the citations as one object.
"""

from __future__ import annotations

import argparse
import sys

from fireside.cli.common import fail, print_json, print_sources
from fireside.cli.images import add_image_option, question_images, read_images
from fireside.cli.options import add_model_options, add_sampling_options, add_web_option


def register(sub) -> None:
    p = sub.add_parser("ask", help="answer a question from your documents, with citations")
    p.add_argument("question")
    p.add_argument(
        "--collection",
        "-C",
        action="append",
        metavar="NAME",
        help="default: all collections (repeat for several)",
    )
    p.add_argument("--conversation", "-c", type=int, metavar="ID")
    p.add_argument("-k", type=int, default=6, help="excerpts given to the model (default 6)")
    p.add_argument(
        "--whole",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="read whole documents (summaries); default: decided from the question",
    )
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--allow-tools", action="store_true", help="let network and file tools run without asking"
    )
    add_web_option(p)
    add_image_option(p)
    add_model_options(p)
    add_sampling_options(p)
    p.set_defaults(func=run_ask)


def run_ask(args) -> int:
    from fireside.assistant.app import build_app
    from fireside.assistant.turn_request import RetrievalOptions, ToolPolicy, TurnRequest
    from fireside.cli.chat_cmd import _approver
    from fireside.cli.options import load_options_from, sampling_from
    from fireside.cli.turn_output import consume
    from fireside.models.errors import ModelError
    from fireside.models.generation import CancelToken

    app = build_app()  # a damaged or busy database: one line from the CLI's boundary
    try:
        # the model first, as in `fireside chat`: a bad --model is named whatever else is wrong
        path = app.models.resolve_path(args.model)
        app.models.get(path, load_options_from(args, app.models.load_options(path)))
        images = read_images(args.image)  # a missing picture is named before anything else
        existing = [c.name for c in app.documents_store.collections(counts=False)]
        unknown = [n for n in args.collection or () if n not in existing]
        if unknown:
            return fail(
                f"no collection named {unknown[0]!r}"
                + (f" (collections: {', '.join(existing)})" if existing else "")
            )
        if not existing and not args.web:
            return fail("no document collections yet: fireside docs add PATH... -C NAME")
        cancel = CancelToken()
        request = TurnRequest(
            args.question,
            images=images,
            conversation_id=args.conversation,
            collections=args.collection or existing or None,
            retrieval=RetrievalOptions(k=args.k, whole_document=args.whole),
            tools=ToolPolicy(approve=_approver(args), web=args.web),
            params=sampling_from(args, app.settings.model_settings(path).sampling),
            model=path,
            cancel=cancel,
        )
        out = consume(
            app.engine.run(request), cancel, quiet=args.json, conversation_id=args.conversation
        )
        shown = question_images(app, out.done.message_id) if out.done else {}
    except ModelError as exc:
        return fail(str(exc))
    finally:
        app.close()
    if out.done is None:
        return out.code
    if args.json:
        print_json(
            {
                "text": out.done.text,
                "citations": out.citations_json(),
                "support": out.support_json(),
                "conversation_id": out.done.conversation_id,
                "message_id": out.done.message_id,
                **shown,
            }
        )
        return out.code
    print()
    print_sources(out.citations)
    if out.done.finish_reason == "cancelled":
        print("[stopped]", file=sys.stderr)
    return out.code
