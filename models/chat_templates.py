"""Turn a list of chat messages into the exact prompt text a model was trained on.

The GGUF's own ``tokenizer.chat_template`` wins when present; otherwise a template is chosen
by architecture. An explicit override beats both, so a user can fix a model whose metadata
is wrong. Rendering runs in a sandboxed Jinja environment: templates come from files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from fireside.models.errors import ChatTemplateError
from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

CHATML = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
GEMMA = (
    "{{ bos_token }}{% set sys = namespace(text='') %}"
    "{% for m in messages %}{% if m.role == 'system' %}{% set sys.text = m.content + '\n\n' %}"
    "{% else %}<start_of_turn>{{ 'model' if m.role == 'assistant' else 'user' }}\n"
    "{% if m.role == 'user' and sys.text %}{{ sys.text }}{% set sys.text = '' %}{% endif %}"
    "{{ m.content | trim }}<end_of_turn>\n{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)
LLAMA3 = (
    "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>\n\n"
    "{{ m.content | trim }}<|eot_id|>{% endfor %}"
    "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}"
)
MISTRAL = (
    "{{ bos_token }}{% set sys = namespace(text='') %}"
    "{% for m in messages %}{% if m.role == 'system' %}{% set sys.text = m.content + '\n\n' %}"
    "{% elif m.role == 'user' %}[INST] {{ sys.text }}{{ m.content | trim }} [/INST]"
    "{% set sys.text = '' %}{% else %}{{ m.content | trim }}{{ eos_token }}{% endif %}"
    "{% endfor %}"
)
PHI3 = (
    "{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}<|end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)

BUILTIN_TEMPLATES: dict[str, str] = {
    "chatml": CHATML,
    "gemma": GEMMA,
    "llama3": LLAMA3,
    "mistral": MISTRAL,
    "phi3": PHI3,
}
# Strings that end a turn in each family, in case the model emits them as plain text.
TEMPLATE_STOPS: dict[str, list[str]] = {
    "chatml": ["<|im_end|>", "<|im_start|>"],
    "gemma": ["<end_of_turn>", "<start_of_turn>"],
    "llama3": ["<|eot_id|>", "<|start_header_id|>"],
    "mistral": ["</s>", "[INST]"],
    "phi3": ["<|end|>", "<|user|>"],
}
# Architecture (general.architecture) -> template family, for GGUFs without a template.
ARCHITECTURE_TEMPLATES: dict[str, str] = {
    "gemma": "gemma",
    "gemma2": "gemma",
    "gemma3": "gemma",
    "gemma3n": "gemma",
    "llama": "llama3",
    "qwen": "chatml",
    "qwen2": "chatml",
    "qwen2moe": "chatml",
    "qwen3": "chatml",
    "qwen3moe": "chatml",
    "mistral": "mistral",
    "mistral3": "mistral",
    "phi2": "chatml",
    "phi3": "phi3",
    "smollm3": "chatml",
}


@dataclass
class ChatTemplate:
    """A chosen template, where it came from, and the strings that mark the end of a turn."""

    source: str  # "gguf", "override:<name>", "architecture:<name>" or "custom"
    text: str
    bos_token: str = ""
    eos_token: str = ""
    stops: list[str] = field(default_factory=list)

    def _compiled(self):
        compiled = self.__dict__.get("_template")
        if compiled is None:
            env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)

            def raise_exception(message: str) -> None:
                raise TemplateError(message)

            env.globals["raise_exception"] = raise_exception
            env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
            try:
                compiled = env.from_string(self.text)
            except TemplateError as exc:
                raise ChatTemplateError(
                    None, f"chat template ({self.source}) does not parse: {exc}"
                ) from None
            self.__dict__["_template"] = compiled
        return compiled

    def render(self, messages: list[dict], add_generation_prompt: bool = True) -> str:
        template = self._compiled()
        try:
            return template.render(
                messages=messages,
                add_generation_prompt=add_generation_prompt,
                bos_token=self.bos_token,
                eos_token=self.eos_token,
            )
        except TemplateError as exc:
            raise ChatTemplateError(None, f"chat template ({self.source}) failed: {exc}") from None


def _family_of(text: str) -> str | None:
    for name, markers in TEMPLATE_STOPS.items():
        if markers[0] in text:
            return name
    return None


def choose_template(
    *,
    architecture: str,
    gguf_template: str | None,
    override: str | None = None,
    bos_token: str | None = None,
    eos_token: str | None = None,
    path: str | None = None,
) -> ChatTemplate:
    """Pick the template: explicit override, then the GGUF's own, then by architecture.

    ``override`` is a built-in name (``chatml``, ``gemma``, ``llama3``, ``mistral``,
    ``phi3``) or a literal Jinja template. Raises ``ChatTemplateError`` if none applies.
    """
    bos, eos = bos_token or "", eos_token or ""
    if override:
        if override in BUILTIN_TEMPLATES:
            return ChatTemplate(
                f"override:{override}",
                BUILTIN_TEMPLATES[override],
                bos,
                eos,
                list(TEMPLATE_STOPS[override]),
            )
        if "{%" in override or "{{" in override:
            family = _family_of(override)
            stops = list(TEMPLATE_STOPS.get(family, [])) if family else []
            return ChatTemplate("custom", override, bos, eos, stops)
        known = ", ".join(sorted(BUILTIN_TEMPLATES))
        raise ChatTemplateError(path, f"unknown chat template '{override}' (known: {known})")
    if gguf_template:
        family = _family_of(gguf_template)
        stops = list(TEMPLATE_STOPS.get(family, [])) if family else []
        if eos and eos not in stops:
            stops.append(eos)
        return ChatTemplate("gguf", gguf_template, bos, eos, stops)
    family = ARCHITECTURE_TEMPLATES.get(architecture)
    if family is None:
        known = ", ".join(sorted(BUILTIN_TEMPLATES))
        raise ChatTemplateError(
            path,
            f"no chat template in the file and none known for architecture '{architecture}'"
            f" (choose one with --chat-template: {known})",
        )
    return ChatTemplate(
        f"architecture:{family}",
        BUILTIN_TEMPLATES[family],
        bos,
        eos,
        list(TEMPLATE_STOPS[family]),
    )


def detect_tool_format(template_text: str | None) -> str:
    """The call syntax a chat template was trained with; ``prompt`` when it has none."""
    text = template_text or ""
    if "<tool_call>" in text:
        return "hermes"
    if "<|python_tag|>" in text or "ipython" in text:
        return "llama3"
    if "[TOOL_CALLS]" in text:
        return "mistral"
    return "prompt"
