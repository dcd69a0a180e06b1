"""``fireside ask``: one question answered from document collections, with its sources.

The answer streams to stdout and the numbered sources follow on stderr, so the answer can
be piped on its own; ``--json`` prints the text and the citations as one object.
"""

from __future__ import annotations

import argparse
import sys

from fireside.assistant.cli.common import fail, print_json, print_sources
from fireside.assistant.cli.options import add_model_options, add_sampling_options
from fireside.assistant.documents.service import open_store


def register(sub) -> None:
    p = sub.add_parser("ask", help="answer a question from your documents, with citations")
    p.add_argument("question")
    p.add_argument("--collection", "-C", metavar="NAME", help="default: all collections")
    p.add_argument("--conversation", "-c", type=int, metavar="ID")
    p.add_argument("-k", type=int, default=6, help="excerpts given to the model (default 6)")
    p.add_argument(
        "--whole",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="read whole documents (summaries); default: decided from the question",
    )
    p.add_argument("--json", action="store_true")
    add_model_options(p)
    add_sampling_options(p)
    p.set_defaults(func=run_ask)


def run_ask(args) -> int:
    from fireside.assistant.app import build_app
    from fireside.assistant.cli.options import load_options_from, sampling_from
    from fireside.assistant.documents.answering import AskOptions, ask
    from fireside.assistant.events import Citations, TextDelta, TurnDone, TurnError
    from fireside.models.errors import ModelError

    app = build_app()
    store = open_store(app.paths)
    try:
        path = app.models.resolve_path(args.model)
        app.models.get(path, load_options_from(args, app.models.load_options(path)))
    except ModelError as exc:
        return fail(str(exc))
    params = sampling_from(args, app.settings.model_settings(path).sampling)
    citations, done = [], None
    opts = AskOptions(k=args.k, whole_document=args.whole)
    try:
        for event in ask(
            app.engine,
            store,
            args.question,
            collections=args.collection,
            conversation_id=args.conversation,
            model_path=path,
            params=params,
            options=opts,
        ):
            if isinstance(event, TextDelta) and not args.json:
                sys.stdout.write(event.text)
                sys.stdout.flush()
            elif isinstance(event, Citations):
                citations = event.items
            elif isinstance(event, TurnError):
                return fail(event.message)
            elif isinstance(event, TurnDone):
                done = event
    finally:
        app.close()
    cites = [{"n": i, **c.__dict__} for i, c in enumerate(citations, 1)]
    if args.json:
        print_json(
            {
                "text": done.text if done else "",
                "citations": cites,
                "conversation_id": done.conversation_id if done else None,
                "message_id": done.message_id if done else None,
            }
        )
        return 0
    print()
    print_sources(citations)
    return 0
