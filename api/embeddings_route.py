"""``POST /v1/embeddings`` with the app's embedders, batch input, float or base64.

Runs on the thread pool, not the model queue: embedding does not use the chat model. The
``model`` may be any embedder ``/v1/models`` lists (built-in or from a plugin), one a
collection uses, or a chat model's id: clients often send the id they chat with, and then
the default embedder answers, named in the reply's ``model``.
"""

from __future__ import annotations

import base64

import numpy as np
from fireside.api.errors import ApiError, as_api_error, bad_request, unsupported
from fireside.api.request_parsing import read_json
from fireside.api.services import ApiServices, ApiStats
from fireside.models.embedder import DEFAULT_EMBEDDING_MODEL
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse


class EmbeddingRoutes:
    def __init__(self, services: ApiServices, stats: ApiStats) -> None:
        self.services = services
        self.stats = stats

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
        encoding = body.get("encoding_format") or "float"
        if encoding not in ("float", "base64"):
            raise bad_request("'encoding_format' must be float or base64", "encoding_format")
        name = self._embedding_model(body.get("model"))
        try:
            embedder = self.services.embedders.get(name)
            vectors = await run_in_threadpool(embedder.encode, texts)
            tokens = await run_in_threadpool(_count_tokens, embedder, texts)
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
        known |= {c.model for c in self.services.documents().collections(counts=False)}
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


def _count_tokens(embedder, texts: list[str]) -> int:
    tokenizer = getattr(getattr(embedder, "model", None), "tokenizer", None)
    if tokenizer is None:
        return sum(len(t.split()) for t in texts)
    return sum(len(ids) for ids in tokenizer(texts)["input_ids"])
