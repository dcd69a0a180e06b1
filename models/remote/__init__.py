"""Chat models served by another program over the OpenAI-compatible HTTP API.

llama.cpp's ``llama-server``, llama-cpp-python's server, vLLM, Ollama, LM Studio and hosted
APIs all speak it; one client covers them, and ``RemoteBackend`` makes any of their models
a ``ChatBackend`` like a local GGUF.
"""

from fireside.models.remote.backend import RemoteBackend
from fireside.models.remote.client import Endpoint, RemoteClient
from fireside.models.remote.errors import RemoteError

__all__ = ["Endpoint", "RemoteBackend", "RemoteClient", "RemoteError"]
