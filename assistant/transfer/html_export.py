"""Conversations as one self-contained HTML file that looks like the window's transcript.

The same Markdown rules as the window (CommonMark with tables and strikethrough, line breaks
kept, raw HTML shown as text, code through Pygments), the same colours (``desktop/theme.py``:
the light look, and the dark one when the reader's system prefers it), the user's messages
in a bubble, and nothing loaded from elsewhere: styles are inline and images are ``data:``
URLs, so the file opens the same anywhere, offline, and can be mailed as one attachment.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable
from typing import TextIO

from fireside.assistant.transfer.export_view import (
    ShownChat,
    ShownMessage,
    arguments_text,
    citation_label,
    facts,
    labels,
    model_name,
    when,
)

MAX_EMBEDDED_BYTES = 16 * 2**20  # a bigger file is listed, not embedded
SNIPPET_CHARS = 140
# desktop/theme.py's LIGHT and DARK
_LIGHT = {
    "bg": "#ffffff",
    "text": "#1d1f23",
    "muted": "#6b7280",
    "accent": "#c2410c",
    "border": "#d9dce1",
    "bubble": "#eef1f6",
    "code": "#f6f8fa",
    "codehead": "#e8ebef",
    "error": "#b91c1c",
    "good": "#15803d",
}
_DARK = {
    "bg": "#232428",
    "text": "#e6e6e6",
    "muted": "#9aa0a8",
    "accent": "#fb923c",
    "border": "#3a3d43",
    "bubble": "#2f3238",
    "code": "#16171a",
    "codehead": "#2a2c31",
    "error": "#f87171",
    "good": "#4ade80",
}
_FONTS = (
    'system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", "Droid Sans Fallback", sans-serif'
)
_MONO = 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace'


def _variables(colors: dict) -> str:
    return " ".join(f"--{k}: {v};" for k, v in colors.items())


def stylesheet() -> str:
    from pygments.formatters import HtmlFormatter

    light = HtmlFormatter(style="default").get_style_defs(".hl")
    dark = HtmlFormatter(style="github-dark").get_style_defs(".hl")
    return f"""
:root {{ {_variables(_LIGHT)} }}
body {{ margin: 0; background: var(--bg); color: var(--text); font: 15px/1.55 {_FONTS}; }}
main {{ max-width: 860px; margin: 0 auto; padding: 24px 20px 48px; }}
h1.title {{ font-size: 1.5em; margin: 24px 12px 4px; }}
p.meta {{ color: var(--muted); margin: 0 12px 20px; font-size: 0.88em; }}
nav.toc {{ margin: 0 12px 24px; color: var(--muted); }}
nav.toc a {{ color: var(--accent); text-decoration: none; }}
section.chat + section.chat {{ border-top: 1px solid var(--border); margin-top: 32px; }}
.msg {{ margin: 6px 0 0; padding: 12px; border-radius: 10px; }}
.msg.user {{ background: var(--bubble); }}
.who {{ font-weight: bold; margin-bottom: 6px; }}
.who .model, .who .time {{ font-weight: normal; color: var(--muted); font-size: 0.88em;
  margin-left: 10px; }}
.foot {{ color: var(--muted); font-size: 0.88em; margin: 4px 12px 18px; min-height: 0.5em; }}
.foot .up {{ color: var(--good); }} .foot .down {{ color: var(--error); }}
.body > :first-child {{ margin-top: 0; }} .body > :last-child {{ margin-bottom: 0; }}
a {{ color: var(--accent); text-decoration: none; }}
code {{ font-family: {_MONO}; background: var(--code); padding: 0 2px; }}
pre {{ font-family: {_MONO}; margin: 0; padding: 6px; overflow-x: auto; white-space: pre; }}
pre code {{ background: none; padding: 0; }}
.code {{ border: 1px solid var(--border); background: var(--code); margin: 8px 0; }}
.codehead {{ background: var(--codehead); color: var(--muted); font-size: 0.8em;
  padding: 3px 6px; }}
