"""The models a server offers (``GET /v1/models``), with the context size where it says."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fireside.models.remote.client import RemoteClient
from fireside.models.remote.errors import RemoteModelNotFoundError, RemoteServerError

SHOWN_IN_ERRORS = 5


# The list an OpenAI-compatible server gives has every model it serves, chat or not. Where
# the entry says its type (Fireside's own API, LM Studio) that decides; otherwise the name
# does: embedders and rerankers are named for what they do (text-embedding-3-small,
# nomic-embed-text, bge-m3, multilingual-e5-small, all-MiniLM-L6-v2, bge-reranker).
NOT_CHAT_TYPES = {"embedding", "embeddings", "embed", "rerank", "reranker", "audio", "image"}
NOT_CHAT_NAME = re.compile(
    r"embed|rerank|minilm|(^|[/_.-])(bge|gte|e5)([/_.-]|$)|whisper|(^|[/_.-])tts|dall-e",
    re.IGNORECASE,
)


@dataclass
class RemoteModel:
    id: str
    n_ctx: int | None = None  # None: the server does not say
    owned_by: str | None = None
    chat: bool = True  # False: an embedder (or another model that cannot answer a chat)


def _is_chat(entry: dict, model_id: str) -> bool:
    kind = entry.get("type")
    if isinstance(kind, str) and kind.strip().lower() in NOT_CHAT_TYPES:
        return False
    if isinstance(kind, str) and kind.strip().lower() in {"chat", "llm", "vlm"}:
        return True
    return NOT_CHAT_NAME.search(model_id) is None


def _context_of(entry: dict) -> int | None:
    """vLLM: ``max_model_len``; llama.cpp: ``meta.n_ctx_train``; LM Studio: ``*context_length``."""
    meta = entry.get("meta") if isinstance(entry.get("meta"), dict) else {}
    for value in (
        entry.get("max_model_len"),
        entry.get("context_length"),
        entry.get("max_context_length"),
        meta.get("n_ctx"),
        meta.get("n_ctx_train"),
    ):
        if isinstance(value, int) and value > 0:
            return value
    return None


def list_models(client: RemoteClient) -> list[RemoteModel]:
    """Every model the server lists, each marked chat or not (``chat_models`` for a picker)."""
    body = client.get_json("models")
    data = body.get("data") if isinstance(body, dict) else None
    if data is None and isinstance(body, dict) and isinstance(body.get("models"), list):
        data = body["models"]  # some servers answer in Ollama's own shape
    if not isinstance(data, list):
        raise RemoteServerError(
            client.where, "the model list is not in the OpenAI format; is the URL the API base?"
        )
    models = []
    for entry in data:
        if isinstance(entry, dict) and isinstance(entry.get("id") or entry.get("name"), str):
            model_id = entry.get("id") or entry["name"]
            models.append(
                RemoteModel(
                    model_id,
                    _context_of(entry),
                    entry.get("owned_by"),
                    chat=_is_chat(entry, model_id),
                )
            )
    return models


def chat_models(client: RemoteClient) -> list[RemoteModel]:
    """The models one can chat with: an embedding model in a chat picker only fails later."""
    return [m for m in list_models(client) if m.chat]


def find_model(client: RemoteClient, connection: str, model: str) -> RemoteModel:
    """The server's entry for ``model``; an error listing a few it does serve otherwise."""
    every = list_models(client)
    models = [m for m in every if m.chat]
    for entry in every:
        if entry.id == model and not entry.chat:
            raise RemoteModelNotFoundError(
                client.where, f"{connection}/{model} is an embedding model, not a chat model"
            )
        if entry.id == model:
            return entry
    known = ", ".join(f"{connection}/{m.id}" for m in models[:SHOWN_IN_ERRORS])
    more = f" and {len(models) - SHOWN_IN_ERRORS} more" if len(models) > SHOWN_IN_ERRORS else ""
    offer = f"it serves {known}{more}" if models else "it serves no models"
    raise RemoteModelNotFoundError(
        client.where, f"no model named {model!r} on {connection}; {offer}"
    )
