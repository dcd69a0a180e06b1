"""Helpers every subcommand shares: one-line errors and JSON output."""

from __future__ import annotations

import json
import sys
from typing import Any


def fail(message: str, code: int = 2) -> int:
    print(f"fireside: error: {message}", file=sys.stderr)
    return code


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
    sys.stdout.flush()


def print_sources(citations: list) -> None:
    """The numbered sources under an answer (documents, web pages), on stderr."""
    from fireside.assistant.documents.prompting import source_label

    for n, c in enumerate(citations, 1):
        if getattr(c, "url", None):
            print(f"[{n}] {c.title or c.url} <{c.url}>", file=sys.stderr)
            continue
        label = source_label(c.document, c.page, c.line_start, c.line_end)
        print(f"[{n}] {label}", file=sys.stderr)
