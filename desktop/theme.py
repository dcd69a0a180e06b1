"""Light and dark looks, and following the system's choice.

One place decides colours: the widget palette, a small stylesheet, and the colours the
transcript paints with (bubbles, code blocks, Pygments tokens). Message HTML carries only
CSS classes, so switching theme re-applies a stylesheet and never re-parses Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEME_CHOICES = ("system", "light", "dark")


@dataclass(frozen=True)
class ChatColors:
    """Every colour the window uses; the delegate and the stylesheet read from here."""

    name: str
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    accent: str
    accent_text: str
    border: str
    user_bubble: str
    code_bg: str
    code_head: str
    error: str
    warning_bg: str
    error_bg: str
    pygments_style: str

    @property
    def dark(self) -> bool:
        return self.name == "dark"


LIGHT = ChatColors(
    name="light",
    window="#f4f4f6",
    base="#ffffff",
    alt_base="#eceef2",
    text="#1d1f23",
    muted="#6b7280",
    accent="#c2410c",
    accent_text="#ffffff",
    border="#d9dce1",
    user_bubble="#eef1f6",
    code_bg="#f6f8fa",
    code_head="#e8ebef",
    error="#b91c1c",
    warning_bg="#fff7e6",
    error_bg="#fdecec",
    pygments_style="default",
)
DARK = ChatColors(
    name="dark",
    window="#1b1c1f",
    base="#232428",
    alt_base="#2c2e33",
    text="#e6e6e6",
    muted="#9aa0a8",
    accent="#fb923c",
    accent_text="#1b1c1f",
    border="#3a3d43",
    user_bubble="#2f3238",
    code_bg="#16171a",
    code_head="#2a2c31",
    error="#f87171",
    warning_bg="#3a3222",
    error_bg="#3d2323",
    pygments_style="github-dark",
)


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def resolve_theme(choice: str) -> ChatColors:
    """``choice`` is the setting ("light", "dark", "system"); "system" asks the desktop."""
    if choice == "dark" or (choice not in ("light", "dark") and system_prefers_dark()):
        return DARK
    return LIGHT


def _palette(c: ChatColors) -> QPalette:
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.window,
        QPalette.ColorRole.WindowText: c.text,
        QPalette.ColorRole.Base: c.base,
        QPalette.ColorRole.AlternateBase: c.alt_base,
        QPalette.ColorRole.Text: c.text,
        QPalette.ColorRole.Button: c.alt_base,
        QPalette.ColorRole.ButtonText: c.text,
        QPalette.ColorRole.ToolTipBase: c.base,
        QPalette.ColorRole.ToolTipText: c.text,
        QPalette.ColorRole.PlaceholderText: c.muted,
        QPalette.ColorRole.Highlight: c.accent,
        QPalette.ColorRole.HighlightedText: c.accent_text,
        QPalette.ColorRole.Link: c.accent,
        QPalette.ColorRole.Mid: c.border,
    }
    for role, value in roles.items():
        pal.setColor(role, QColor(value))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.muted))
    return pal


def _stylesheet(c: ChatColors) -> str:
    return f"""
    #Sidebar {{ background: {c.alt_base}; border-right: 1px solid {c.border}; }}
    #Sidebar QListView {{ background: transparent; border: none; }}
    #Sidebar QListView::item {{ padding: 6px 8px; border-radius: 6px; }}
    #Sidebar QListView::item:selected {{ background: {c.base}; color: {c.text}; }}
    #TopBar {{ border-bottom: 1px solid {c.border}; }}
    #Composer {{ border-top: 1px solid {c.border}; }}
    #InputBox {{ border: 1px solid {c.border}; border-radius: 10px; padding: 6px;
                 background: {c.base}; }}
    #InputBox:focus {{ border: 1px solid {c.accent}; }}
    #SendButton {{ background: {c.accent}; color: {c.accent_text}; border: none;
                   border-radius: 8px; padding: 7px 16px; font-weight: bold; }}
    #SendButton:disabled {{ background: {c.border}; color: {c.muted}; }}
    #Notice {{ background: {c.warning_bg}; border: 1px solid {c.border}; border-radius: 8px; }}
    #Notice[kind="error"] {{ background: {c.error_bg}; }}
    #EditBar {{ color: {c.muted}; }}
    #AssistantBar {{ background: {c.alt_base}; border-bottom: 1px solid {c.border}; }}
    #AssistantDescription {{ color: {c.muted}; }}
    QStatusBar QLabel {{ color: {c.muted}; padding: 0 6px; }}
    """


def monospace_family() -> str:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()


def document_css(c: ChatColors) -> str:
    """The default stylesheet of every message document: Markdown elements and code tokens."""
    from pygments.formatters import HtmlFormatter

    mono = monospace_family()
    token_css = []
    for cls, (css, _ttype, _level) in HtmlFormatter(style=c.pygments_style).class2style.items():
        if cls and css:
            token_css.append(f".{cls} {{ {css} }}")
    return "\n".join(
        [
            f"body {{ color: {c.text}; }}",
            f"a {{ color: {c.accent}; text-decoration: none; }}",
            f"code {{ font-family: '{mono}'; background-color: {c.code_bg}; }}",
            # a long code line wraps: cut at the view's edge it would hide the Copy link
            f"pre {{ font-family: '{mono}'; margin: 0; white-space: pre-wrap; }}",
            f"table.code {{ background-color: {c.code_bg}; border-color: {c.border}; "
            "border-collapse: collapse; border-style: solid; }",
            f"td.codehead {{ background-color: {c.code_head}; color: {c.muted}; }}",
            f"table.md {{ border-color: {c.border}; border-collapse: collapse; }}",
            f"th {{ background-color: {c.code_head}; }}",
            f"blockquote {{ color: {c.muted}; }}",
            f".error {{ color: {c.error}; }}",
            "h1 { font-size: x-large; } h2 { font-size: large; } h3 { font-size: medium; }",
            *token_css,
        ]
    )


def apply_theme(app: QApplication, colors: ChatColors) -> None:
    """Fusion everywhere: the same look on every platform, and palettes it fully honours."""
    app.setStyle("Fusion")
    app.setPalette(_palette(colors))
    app.setStyleSheet(_stylesheet(colors))
