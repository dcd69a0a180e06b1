"""Pages already read, in SQLite: the text, title, date, language and when it was read.

A second question about the same page within ``MAX_AGE_S`` costs no network call. Each page
is also split into passages indexed with FTS5, Chinese cut into words first (the app's
segmenter, the same the document index uses), so a long page gives the model the passages
about the question instead of its first screenful. Each page is written as a small Markdown
file too: the source viewer shows it with the cited lines marked, and "add to a collection"
indexes that file like any document.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fireside.atomic_write import write_atomic

MAX_AGE_S = 24 * 3600
PASSAGE_CHARS = 700
_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY, final_url TEXT, title TEXT, date TEXT, language TEXT, kind TEXT,
    text TEXT NOT NULL, read_at REAL NOT NULL, file TEXT
);
CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(
    body, url UNINDEXED, n UNINDEXED, line_start UNINDEXED, line_end UNINDEXED,
    tokenize = 'porter unicode61'
);
"""


@dataclass
class Passage:
    n: int
    text: str
    line_start: int  # in the page's file, 1-based, inclusive
    line_end: int


@dataclass
class CachedPage:
    url: str
    final_url: str
    title: str
    date: str | None
    language: str
    kind: str
    text: str
    read_at: float
    file: str
    cached: bool = False  # served from the cache by this read

    def to_dict(self) -> dict:
        return {
            "url": self.url,
            "final_url": self.final_url,
            "title": self.title,
            "date": self.date,
            "language": self.language,
            "kind": self.kind,
            "read_at": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self.read_at)),
            "cached": self.cached,
            "file": self.file,
            "text": self.text,
        }


def header_lines(title: str, url: str, read_at: float, date: str | None) -> list[str]:
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(read_at))
    dated = f" · published {date}" if date else ""
    return [f"# {title}", "", f"<{url}>", "", f"Read {when}{dated}", ""]


def split_passages(text: str, first_line: int) -> list[Passage]:
    """Consecutive lines grouped into passages of about ``PASSAGE_CHARS`` characters."""
    passages: list[Passage] = []
    lines = text.splitlines()
    start, buf = None, []
    for i, line in enumerate(lines):
        if start is None:
            if not line.strip():
                continue
            start = i
        buf.append(line)
        size = sum(len(b) for b in buf)
        if size >= PASSAGE_CHARS or (
            i + 1 < len(lines) and not lines[i + 1].strip() and size > 200
        ):
            passages.append(
                Passage(len(passages), "\n".join(buf).strip(), first_line + start, first_line + i)
            )
            start, buf = None, []
    if buf and "".join(buf).strip():
        passages.append(
            Passage(
                len(passages),
                "\n".join(buf).strip(),
                first_line + start,
                first_line + len(lines) - 1,
            )
        )
    return passages


def page_file_name(url: str) -> str:
    host = re.sub(r"[^A-Za-z0-9.-]", "_", urlsplit(url).hostname or "page")[:60]
    return f"{host}-{hashlib.sha1(url.encode('utf-8')).hexdigest()[:12]}.md"


class PageCache:
    """One SQLite file; a connection per call, so any thread may use it."""

    def __init__(self, folder: Path, words: Any = None, max_age_s: float = MAX_AGE_S) -> None:
        self.folder = Path(folder)
        self.db = self.folder / "pages.db"
        self.pages_dir = self.folder / "pages"
        self.words = words  # index_text(text) / query_words(text), or None: no segmentation
        self.max_age_s = max_age_s

    def _connect(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.db, timeout=10)
        conn.executescript(_SCHEMA)
        return conn

    def get(self, url: str) -> CachedPage | None:
        """The page read from ``url`` within ``max_age_s``, or None."""
        with closing(self._connect()) as conn:
            row = conn.execute(
                "SELECT url, final_url, title, date, language, kind, text, read_at, file "
                "FROM pages WHERE url = ? OR final_url = ? ORDER BY read_at DESC LIMIT 1",
                (url, url),
            ).fetchone()
        if row is None or time.time() - row[7] > self.max_age_s or not Path(row[8]).exists():
            return None
        return CachedPage(*row, cached=True)

    def put(
        self,
        url: str,
        final_url: str,
        title: str,
        date: str | None,
        language: str,
        kind: str,
        text: str,
    ) -> CachedPage:
        read_at = time.time()
        header = header_lines(title, final_url, read_at, date)
        self.pages_dir.mkdir(parents=True, exist_ok=True)
        path = self.pages_dir / page_file_name(final_url)
        write_atomic(path, "\n".join(header) + "\n" + text.strip() + "\n")
        page = CachedPage(
            url, final_url, title, date, language, kind, text.strip(), read_at, str(path)
        )
        passages = split_passages(page.text, len(header) + 1)
        with closing(self._connect()) as conn, conn:
            conn.execute("DELETE FROM passages WHERE url = ?", (url,))
            conn.execute(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (url, final_url, title, date, language, kind, page.text, read_at, str(path)),
            )
            conn.executemany(
                "INSERT INTO passages (body, url, n, line_start, line_end) VALUES (?, ?, ?, ?, ?)",
                [(self._index_text(p.text), url, p.n, p.line_start, p.line_end) for p in passages],
            )
        return page

    def _index_text(self, text: str) -> str:
        if self.words is None:
            return text
        return self.words.index_text(text) or text

    def passages(self, page: CachedPage) -> list[Passage]:
        return split_passages(
            page.text, len(header_lines(page.title, page.final_url, page.read_at, page.date)) + 1
        )

    def relevant(self, page: CachedPage, focus: str, limit: int = 6) -> list[int]:
        """Numbers of the passages of ``page`` that best match ``focus`` (FTS5 BM25)."""
        words = self._query_words(focus)
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        with closing(self._connect()) as conn:
            try:
                rows = conn.execute(
                    "SELECT n FROM passages WHERE passages MATCH ? AND url = ? "
                    "ORDER BY bm25(passages) LIMIT ?",
                    (match, page.url, limit),
                ).fetchall()
            except sqlite3.OperationalError:
                return []
        return [int(r[0]) for r in rows]

    def _query_words(self, text: str) -> list[str]:
        if self.words is not None:
            return self.words.query_words(text)
        return [w.lower() for w in re.findall(r"\w+", text) if len(w) > 2]
