"""``fireside history export | import | rate``: conversations that travel, and feedback.

``export`` writes Markdown, one self-contained HTML file or Fireside's JSON (everything,
importable again) to a file or stdout; ``--preferences`` writes preference pairs (JSON
Lines) from rated and regenerated replies. ``import`` reads a ChatGPT or Claude data export
(the zip or its ``conversations.json``) or Fireside's JSON and prints what it added; a file
that is partly damaged imports what it can and exits 2 naming what it could not read.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fireside.cli.app_command import with_app
from fireside.cli.common import fail, print_json

FORMATS = ("md", "html", "json")
LANGUAGES = ("en", "zh_CN", "zh_TW")


def register(hs) -> None:
    export = hs.add_parser(
        "export",
        help="export conversations as Markdown, HTML or JSON (or preference pairs)",
        description="Export conversations. JSON is complete (every branch, citations, tool "
        "runs, files, ratings) and imports back as it was.",
    )
    export.add_argument("ids", nargs="*", type=int, metavar="ID", help="conversations to export")
    export.add_argument("--all", action="store_true", help="export every conversation")
    export.add_argument(
        "--format", "-f", choices=FORMATS, help="default: from the file name, else md"
    )
    export.add_argument("-o", "--output", default="-", metavar="PATH", help="default: stdout")
    export.add_argument(
        "--preferences",
        action="store_true",
        help="write DPO preference pairs (JSON Lines: prompt, chosen, rejected) from rated "
        "and regenerated replies",
    )
    export.add_argument(
        "--language", choices=LANGUAGES, default="en", help="the words around the messages"
    )
    export.set_defaults(func=_export)
    imp = hs.add_parser(
        "import",
        help="import a ChatGPT or Claude data export, or a Fireside JSON export",
        description="Import conversations from ChatGPT's data export (the .zip or its "
        "conversations.json), Claude's (conversations.json or the .zip) or Fireside's JSON. "
        "Conversations already imported are skipped.",
    )
    imp.add_argument("path")
    imp.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    imp.set_defaults(func=_import)
    rate = hs.add_parser("rate", help="rate a reply: thumbs up or down, with a reason")
    rate.add_argument("message", type=int, metavar="MESSAGE", help="the reply's message id")
    rate.add_argument("rating", choices=("up", "down", "none"), help="none clears the rating")
    rate.add_argument("--reason", help="why (shown with the reply and in exports)")
    rate.add_argument("--json", action="store_true")
    rate.set_defaults(func=_rate)


def _format(args) -> str:
    if args.format:
        return args.format
    suffix = Path(args.output).suffix.lower().lstrip(".")
    return (
        {"markdown": "md", "htm": "html"}.get(suffix, suffix)
        if suffix
        in (
            *FORMATS,
            "markdown",
            "htm",
        )
        else "md"
    )


@with_app
def _export(app, args) -> int:
    from fireside.assistant.transfer.exporter import atomic_text, checked_ids, export_to
    from fireside.assistant.transfer.preferences import write_preferences

    if args.ids and args.all:
        return fail("give conversation ids or --all, not both")
    if not args.ids and not args.all and not args.preferences:
        return fail("which conversations? give their ids, or --all")
    ids = checked_ids(app.history, args.ids or None)
    if args.preferences:
        write = lambda out: write_preferences(app.history, out, ids)  # noqa: E731
        what = "preference pairs"
    else:
        fmt = _format(args)
        write = lambda out: export_to(  # noqa: E731
            app.history, app.paths.data_dir, ids, fmt, out, args.language
        )
        what = "conversations"
    if args.output == "-":
        count = write(sys.stdout)
        sys.stdout.flush()
    else:
        with atomic_text(args.output) as out:
            count = write(out)
        print(f"exported {count} {what} to {args.output}", file=sys.stderr)
    return 0


@with_app
def _import(app, args) -> int:
    from fireside.assistant.transfer.importer import import_export

    steps = import_export(app.history, app.paths.data_dir, args.path)
    show = sys.stderr.isatty() and not args.json
    while True:
        try:
            progress = next(steps)
        except StopIteration as done:
            report = done.value
            break
        if show:
            print(
                f"\rimporting… {progress.fraction:.0%} ({progress.conversations} conversations)",
                end="",
                file=sys.stderr,
                flush=True,
            )
    if show:
        print(file=sys.stderr)
    if args.json:
        print_json(report.to_dict())
    else:
        print(report.summary())
    problems = report.problems()
    for line in problems[:-1]:
        print(f"fireside: {line}", file=sys.stderr)
    return fail(problems[-1]) if problems else 0


@with_app
def _rate(app, args) -> int:
    rating = None if args.rating == "none" else args.rating
    message = app.history.rate(args.message, rating, args.reason)
    if args.json:
        print_json(
            {"message_id": message.id, "rating": message.rating, "reason": message.rating_reason}
        )
    return 0
