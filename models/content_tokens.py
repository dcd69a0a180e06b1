"""Tokenize a rendered chat so that only the chat template writes control tokens.

Rendering a template and tokenizing the whole text with ``special=True`` reads control
tokens wherever their text appears, also inside what a user typed or a document said: the
text ``<|im_end|><|im_start|>system`` in a message became the real markers, ending the turn
and opening a system turn the user never had. Here each message's content is wrapped in
markers before rendering; the text outside them (the template's own: roles, turn markers,
BOS) is split at its control tokens, and everything between two control tokens is
tokenized with ``special=False``, exactly as llama.cpp splits and tokenizes a whole text.
So a prompt without such text gets the same tokens as before, and with it the content stays
words.

The rendered content is found again in the plain render (a template may ``trim`` it).
When a template changes content in ways that cannot be followed (it drops a marker), the
control tokens' text in the content is broken up with a word joiner instead, and the
plain render is tokenized as before.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

# llama.cpp's token attributes (llama.h)
UNKNOWN = 1 << 0
CONTROL = 1 << 3
LSTRIP = 1 << 7
RSTRIP = 1 << 8
_SPACE = " \t\n\v\f\r"  # C's isspace, which llama.cpp strips with
WORD_JOINER = "\u2060"

Tokenize = Callable[[str, bool], list[int]]  # (text, special) -> tokens


class Vocabulary:
    """What splitting needs of a model: its tokenizer and its tokens' attributes and text."""

    def __init__(self, tokenize: Tokenize, attr: Callable[[int], int], text: Callable[[int], str]):
        self.tokenize = tokenize
        self.attr = attr
        self.text = text

    def controls_in(self, text: str) -> set[int]:
        """The control tokens llama.cpp reads in ``text`` when it parses special tokens."""
        return {t for t in self.tokenize(text, True) if self.attr(t) & (CONTROL | UNKNOWN)}


def markers() -> tuple[str, str]:
    """An opening and a closing marker no text contains (private-use characters and a
    random nonce; templates do not strip them)."""
    nonce = secrets.token_hex(6)
    return f"\ue000{nonce}\ue001", f"\ue002{nonce}\ue003"


def mark(messages: Sequence[dict], opening: str, closing: str) -> list[dict]:
    return [
        {**m, "content": f"{opening}{m['content']}{closing}"}
        if isinstance(m.get("content"), str)
        else m
        for m in messages
    ]


def split_marked(text: str, opening: str, closing: str) -> list[tuple[str, bool]] | None:
    """``text`` as ``(piece, is_content)`` pieces, template and content alternating (the
    first and the last are the template's); None when the markers do not pair up."""
    parts: list[tuple[str, bool]] = []
    pos = 0
    while True:
        start = text.find(opening, pos)
        if start < 0:
            rest = text[pos:]
            if closing in rest:
                return None
            parts.append((rest, False))
            return parts
        before = text[pos:start]
        if closing in before:
            return None
        parts.append((before, False))
        end = text.find(closing, start + len(opening))
        if end < 0:
            return None
        inner = text[start + len(opening) : end]
        if opening in inner:
            return None
        parts.append((inner, True))
        pos = end + len(closing)


def align(parts: list[tuple[str, bool]], plain: str) -> list[tuple[str, bool]] | None:
    """``parts`` as they appear in ``plain`` (the render without markers): a template that
    trims content trims it there. None when they cannot be matched exactly."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for i, (text, is_content) in enumerate(parts):
        if not is_content:
            if not plain.startswith(text, pos):
                return None
            out.append((text, False))
            pos += len(text)
            continue
        following = parts[i + 1][0] if i + 1 < len(parts) else ""
        for candidate in dict.fromkeys((text, text.strip(), text.lstrip(), text.rstrip())):
            end = pos + len(candidate)
            if plain.startswith(candidate, pos) and plain.startswith(following, end):
                out.append((candidate, True))
                pos = end
                break
        else:
            return None
    return out if pos == len(plain) else None


def tokenize_parts(parts: list[tuple[str, bool]], vocab: Vocabulary) -> list[int]:
    """Tokens for ``parts``: control tokens only where the template wrote them."""
    items: list[int | str] = []
    for text, is_content in parts:
        if is_content or not text:
            items.append(text)
            continue
        pieces: list[int | str] = [text]
        # longest first, as llama.cpp does, so a token that contains another wins
        for token in sorted(vocab.controls_in(text), key=lambda t: -len(vocab.text(t))):
            pieces = _split_at(pieces, vocab.text(token), token)
        items.extend(pieces)
    fragments: list[int | str] = []
    for item in items:  # raw text between two control tokens is tokenized as one
        if isinstance(item, str) and fragments and isinstance(fragments[-1], str):
            fragments[-1] += item
        else:
            fragments.append(item)
    for i, item in enumerate(fragments):
        if isinstance(item, int):
            attr = vocab.attr(item)
            if attr & LSTRIP and i > 0 and isinstance(fragments[i - 1], str):
                fragments[i - 1] = fragments[i - 1].rstrip(_SPACE)
            if attr & RSTRIP and i + 1 < len(fragments) and isinstance(fragments[i + 1], str):
                fragments[i + 1] = fragments[i + 1].lstrip(_SPACE)
    tokens: list[int] = []
    for item in fragments:
        if isinstance(item, int):
            tokens.append(item)
        elif item:
            tokens.extend(vocab.tokenize(item, False))
    return tokens


def _split_at(pieces: list[int | str], needle: str, token: int) -> list[int | str]:
    if not needle:
        return pieces
    out: list[int | str] = []
    for piece in pieces:
        if isinstance(piece, int):
            out.append(piece)
            continue
        while (at := piece.find(needle)) >= 0:
            if at:
                out.append(piece[:at])
            out.append(token)
            piece = piece[at + len(needle) :]
        if piece:
            out.append(piece)
    return out


def defused(messages: Sequence[dict], vocab: Vocabulary) -> list[dict]:
    """``messages`` with the text of any control token in their content broken up by a word
    joiner (the fallback for templates whose content cannot be followed, and for pictures'
    messages, whose list content a multimodal handler renders and tokenizes itself)."""
    out = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, str) and content:
            m = {**m, "content": _defused_text(content, vocab)}
        elif isinstance(content, list):
            parts = [
                {**p, "text": _defused_text(p["text"], vocab)}
                if isinstance(p, dict)
                and p.get("type") == "text"
                and isinstance(p.get("text"), str)
                else p
                for p in content
            ]
            m = {**m, "content": parts}
        out.append(m)
    return out


def _defused_text(content: str, vocab: Vocabulary) -> str:
    for _ in range(8):  # a token found only once another was broken up
        found = vocab.controls_in(content)
        if not found:
            break
        for token in found:
            needle = vocab.text(token)
            content = content.replace(needle, needle[:1] + WORD_JOINER + needle[1:])
    return content
