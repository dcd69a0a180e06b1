"""Real questions over a real document for the decoding benchmarks: the Debian FAQ's own
questions (``tests/data/documents``), each with the passage that follows it in the FAQ."""

from __future__ import annotations

import re
from pathlib import Path

FAQ = Path(__file__).resolve().parents[1] / "tests" / "data" / "documents" / "text"


def faq_questions(n: int = 20, passage_chars: int = 2500) -> list[tuple[str, str]]:
    """(question, passage) pairs: the FAQ's questions, spread over the whole file."""
    text = (FAQ / "debian-faq.en.txt").read_text(encoding="utf-8")
    found = [
        m
        for m in re.finditer(r"^\s*\d+\.\d+\.?\s+(.{10,120}\?)\s*$", text, re.M)
        if len(text) - m.end() > passage_chars
    ]
    step = max(1, len(found) // n)
    return [
        (m.group(1).strip(), text[m.end() : m.end() + passage_chars]) for m in found[::step][:n]
    ]


def messages(question: str, passage: str) -> list[dict]:
    return [
        {"role": "system", "content": "Answer from this part of the Debian FAQ:\n\n" + passage},
        {"role": "user", "content": question},
    ]


def completion_prompt(question: str, passage: str) -> str:
    return f"Debian FAQ:\n{passage}\n\nQuestion: {question}\nAnswer, quoting the FAQ:"
