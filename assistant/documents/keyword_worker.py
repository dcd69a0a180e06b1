"""Chinese word segmentation in a child process, so its dictionary never holds up the window.

jieba's prefix dictionary (580,000 entries) is built or unmarshalled in a few large steps
that keep Python's global lock for 100-250 ms each; in the app's process that froze the
window when the first Chinese text was indexed or searched (``bench/bench_ui_stall.py
--scan``: 227 ms, and 30 ms with the dictionary already loaded). The app's documents store
therefore segments through a ``KeywordWorker``: the same interface as ``KeywordText``, each
text sent whole to a child that holds the dictionary (a fraction of a millisecond a text).

If the child cannot answer (it died, or cannot start), the text is segmented here instead,
so indexing and search go on; the next text tries the child again.
"""

from __future__ import annotations

import logging
import signal
from pathlib import Path

from fireside.assistant.documents.keywords import KeywordText
from fireside.models.worker.service_process import ServiceProcess, ServiceStopped, serve_requests

log = logging.getLogger(__name__)


def serve(conn, parent_pid: int, cache_dir: str | None) -> None:
    """The child's main function: segment until the pipe closes."""
    from fireside.models.worker.lifeline import tie_to_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the app's to handle
    tie_to_parent(parent_pid)
    words = KeywordText(cache_dir)
    methods = {
        "index": words.index_text,
        "query": words.query_words,
        "names": words.chinese_names,
    }

    def answer(message: tuple) -> tuple:
        try:
            return ("ok", methods[message[0]](message[1]))
        except Exception as exc:  # noqa: BLE001 - the app segments the text itself
            return ("e", f"{type(exc).__name__}: {exc}")

    serve_requests(conn, answer)


class KeywordWorker(KeywordText):
    """``KeywordText`` whose Chinese texts are segmented by a child process."""

    def __init__(self, cache_dir: str | Path | None = None) -> None:
        super().__init__(cache_dir)
        folder = str(self.cache_dir) if self.cache_dir else None
        self._service = ServiceProcess(serve, (folder,), "fireside-keywords")

    def index_text(self, text: str | None) -> str | None:
        if not self.needs_segmenting(text):
            return None
        return self._ask("index", text, super().index_text)

    def query_words(self, text: str) -> list[str]:
        if not self.needs_segmenting(text):
            return super().query_words(text)
        return self._ask("query", text, super().query_words)

    def chinese_names(self, sentence: str) -> list[str]:
        return self._ask("names", sentence, super().chinese_names)

    def _ask(self, kind: str, text: str, here):
        try:
            reply = self._service.call((kind, text))
        except (ServiceStopped, OSError) as exc:
            log.warning("the word segmenter's process stopped (%s); segmenting here", exc)
            return here(text)
        if reply[0] == "ok":
            return reply[1]
        log.warning("the word segmenter failed (%s); segmenting here", reply[1])
        return here(text)

    def close(self) -> None:
        self._service.shutdown()