table.md {{ border-collapse: collapse; margin: 8px 0; }}
table.md th, table.md td {{ border: 1px solid var(--border); padding: 5px; }}
table.md th {{ background: var(--codehead); }}
blockquote {{ color: var(--muted); margin-left: 0; padding-left: 12px;
  border-left: 3px solid var(--border); }}
.tools {{ color: var(--muted); margin-bottom: 8px; }}
.tools .call {{ margin: 2px 0; }}
.sources, .files {{ margin-top: 10px; font-size: 0.95em; }}
.sources ol, .files ul {{ margin: 4px 0; padding-left: 22px; }}
figure {{ margin: 8px 0; }}
figure img {{ max-width: 100%; border: 1px solid var(--border); border-radius: 6px; }}
figcaption, .missing {{ color: var(--muted); font-size: 0.85em; }}
.system {{ color: var(--muted); margin: 0 12px 16px; font-size: 0.9em; white-space: pre-wrap; }}
{light}
@media (prefers-color-scheme: dark) {{
:root {{ {_variables(_DARK)} }}
{dark}
}}
"""


class _Renderer:
    """Markdown to HTML with the window's options; code blocks highlighted by Pygments."""

    def __init__(self) -> None:
        from markdown_it import MarkdownIt
        from pygments.formatters import HtmlFormatter

        md = MarkdownIt("commonmark", {"html": False, "breaks": True})
        md.enable(["table", "strikethrough"])
        md.add_render_rule("fence", lambda _r, tokens, idx, _o, _e: self._fence(tokens[idx]))
        md.add_render_rule("code_block", lambda _r, tokens, idx, _o, _e: self._fence(tokens[idx]))
        self._md = md
        self._formatter = HtmlFormatter(nowrap=True)

    def _fence(self, token) -> str:
        from pygments import highlight
        from pygments.lexers import TextLexer, get_lexer_by_name
        from pygments.util import ClassNotFound

        lang = (token.info or "").strip().split(" ")[0]
        try:
            lexer = get_lexer_by_name(lang, stripnl=False) if lang else TextLexer()
        except ClassNotFound:
            lexer = TextLexer()
        body = highlight(token.content, lexer, self._formatter).rstrip("\n")
        label = html.escape(lang) if lang else "code"
        return (
            f'<div class="code"><div class="codehead">{label}</div>'
            f'<pre class="hl">{body}</pre></div>\n'
        )

    def render(self, text: str) -> str:
        return self._md.render(text).replace("<table>", '<table class="md">')


def _tools_html(calls: list[dict], words: dict[str, str]) -> str:
    rows = []
    for c in calls:
        args = html.escape(arguments_text(c.get("arguments")))
        name = html.escape(str(c.get("name", "?")))
        icon = "⚠" if c.get("is_error") else "⚙"
        head = f"{icon} <b>{name}</b>({f'<code>{args}</code>' if args else ''})"
        output = str(c.get("output") or "").strip()
        if not output:
            rows.append(f'<div class="call">{head} → {html.escape(words["no_output"])}</div>')
        elif "\n" in output or len(output) > 120:
            rows.append(
                f'<div class="call">{head} → {html.escape(words["output"])}'
                f'<div class="code"><pre>{html.escape(output)}</pre></div></div>'
            )
        else:
            rows.append(f'<div class="call">{head} → <code>{html.escape(output)}</code></div>')
    return f'<div class="tools">{"".join(rows)}</div>'


def _data_url(path, mime: str) -> str | None:
    try:
        if path.stat().st_size > MAX_EMBEDDED_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _files_html(files: list[dict], words: dict[str, str]) -> str:
    figures, items = [], []
    for f in files:
        name = html.escape(str(f.get("name") or "file"))
        mime = str(f.get("mime_type") or "application/octet-stream")
        path = f.get("path")
        url = _data_url(path, mime) if path is not None else None
        if url and mime.startswith("image/"):
            figures.append(
                f'<figure><img src="{url}" alt="{name}"><figcaption>{name}</figcaption></figure>'
            )
        elif url:
            items.append(f'<li><a download="{name}" href="{url}">{name}</a></li>')
        else:
            missing = html.escape(words["not_included"])
            items.append(f'<li>{name} <span class="missing">({missing})</span></li>')
    listing = f"<ul>{''.join(items)}</ul>" if items else ""
    head = f"<b>{html.escape(words['files'])}</b>" if items else ""
    return f'<div class="files">{"".join(figures)}{head}{listing}</div>'


