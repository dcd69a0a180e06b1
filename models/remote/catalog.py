"""The models a server offers (``GET /v1/models``), with the context size where it says."""

from __future__ import annotations

from dataclasses import dataclass

from fireside.models.remote.client import RemoteClient
from fireside.models.remote.errors import RemoteModelNotFoundError, RemoteServerError

SHOWN_IN_ERRORS = 5


@dataclass
class RemoteModel:
    id: str
    n_ctx: int | None = None  # None: the server does not say
    owned_by: str | None = None


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
            models.append(
                RemoteModel(
                    entry.get("id") or entry["name"], _context_of(entry), entry.get("owned_by")
                )
            )
    return models


def find_model(client: RemoteClient, connection: str, model: str) -> RemoteModel:
    """The server's entry for ``model``; an error listing a few it does serve otherwise."""
    models = list_models(client)
    for entry in models:
        if entry.id == model:
            return entry
    known = ", ".join(f"{connection}/{m.id}" for m in models[:SHOWN_IN_ERRORS])
    more = f" and {len(models) - SHOWN_IN_ERRORS} more" if len(models) > SHOWN_IN_ERRORS else ""
    offer = f"it serves {known}{more}" if models else "it serves no models"
    raise RemoteModelNotFoundError(
        client.where, f"no model named {model!r} on {connection}; {offer}"
    )
