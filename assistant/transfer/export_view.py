"""What an exported transcript shows, in the reader's language: the shared part of the
Markdown and HTML exports.

Both show what the window shows: the conversation's current path (the other versions are
counted, "version 2 of 3", and kept in the JSON export), who wrote each message and when,
the model of each reply, the tools it ran, the sources it cites, the files it came with and
the user's rating. The words around the messages are English, Simplified or Traditional
Chinese (the window passes its own language; the command line writes English).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from fireside.assistant.conversation import Conversation, Message
from fireside.assistant.history import HistoryStore

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "you": "You",
        "assistant": "Assistant",
        "sources": "Sources",
        "files": "Files",
        "not_included": "not in this export",
        "up": "Rated good",
        "down": "Rated bad",
        "version": "version {index} of {count}",
        "stopped": "stopped",
        "error": "error",
        "interrupted": "interrupted",
        "created": "Created {time}",
        "model": "model {model}",
        "with_assistant": "assistant {name}",
        "exported": "Exported from Fireside",
        "chats": "{count} conversations",
        "page": "page {page}",
        "line": "line {line}",
        "tool": "tool",
        "output": "output",
        "no_output": "(no output)",
        "system": "System prompt",
    },
    "zh_CN": {
        "you": "你",
        "assistant": "助手",
        "sources": "来源",
        "files": "文件",
        "not_included": "未包含在此导出中",
        "up": "评价：好",
        "down": "评价：差",
        "version": "第 {index} 版，共 {count} 版",
        "stopped": "已停止",
        "error": "出错",
        "interrupted": "已中断",
        "created": "创建于 {time}",
        "model": "模型 {model}",
        "with_assistant": "助手 {name}",
        "exported": "导出自 Fireside",
        "chats": "{count} 个对话",
        "page": "第 {page} 页",
        "line": "第 {line} 行",
        "tool": "工具",
        "output": "输出",
        "no_output": "（无输出）",
        "system": "系统提示词",
    },
    "zh_TW": {
        "you": "你",
        "assistant": "助理",
        "sources": "來源",
        "files": "檔案",
        "not_included": "未包含在此匯出中",
        "up": "評價：好",
        "down": "評價：差",
        "version": "第 {index} 版，共 {count} 版",
        "stopped": "已停止",
        "error": "出錯",
        "interrupted": "已中斷",
        "created": "建立於 {time}",
        "model": "模型 {model}",
        "with_assistant": "助理 {name}",
        "exported": "匯出自 Fireside",
        "chats": "{count} 個對話",
        "page": "第 {page} 頁",
        "line": "第 {line} 行",
        "tool": "工具",
        "output": "輸出",
        "no_output": "（無輸出）",
        "system": "系統提示詞",
    },
}
LANGUAGES = tuple(LABELS)


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language) or LABELS["en"]


def model_name(model: str | None) -> str:
    """A local model by its file name (not the folders it lies in), others by their id."""
    if not model:
        return ""
    return Path(model).name if model.lower().endswith(".gguf") else model


def when(iso: str) -> str:
    """``2025-06-15 06:32 UTC`` from the history's ISO time."""
    return f"{iso[:16].replace('T', ' ')} UTC" if iso else ""


@dataclass
class ShownMessage:
    message: Message
    versions: tuple[int, int] = (1, 1)  # (index, count) among its siblings
    files: list[dict] = field(default_factory=list)  # attachments, with "path" when on disk


@dataclass
class ShownChat:
    conversation: Conversation
    messages: list[ShownMessage]


def shown_chat(history: HistoryStore, conversation_id: int, data_dir: Path) -> ShownChat:
    """The conversation's current path, as the window shows it."""
    conv = history.get_conversation(conversation_id)
    everything = history.messages(conversation_id)
    siblings: dict[tuple, list[int]] = {}
    for m in everything:
        siblings.setdefault((m.parent_id, m.role), []).append(m.id)
    shown = []
    for m in history.thread(conversation_id):
        if m.role not in ("user", "assistant"):
            continue
        ids = siblings.get((m.parent_id, m.role), [m.id])
        files = []
        for a in m.attachments:
            stored = a.get("file")
            path = Path(data_dir) / stored if stored else None
            files.append({**a, "path": path if path is not None and path.is_file() else None})
        shown.append(ShownMessage(m, (ids.index(m.id) + 1, len(ids)), files))
    return ShownChat(conv, shown)


def citation_label(citation: dict, words: dict[str, str]) -> str:
    name = Path(str(citation.get("document") or "")).name or "document"
    if citation.get("page"):
        return f"{name}, {words['page'].format(page=citation['page'])}"
    if citation.get("line_start"):
        return f"{name}, {words['line'].format(line=citation['line_start'])}"
    return name


def arguments_text(arguments) -> str:
    if not arguments:
        return ""
    if isinstance(arguments, dict) and len(arguments) == 1:
        value = next(iter(arguments.values()))
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return json.dumps(arguments, ensure_ascii=False)


def facts(shown: ShownMessage, words: dict[str, str]) -> list[str]:
    """The small print under a message: its version, how it ended, its rating."""
    out = []
    index, count = shown.versions
    if count > 1:
        out.append(words["version"].format(index=index, count=count))
    if shown.message.status in ("stopped", "error", "interrupted"):
        out.append(words[shown.message.status])
    return out
