"""A real split model: downloaded part by part from the local hub, loaded by its first part."""

from __future__ import annotations

import pytest
from fireside.models.library.hub import HubClient
from fireside.models.library.library import ModelLibrary

from tests.library.split_gguf import write_split

SPLIT = "test-org/SmolLM2-135M-Instruct-split-GGUF"


@pytest.fixture(scope="session")
def real_split(tmp_path_factory, smollm_path):
    return write_split(smollm_path, tmp_path_factory.mktemp("real-split"), "SmolLM2-Q4_1")


@pytest.mark.slow
def test_split_model_downloads_and_chats(hub, real_split, tmp_path):
    from fireside.models.gguf_info import inspect_gguf
    from fireside.models.llama_backend import LlamaBackend, LoadOptions
    from fireside.models.sampling import SamplingParams

    assert len(real_split) == 3
    for p in real_split:
        hub.state.add(SPLIT, p.name, p)
    library = ModelLibrary(tmp_path / "models", HubClient(hub.endpoint), scan_other_apps=False)
    [listed] = library.repo_files(SPLIT)
    assert listed.parts == [p.name for p in real_split]
    assert listed.size_bytes == sum(p.stat().st_size for p in real_split)
    plan = library.plan(SPLIT, real_split[0].name)
    assert library.download(plan).status == "done"
    assert [d.read_bytes() for d in plan.dests] == [p.read_bytes() for p in real_split]

    info = inspect_gguf(plan.path)  # the whole model's size, from its first part
    assert info.file_size == sum(p.stat().st_size for p in real_split)
    backend = LlamaBackend(plan.path, LoadOptions(n_ctx=512, n_threads=1))
    try:
        backend.load()
        text = "".join(
            getattr(c, "text", "")
            for c in backend.stream(
                [{"role": "user", "content": "Say hello"}],
                SamplingParams(temperature=0.0, max_tokens=8),
            )
        )
    finally:
        backend.close()
    assert text.strip()
