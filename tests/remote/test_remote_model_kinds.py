"""A server's model list holds embedders too; only chat models are offered for chat.

The real case: one Fireside's local API used as another's remote engine lists its embedders
(``"type": "embedding"``) beside its GGUF. Servers that do not say a type (Ollama, vLLM)
are judged by the model's name.
"""

from __future__ import annotations

import httpx
import pytest
from fireside.assistant.app import build_app
from fireside.assistant.events import TurnError
from fireside.models.remote import Endpoint, RemoteClient
from fireside.models.remote.catalog import chat_models, find_model, list_models
from fireside.models.remote.errors import RemoteModelNotFoundError
from fireside.models.sampling import SamplingParams

from tests.api.helpers import KEY, real_services, start
from tests.turns import send

URL = "http://box.example:11434/v1"


@pytest.fixture(scope="module")
def fireside_server(smollm_path, tmp_path_factory):
    services = real_services(tmp_path_factory.mktemp("served-home"), smollm_path)
    server = start(services)
    yield server
    server.stop()
    services.models.close()


@pytest.mark.slow
def test_another_firesides_embedders_are_not_chat_models(fireside_home, fireside_server):
    app = build_app()
    try:
        app.models.remotes.add("other", fireside_server.url, api_key=KEY)
        listed = list_models(RemoteClient(Endpoint("other", fireside_server.url, KEY)))
        embedders = [m.id for m in listed if not m.chat]
        assert "all-MiniLM-L6-v2" in embedders  # the server does list it
        offered = [m.id for m in app.models.remotes.models("other")]
        assert offered and not set(offered) & set(embedders)
        events = list(
            send(app.engine, "Hi", model="other/all-MiniLM-L6-v2", params=SamplingParams())
        )
        assert isinstance(events[-1], TurnError)
        assert "other/all-MiniLM-L6-v2 is an embedding model, not a chat model" in (
            events[-1].message
        )
        assert app.history.list_conversations() == []
    finally:
        app.close()


@pytest.mark.parametrize(
    ("entry", "chat"),
    [
        ({"id": "llama3.2:latest"}, True),
        ({"id": "Qwen/Qwen2.5-7B-Instruct"}, True),
        ({"id": "nomic-embed-text:latest"}, False),
        ({"id": "text-embedding-3-small"}, False),
        ({"id": "BAAI/bge-m3"}, False),
        ({"id": "intfloat/multilingual-e5-small"}, False),
        ({"id": "bge-reranker-v2-m3"}, False),
        ({"id": "my-model", "type": "embeddings"}, False),  # LM Studio says so
        ({"id": "e5-chat-tuned", "type": "llm"}, True),  # a stated type wins over the name
    ],
)
def test_models_without_a_stated_type_are_judged_by_name(entry, chat):
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"object": "list", "data": [entry]})

    client = RemoteClient(Endpoint("box", URL, None), transport=httpx.MockTransport(answer))
    assert [m.id for m in chat_models(client)] == ([entry["id"]] if chat else [])
    if not chat:
        with pytest.raises(RemoteModelNotFoundError, match="is an embedding model"):
            find_model(client, "box", entry["id"])
