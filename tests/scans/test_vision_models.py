"""Vision models: a GGUF pairs with the projector beside it, says it sees images, and a
projector that cannot be used is one line.

No vision model can be downloaded on the test machines (no hub access), so the projectors
here are real GGUF files with a projector's header written by ``gguf`` and no usable
weights; the image path into a server that sees pictures is tested against a real server
process in ``test_images_api_remote.py``.
"""

from __future__ import annotations

import base64
import json
import shutil

import numpy as np
import pytest
from fireside.cli.main import main
from fireside.models.llama_backend import LlamaBackend, LoadOptions
from fireside.models.projector import find_projector
from fireside.models.sampling import SamplingParams

from tests.scans.scans import png_bytes, text_page


def write_projector(path, dim: int, vision: bool = True) -> None:
    import gguf

    writer = gguf.GGUFWriter(str(path), "clip")
    writer.add_bool("clip.has_vision_encoder", vision)
    writer.add_bool("clip.has_audio_encoder", not vision)
    if vision:
        writer.add_uint32("clip.vision.projection_dim", dim)
    writer.add_string("clip.projector_type", "idefics3")
    writer.add_tensor("v.patch_embd.weight", np.zeros((4, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


@pytest.fixture
def model_folder(tmp_path, smollm_path):
    """The bundled model (576-wide embeddings) beside its projector and another model's."""
    folder = tmp_path / "models"
    folder.mkdir()
    model = folder / "SmolLM2-135M-Instruct-Q4_1.gguf"
    model.symlink_to(smollm_path)
    write_projector(folder / "mmproj-SmolLM2-135M-Instruct-f16.gguf", 576)
    write_projector(folder / "mmproj-gemma-3-4b-it-f16.gguf", 2560)
    write_projector(folder / "mmproj-whisper-audio-f16.gguf", 576, vision=False)
    return model


def test_a_model_pairs_with_its_own_projector(model_folder):
    found = find_projector(model_folder, 576)
    assert found is not None and found.name == "mmproj-SmolLM2-135M-Instruct-f16.gguf"
    assert find_projector(model_folder, 1024) is None  # no projector of that width
    (model_folder.parent / "mmproj-SmolLM2-135M-Instruct-f16.gguf").unlink()
    assert find_projector(model_folder, 576) is None  # the audio one does not see


def test_a_second_fitting_projector_is_told_apart_by_name(model_folder):
    write_projector(model_folder.parent / "mmproj-other-model-f16.gguf", 576)
    assert find_projector(model_folder, 576).name == "mmproj-SmolLM2-135M-Instruct-f16.gguf"


def test_models_inspect_says_it_sees_images(model_folder, capsys, smollm_path):
    assert main(["models", "inspect", str(model_folder), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sees_images"] is True
    assert data["projector"].endswith("mmproj-SmolLM2-135M-Instruct-f16.gguf")
    assert main(["models", "inspect", str(model_folder)]) == 0
    assert (
        "sees images (projector mmproj-SmolLM2-135M-Instruct-f16.gguf)" in capsys.readouterr().out
    )
    assert main(["models", "inspect", str(smollm_path)]) == 0
    assert "text only" in capsys.readouterr().out


@pytest.mark.slow
def test_a_projector_that_cannot_be_used_is_one_line(model_folder):
    from fireside.models.errors import ModelError

    backend = LlamaBackend(model_folder, LoadOptions(n_ctx=1024))
    try:
        assert backend.description.sees_images
        url = (
            "data:image/png;base64,"
            + base64.b64encode(png_bytes(text_page(["hello"], height=100))).decode()
        )
        messages = [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is it?"},
                    {"type": "image_url", "image_url": {"url": url}},
                ],
            }
        ]
        assert backend.count_tokens(messages) > 500  # the picture's share of the context
        with pytest.raises(ModelError) as err:
            list(backend.stream(messages, SamplingParams(max_tokens=4)))
        message = str(err.value)
        assert "projector mmproj-SmolLM2-135M-Instruct-f16.gguf cannot be used" in message
        assert "\n" not in message
        # text turns still work with the same model
        out = list(
            backend.stream([{"role": "user", "content": "Hi"}], SamplingParams(max_tokens=2))
        )
        assert out[-1].completion_tokens >= 1
    finally:
        backend.close()
        shutil.rmtree(model_folder.parent, ignore_errors=True)
