import pytest
from fireside.models.errors import CorruptGGUFError, ModelError, NotGGUFError
from fireside.models.gguf_info import inspect_gguf


def test_inspects_bundled_smollm(smollm_path):
    info = inspect_gguf(smollm_path)
    assert info.architecture == "llama"
    assert info.quantization == "Q4_1"
    assert 130e6 < info.parameter_count < 140e6
    assert info.parameters_label == "135M"
    assert info.context_length == 8192
    assert info.chat_template and "<|im_start|>" in info.chat_template
    assert info.file_size == smollm_path.stat().st_size
    # weights + a KV cache for the requested context
    assert info.memory_estimate(8192) > info.memory_estimate(1024) > info.file_size
    assert info.kv_cache_bytes(1024) == 2 * 30 * 1024 * 3 * 64 * 2


@pytest.mark.slow
def test_inspects_gemma_base_model(gemma_path):
    info = inspect_gguf(gemma_path)
    assert info.architecture == "gemma3"
    assert info.chat_template is None
    assert info.sliding_window == 512
    assert info.quantization == "Q4_K_M"


def test_missing_file(tmp_path):
    with pytest.raises(ModelError, match="file not found"):
        inspect_gguf(tmp_path / "nope.gguf")


def test_folder(tmp_path):
    with pytest.raises(ModelError, match="folder"):
        inspect_gguf(tmp_path)


def test_not_gguf(not_gguf):
    with pytest.raises(NotGGUFError, match="not a GGUF"):
        inspect_gguf(not_gguf)


def test_truncated_tensor_data(truncated_gguf):
    with pytest.raises(CorruptGGUFError, match="truncated"):
        inspect_gguf(truncated_gguf)


def test_truncated_header(header_only_gguf):
    with pytest.raises(CorruptGGUFError):
        inspect_gguf(header_only_gguf)


def test_error_message_names_file(not_gguf):
    with pytest.raises(ModelError) as err:
        inspect_gguf(not_gguf)
    assert str(not_gguf) in str(err.value)
    assert "\n" not in str(err.value)
