"""Sampling settings shared by every backend, the command line and the settings dialog."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class SamplingParams:
    """How the next token is chosen, and when a reply ends.

    ``temperature == 0`` means greedy decoding (deterministic). ``seed`` of ``None`` picks a
    random seed per reply.
    """

    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    presence_penalty: float = 0.0  # OpenAI-style: subtracted once from every seen token
    frequency_penalty: float = 0.0  # OpenAI-style: subtracted per occurrence
    max_tokens: int = 512
    seed: int | None = None
    stop: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> SamplingParams:
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)
