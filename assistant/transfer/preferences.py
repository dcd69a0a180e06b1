"""Preference pairs for DPO training from the user's ratings and regenerations.

A pair needs two replies to the same question: regenerating a reply keeps both, and the
ratings (or the choice of which version to keep) say which was better.

- A reply rated up is *chosen*; its siblings rated down are *rejected*; if none is rated
  down, the siblings the user regenerated away from (not rated up, not on the path the
  chat shows) are.
- Without a reply rated up, the reply the chat shows is *chosen* over its siblings rated
  down, unless it is rated down itself.

Each line is TRL's conversational preference format: ``prompt`` is the conversation up to
and including the question (with the system prompt), ``chosen`` and ``rejected`` are one
assistant message each. Replies that failed or are empty never take part.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TextIO

from fireside.assistant.conversation import Message
from fireside.assistant.history import HistoryStore


def _usable(m: Message) -> bool:
    return m.role == "assistant" and bool(m.content.strip()) and m.status != "error"


def _pairs_for(replies: list[Message], shown: set[int]) -> list[tuple[Message, Message]]:
    up = [r for r in replies if r.rating == "up"]
    down = [r for r in replies if r.rating == "down"]
    if up:
        rejected = down or [r for r in replies if r.rating is None and r.id not in shown]
        return [(c, r) for c in up for r in rejected]
    chosen = [r for r in replies if r.id in shown and r.rating != "down"]
    return [(c, r) for c in chosen for r in down]


def _prompt(history: HistoryStore, conversation_id: int, question_id: int, system) -> list:
    messages = [{"role": "system", "content": system}] if system else []
    for m in history.thread(conversation_id, question_id):
        if m.role in ("user", "assistant") and m.content:
            messages.append({"role": m.role, "content": m.content})
    return messages


def preference_pairs(history: HistoryStore, ids: Sequence[int] | None = None) -> Iterator[dict]:
    for cid in ids if ids is not None else history.conversation_ids():
        conv = history.get_conversation(cid)
        replies: dict[int, list[Message]] = {}
        for m in history.messages(cid):
            if _usable(m) and m.parent_id is not None:
                replies.setdefault(m.parent_id, []).append(m)
        shown = {m.id for m in history.thread(cid)}
        for question_id, siblings in replies.items():
            if len(siblings) < 2:
                continue
            pairs = _pairs_for(siblings, shown)
            if not pairs:
                continue
            prompt = _prompt(history, cid, question_id, conv.system_prompt)
            for chosen, rejected in pairs:
                yield {
                    "prompt": prompt,
                    "chosen": [{"role": "assistant", "content": chosen.content}],
                    "rejected": [{"role": "assistant", "content": rejected.content}],
                }


def write_preferences(history: HistoryStore, out: TextIO, ids: Sequence[int] | None = None) -> int:
    """JSON Lines, one pair per line; returns how many pairs."""
    count = 0
    for pair in preference_pairs(history, ids):
        out.write(json.dumps(pair, ensure_ascii=False) + "\n")
        count += 1
    return count