def _sources_html(citations: list[dict], words: dict[str, str]) -> str:
    rows = []
    for c in citations:
        snippet = " ".join(str(c.get("text", "")).split())
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[: SNIPPET_CHARS - 1] + "…"
        label = html.escape(citation_label(c, words))
        rows.append(f"<li>{label} — “{html.escape(snippet)}”</li>")
    return (
        f'<div class="sources"><b>{html.escape(words["sources"])}</b><ol>{"".join(rows)}</ol></div>'
    )


def message_html(shown: ShownMessage, words: dict[str, str], md: _Renderer) -> str:
    m = shown.message
    who = words["you"] if m.role == "user" else words["assistant"]
    head = f'<div class="who">{html.escape(who)}'
    if m.role == "assistant" and m.model:
        head += f'<span class="model">{html.escape(model_name(m.model))}</span>'
    head += f'<span class="time">{html.escape(when(m.created_at))}</span></div>'
    body = []
    if m.role == "assistant" and m.tool_calls:
        body.append(_tools_html(m.tool_calls, words))
    if m.content:
        body.append(md.render(m.content))
    if m.citations:
        body.append(_sources_html(m.citations, words))
    if shown.files:
        body.append(_files_html(shown.files, words))
    foot = [html.escape(f) for f in facts(shown, words)]
    if m.rating:
        rating = html.escape(words[m.rating])
        if m.rating_reason:
            rating += f" — {html.escape(m.rating_reason)}"
        foot.append(f'<span class="{m.rating}">{rating}</span>')
    return (
        f'<div class="msg {m.role}" id="m{m.id}">{head}<div class="body">{"".join(body)}</div>'
        f'</div><div class="foot">{" · ".join(foot)}</div>'
    )


def chat_html(chat: ShownChat, words: dict[str, str], md: _Renderer) -> str:
    conv = chat.conversation
    meta = [words["created"].format(time=when(conv.created_at))]
    if conv.model:
        meta.append(words["model"].format(model=model_name(conv.model)))
    if conv.assistant:
        meta.append(words["with_assistant"].format(name=conv.assistant))
    messages = "\n".join(message_html(s, words, md) for s in chat.messages)
    return (
        f'<section class="chat" id="chat-{html.escape(conv.uid or str(conv.id))}">'
        f'<h1 class="title">{html.escape(conv.title)}</h1>'
        f'<p class="meta">{html.escape(" · ".join(meta))}</p>\n{messages}\n</section>'
    )


def write_html(
    chats: Iterable[ShownChat], out: TextIO, language: str = "en", titles: list | None = None
) -> int:
    """One page: a contents list when there are several conversations, then each in turn.
    ``titles`` (``(uid, title)`` of each) lets the contents come first while the
    conversations are read one at a time."""
    words = labels(language)
    md = _Renderer()
    if titles is None:
        chats = list(chats)
        titles = [
            (c.conversation.uid or str(c.conversation.id), c.conversation.title) for c in chats
        ]
    title = titles[0][1] if len(titles) == 1 else words["exported"]
    lang = {"zh_CN": "zh-Hans", "zh_TW": "zh-Hant"}.get(language, "en")
    out.write(
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="Fireside">\n<title>{html.escape(title)}</title>\n'
        f"<style>{stylesheet()}</style>\n</head>\n<body>\n<main>\n"
    )
    if len(titles) > 1:
        links = "".join(
            f'<li><a href="#chat-{html.escape(uid)}">{html.escape(name)}</a></li>'
            for uid, name in titles
        )
        count = html.escape(words["chats"].format(count=len(titles)))
        out.write(f'<nav class="toc"><b>{count}</b><ol>{links}</ol></nav>\n')
    written = 0
    for chat in chats:
        out.write(chat_html(chat, words, md) + "\n")
        written += 1
    out.write("</main>\n</body>\n</html>\n")
    return written
