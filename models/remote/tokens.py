"""Token counts for the context budget: exact where the server can tokenize, else an estimate.

llama.cpp's server has ``POST /tokenize``, llama-cpp-python's ``POST /extras/tokenize``;
OpenAI-style APIs have neither, so the count is estimated from the text (about four
characters a token for Latin script, one a character for CJK and other scripts), erring
towards more tokens so the prompt is trimmed before the server has to refuse it.
"""

from __future__ import annotations

from fireside.models.content import IMAGE_TOKENS, image_urls, text_of
from fireside.models.remote.client import RemoteClient

PER_MESSAGE_TOKENS = 4  # role markers and separators a chat template adds
MAX_CACHED = 1024


def estimate(text: str) -> int:
    ascii_chars = sum(1 for ch in text if ord(ch) < 128)
    return (ascii_chars + 3) // 4 + (len(text) - ascii_chars)


class TokenCounter:
    """Counts with the server's tokenizer when it has one (found on first use)."""

    def __init__(self, client: RemoteClient, model: str) -> None:
        self.client = client
        self.model = model
        self._route: tuple[str, str] | None | bool = False  # False: not probed yet
        self._memo: dict[str, int] = {}

    @property
    def exact(self) -> bool:
        self._find_route()
        return bool(self._route)

    def _root(self) -> str:
        base = self.client.endpoint.base_url.rstrip("/")
        return base[: -len("/v1")] if base.endswith("/v1") else base

    def _find_route(self) -> None:
        if self._route is not False:
            return
        self._route = None
        for path, field in (("/tokenize", "content"), ("/extras/tokenize", "input")):
            answer = self.client.probe(self._root() + path, {field: "hello", "model": self.model})
            if isinstance(answer, dict) and isinstance(answer.get("tokens"), list):
                self._route = (path, field)
                return

    def count(self, text: str) -> int:
        if not text:
            return 0
        if text in self._memo:
            return self._memo[text]
        self._find_route()
        n = None
        if self._route:
            path, field = self._route
            answer = self.client.probe(self._root() + path, {field: text, "model": self.model})
            tokens = answer.get("tokens") if isinstance(answer, dict) else None
            n = len(tokens) if isinstance(tokens, list) else None
        if n is None:
            n = estimate(text)
        if len(self._memo) >= MAX_CACHED:
            self._memo.clear()
        self._memo[text] = n
        return n

    def count_messages(self, messages: list[dict]) -> int:
        return (
            sum(
                self.count(text_of(m.get("content")))
                + IMAGE_TOKENS * len(image_urls(m.get("content")))
                + PER_MESSAGE_TOKENS
                for m in messages
            )
            + 2
        )
