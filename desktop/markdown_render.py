"""Markdown to the rich text Qt can show, with highlighted code blocks and copy links.

Why our own renderer: ``QTextDocument.setMarkdown`` has no syntax highlighting and no hook
for a per-block copy button. markdown-it-py gives CommonMark plus tables, and its fence rule
sends code through Pygments. The HTML carries CSS classes only (colours come from
``theme.document_css``), so one rendering serves both themes and is cached per text.
Raw HTML in a reply is shown as text, never interpreted.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

COPY_CODE_SCHEME = "copy-code:"


@dataclass(frozen=True)
class Rendered:
    """HTML for a message, and the source of each code block (``copy-code:N`` links)."""

    html: str
    code_blocks: tuple[str, ...]


def _lexer(lang: str):
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(lang, stripnl=False) if lang else TextLexer()
    except ClassNotFound:
        return TextLexer()


class MarkdownRenderer:
    """Renders and remembers: scrolling paints the same messages again and again.

    The parser is built on first use: markdown-it and Pygments are imported then (or
    earlier by ``warm_up`` on a worker thread), not while the window is starting.
    """

    def __init__(self, max_entries: int = 2048) -> None:
        self._md = None
        self._formatter = None
        self._cache: OrderedDict[str, Rendered] = OrderedDict()
        self._max = max_entries

    def _parser(self):
        if self._md is None:
            from markdown_it import MarkdownIt
            from pygments.formatters import HtmlFormatter

            md = MarkdownIt("commonmark", {"html": False, "breaks": True})
            md.enable(["table", "strikethrough"])

            def fence(_renderer, tokens, idx, _options, env) -> str:  # markdown-it binds it
                return self._fence(tokens[idx], env)

            md.add_render_rule("fence", fence)
            md.add_render_rule("code_block", fence)
            self._formatter = HtmlFormatter(nowrap=True)
            self._md = md
        return self._md

    def render(self, text: str) -> Rendered:
        hit = self._cache.get(text)
        if hit is not None:
            self._cache.move_to_end(text)
            return hit
        env: dict = {"code_blocks": []}
        body = self._parser().render(text, env).strip()  # a trailing newline reads as a space
        body = body.replace(
            "<table>", '<table class="md" border="1" cellspacing="0" cellpadding="5">'
        )
        result = Rendered(body, tuple(env["code_blocks"]))
        self._cache[text] = result
        if len(self._cache) > self._max:
            self._cache.popitem(last=False)
        return result

    def _fence(self, token, env: dict) -> str:
        lang = (token.info or "").strip().split(" ")[0]
        code = token.content
        blocks: list[str] = env["code_blocks"]
        number = len(blocks)
        blocks.append(code)
        from pygments import highlight

        body = highlight(code, _lexer(lang), self._formatter).rstrip("\n")
        label = (
            html.escape(lang) if lang else QCoreApplication.translate("MarkdownRenderer", "code")
        )
        copy = QCoreApplication.translate("MarkdownRenderer", "Copy")
        return (
            '<table class="code" width="100%" border="1" cellspacing="0" cellpadding="6">'
            '<tr><td class="codehead"><table width="100%" border="0" cellspacing="0" '
            f'cellpadding="0"><tr><td><small>{label}</small></td><td align="right"><small>'
            f'<a href="{COPY_CODE_SCHEME}{number}">{copy}</a></small></td></tr></table></td></tr>'
            f"<tr><td><pre>{body}</pre></td></tr></table>\n"
        )


def warm_up() -> None:
    """Import Pygments' lexers and formatter ahead of the first reply (any thread).

    The first code block otherwise pays ~40 ms of imports on the UI thread, in the frame
    where a finished reply is rendered.
    """
    sample = "| a |\n|---|\n| 1 |\n\n" + "".join(
        f"```{lang}\nx = 1\n```\n" for lang in ("python", "bash", "javascript", "json", "c")
    )
    MarkdownRenderer(max_entries=1).render(sample)
