"""CSV/TSV tables, one block per row written as ``column: value`` pairs.

Rows are read as a stream (the csv module pulls one record at a time), so a large export is
fine. Naming each value with its column lets a question like "when did bookworm's support
end?" match the row that holds the answer even though the header is far away.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from fireside.assistant.documents.loaders.sniff import read_head, text_encoding
from fireside.assistant.documents.loaders.text_loader import open_text
from fireside.assistant.documents.types import Block, LoadError

MAX_FIELD = 1 << 20


def _dialect(path: Path) -> type[csv.Dialect] | csv.Dialect:
    head = read_head(path, 32 * 1024)
    sample = head.decode(text_encoding(head) or "latin-1", errors="replace")
    if path.suffix.lower() == ".tsv":
        return csv.excel_tab
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def load_csv(path: Path, warn: Callable[[str], None]) -> Iterator[Block]:
    csv.field_size_limit(MAX_FIELD)
    dialect = _dialect(path)
    with open_text(path) as fh:
        reader = csv.reader(fh, dialect)
        try:
            header = next(reader, None)
            if header is None:
                return
            header = [h.strip() or f"column {i + 1}" for i, h in enumerate(header)]
            start = reader.line_num
            for row in reader:
                cells = [c.strip() for c in row]
                if not any(cells):
                    start = reader.line_num
                    continue
                names = header + [f"column {i + 1}" for i in range(len(header), len(cells))]
                text = "; ".join(f"{n}: {v}" for n, v in zip(names, cells, strict=False) if v)
                yield Block(text, None, start + 1, reader.line_num, ())
                start = reader.line_num
        except csv.Error as exc:
            raise LoadError(
                "corrupt", f"malformed CSV near line {reader.line_num}: {exc}"
            ) from None
