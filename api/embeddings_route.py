"""``POST /v1/embeddings`` with the app's embedders, batch input, float or base64.

Runs on the lookups queue, not the model's: embedding does not use the chat model, but one
request at a time keeps many large batches from piling up. A request is bounded (inputs,
characters per input) and embedded in batches; a client that leaves stops it between
batches, and so does ``MAX_SECONDS`` (2,048 long texts are minutes of work on a small CPU). The ``model`` may be any embedder ``/v1/models`` lists (built-in or from a
plugin), one a collection uses, or a chat model's id: clients often send the id they chat
with, and then the default embedder answers, named in the reply's ``model``.
"""

from __future__ import annotations

import base64
import time

import numpy as np
from fireside.api.errors import ApiError, as_api_error, bad_request, unsupported
from fireside.api.queue import GenerationQueue, QueueFull, run_once
from fireside.api.request_parsing import read_json
from fireside.api.routes import busy_error
from fireside.api.services import ApiServices, ApiStats
from fireside.models.embedder import DEFAULT_EMBEDDING_MODEL
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from fireside.errors import FiresideError

MAX_INPUTS = 2048  # OpenAI's limit for one request
MAX_INPUT_CHARS = 32_768  # about 8,000 tokens; embedders read far less of a text
BATCH = 32  # texts embedded between two looks at the client
MAX_SECONDS = 120.0


class EmbeddingRoutes:
    def __init__(self, services: ApiServices, stats: ApiStats, queue: GenerationQueue) -> None:
        self.services = services
        self.stats = stats
        self.queue = queue

    async def embeddings(self, request: Request) -> JSONResponse:
        body = await read_json(request)
        for key, value in body.items():
            if key not in ("input", "model", "encoding_format", "user") and value is not None:
                raise unsupported(key)
        texts = body.get("input")
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            raise bad_request(
                "'input' must be a string or a non-empty list of strings "
                "(token arrays are not supported)",
                "input",
            )
        if len(texts) > MAX_INPUTS:
            raise bad_request(f"'input' takes at most {MAX_INPUTS} texts", "input")
        if any(len(t) > MAX_INPUT_CHARS for t in texts):
            raise bad_request(
                f"an 'input' text is longer than {MAX_INPUT_CHARS} characters", "input"
            )
        encoding = body.get("encoding_format") or "float"
        if encoding not in ("float", "base64"):
            raise bad_request("'encoding_format' must be float or base64", "encoding_format")
        name = self._embedding_model(body.get("model"))

        def work(cancel) -> tuple[list, int]:
            embedder = self.services.embedders.get(name)
            vectors = []
            deadline = time.monotonic() + MAX_SECONDS
            for start in range(0, len(texts), BATCH):
                if cancel.cancelled:
                    raise ClientDisconnect
                if time.monotonic() > deadline:
                    raise ApiError(
                        503,
                        f"embedding these texts takes longer than {MAX_SECONDS:g} s here; "
                        "send fewer or shorter texts per request",
                        param="input",
                        code="timeout",
                    )
                vectors.extend(embedder.encode(texts[start : start + BATCH]))
            return vectors, _count_tokens(embedder, texts)

        try:
            vectors, tokens = await run_once(self.queue, work, request)
        except QueueFull:
            raise busy_error(self.queue) from None
        except ClientDisconnect:
            raise
        except Exception as exc:
            error = as_api_error(exc)
            self.stats.error(error.message)
            raise error from None
        data = []
        for i, vec in enumerate(vectors):
            vec = np.asarray(vec, dtype=np.float32)
            value = (
                base64.b64encode(vec.tobytes()).decode()
                if encoding == "base64"
                else [float(x) for x in vec]
            )
            data.append({"object": "embedding", "index": i, "embedding": value})
        self.stats.ok()
        return JSONResponse(
            {
                "object": "list",
                "data": data,
                "model": name,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        )

    def _embedding_model(self, name) -> str:
        if name is None or name == "default":
            return DEFAULT_EMBEDDING_MODEL
        if not isinstance(name, str):
            raise bad_request("'model' must be a string", "model")
        registry = self.services.embedders
        known = {s.name for s in registry.specs() if s.available}
        known |= self._collection_models()
        canonical = registry.canonical(name)
        if canonical in known:
            return canonical
        if self.services.catalogue.resolve(name) is not None:
            return DEFAULT_EMBEDDING_MODEL  # a chat model's id: the default embedder answers
        raise ApiError(
            404,
            f"the embedding model '{name}' does not exist (available: {', '.join(sorted(known))})",
            param="model",
            code="model_not_found",
        )

    def _collection_models(self) -> set[str]:
        """The embedders collections use; none when the documents store cannot be opened
        (a damaged documents database does not stop embeddings)."""
        try:
            return {c.model for c in self.services.documents().collections(counts=False)}
        except FiresideError:
            return set()


def _count_tokens(embedder, texts: list[str]) -> int:
    tokenizer = getattr(getattr(embedder, "model", None), "tokenizer", None)
    if tokenizer is None:
        return sum(len(t.split()) for t in texts)
    return sum(len(ids) for ids in tokenizer(texts)["input_ids"])
