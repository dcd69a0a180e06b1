import pytest
from fireside.models.chat_templates import choose_template
from fireside.models.errors import ChatTemplateError

MESSAGES = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hi"},
    {"role": "assistant", "content": "Hello!"},
    {"role": "user", "content": "Bye"},
]


def test_gguf_template_wins_over_architecture():
    t = choose_template(architecture="gemma3", gguf_template="{{ messages[0].content }}<|im_end|>")
    assert t.source == "gguf"
    assert "<|im_end|>" in t.stops


def test_override_beats_gguf():
    t = choose_template(architecture="llama", gguf_template="x", override="gemma")
    assert t.source == "override:gemma"


def test_unknown_override_is_an_error():
    with pytest.raises(ChatTemplateError, match="unknown chat template 'vicuna'"):
        choose_template(architecture="llama", gguf_template=None, override="vicuna")


@pytest.mark.parametrize(
    "arch,marker",
    [
        ("gemma3", "<start_of_turn>model\n"),
        ("llama", "<|start_header_id|>assistant<|end_header_id|>"),
        ("qwen2", "<|im_start|>assistant\n"),
        ("mistral", "[INST]"),
        ("phi3", "<|assistant|>"),
    ],
)
def test_fallback_by_architecture(arch, marker):
    t = choose_template(architecture=arch, gguf_template=None, bos_token="<s>", eos_token="</s>")
    assert t.source.startswith("architecture:")
    prompt = t.render(MESSAGES)
    assert marker in prompt
    assert "Be brief." in prompt and "Bye" in prompt


def test_gemma_folds_system_into_first_user_turn():
    t = choose_template(architecture="gemma3", gguf_template=None, bos_token="<bos>")
    prompt = t.render(MESSAGES)
    assert prompt.startswith("<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>")
    assert prompt.endswith("<start_of_turn>model\n")


def test_unknown_architecture_without_template():
    with pytest.raises(ChatTemplateError, match="none known for architecture 'rwkv7'"):
        choose_template(architecture="rwkv7", gguf_template=None, path="m.gguf")


def test_template_raise_exception_becomes_error():
    t = choose_template(
        architecture="llama",
        gguf_template="{{ raise_exception('roles must alternate') }}",
    )
    with pytest.raises(ChatTemplateError, match="roles must alternate"):
        t.render(MESSAGES)
