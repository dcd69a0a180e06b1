"""Which loader reads which file, and the checks every file passes first.

A loader is ``loader(path, warn) -> Iterable[Block]`` and raises ``LoadError`` for files it
cannot read. Plugins register extra loaders through the ``register_document_loaders`` hook as
``(extensions, callable)`` pairs; a plugin loader takes just ``path`` and may return a
string, or an iterable of strings, ``Block``s or dicts with ``text`` (and optionally
``page``, ``heading``), so a plugin author needs nothing from this package.

Before any loader runs, the file is checked here: missing, empty, too large for its format,
or content that contradicts the extension (a PDF named ``.txt``) is reported with a reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fireside.assistant.documents.loaders.csv_loader import load_csv
from fireside.assistant.documents.loaders.docx_loader import load_docx
from fireside.assistant.documents.loaders.html_loader import load_html
from fireside.assistant.documents.loaders.image_loader import load_image
from fireside.assistant.documents.loaders.pdf_loader import load_pdf
from fireside.assistant.documents.loaders.sniff import read_head, sniff_kind
from fireside.assistant.documents.loaders.text_loader import load_code, load_markdown, load_text
from fireside.assistant.documents.ocr_pages import PageOcr
from fireside.assistant.documents.types import Block, LoadError
from fireside.models.image_files import IMAGE_EXTENSIONS
from fireside.models.ocr import OcrEngine

LoaderFn = Callable[[Path, Callable[[str], None]], Iterable[Block]]

GiB = 1 << 30
MiB = 1 << 20

_CODE_EXTENSION_TEXT = """
.py .pyi .js .mjs .ts .tsx .jsx .java .kt .c .h .cc .cpp .hpp .cs .go .rs .rb .php .swift
.scala .sh .bash .zsh .ps1 .sql .r .lua .pl .m .hs .ml .ex .exs .clj .dart .vue .toml .ini
.cfg .yaml .yml .json .xml .tex .bib .gradle .cmake .mk .dockerfile
"""
CODE_EXTENSIONS = _CODE_EXTENSION_TEXT.split()
TEXT_EXTENSIONS = [".txt", ".text", ".log", ".rst", ".org", ".adoc", ".asciidoc", ".me", ""]


@dataclass
class LoaderSpec:
    """``expect``: the sniffed content kind the extension promises ("text", "pdf", "zip",
    "image"); ``ocr``: the loader takes a ``PageOcr`` for pages that are pictures."""

    name: str
    load: LoaderFn
    expect: str
    max_bytes: int
    ocr: bool = False


def _builtin_specs() -> dict[str, LoaderSpec]:
    text = LoaderSpec("text", load_text, "text", 4 * GiB)
    code = LoaderSpec("code", load_code, "text", 256 * MiB)
    specs: dict[str, LoaderSpec] = {ext: text for ext in TEXT_EXTENSIONS}
    specs.update({ext: code for ext in CODE_EXTENSIONS})
    markdown = LoaderSpec("markdown", load_markdown, "text", 4 * GiB)
    specs.update({".md": markdown, ".markdown": markdown, ".mdown": markdown})
    html = LoaderSpec("html", load_html, "text", 1 * GiB)
    specs.update({".html": html, ".htm": html, ".xhtml": html})
    table = LoaderSpec("csv", load_csv, "text", 4 * GiB)
    specs.update({".csv": table, ".tsv": table})
    specs[".pdf"] = LoaderSpec("pdf", load_pdf, "pdf", 512 * MiB, ocr=True)
    image = LoaderSpec("image", load_image, "image", 512 * MiB, ocr=True)
    specs.update({ext: image for ext in IMAGE_EXTENSIONS})
    specs[".docx"] = LoaderSpec("docx", load_docx, "zip", 256 * MiB)
    return specs


def _adapt_plugin(fn: Callable[..., Any]) -> LoaderFn:
    def load(path: Path, warn: Callable[[str], None]) -> Iterator[Block]:
        result = fn(path)
        if result is None:
            return
        if isinstance(result, str):
            result = [result]
        for item in result:
            if isinstance(item, Block):
                yield item
            elif isinstance(item, str):
                if item.strip():
                    yield Block(item)
            elif isinstance(item, dict) and item.get("text"):
                heading = item.get("heading") or ()
                heading = (heading,) if isinstance(heading, str) else tuple(heading)
                yield Block(str(item["text"]), item.get("page"), None, None, heading)

    return load


class LoaderRegistry:
    """Extension -> loader, built-ins first; ``extra`` (from plugins) may add or override."""

    def __init__(
        self,
        extra: Iterable[tuple[Iterable[str], Callable[..., Any]]] = (),
        ocr: OcrEngine | None = None,
    ) -> None:
        """``ocr``: the engine that reads scanned pages and pictures (the app shares one;
        by default this registry makes its own, which loads nothing until a page needs it)."""
        self.ocr = ocr or OcrEngine()
        self._specs = _builtin_specs()
        for extensions, fn in extra:
            self.register(extensions, fn)

    def register(
        self, extensions: Iterable[str], fn: Callable[..., Any], max_bytes: int = 512 * MiB
    ) -> None:
        spec = LoaderSpec(getattr(fn, "__name__", "plugin"), _adapt_plugin(fn), "any", max_bytes)
        for ext in extensions:
            ext = ext.lower()
            self._specs[ext if ext.startswith(".") or not ext else f".{ext}"] = spec

    @property
    def extensions(self) -> list[str]:
        return sorted(e for e in self._specs if e)

    def spec_for(self, path: Path) -> LoaderSpec | None:
        name = path.name.lower()
        if name in ("dockerfile", "makefile", "readme", "license", "copying"):
            return self._specs.get(".txt")
        return self._specs.get(path.suffix.lower())

    def supports(self, path: Path) -> bool:
        return self.spec_for(Path(path)) is not None

    def check(self, path: Path) -> LoaderSpec:
        """The loader for ``path`` after the common checks; raises ``LoadError`` with a reason."""
        spec = self.spec_for(path)
        if spec is None:
            raise LoadError("unsupported", f"unsupported file type {path.suffix or '(none)'}")
        try:
            size = path.stat().st_size
            head = read_head(path, 8192)
        except FileNotFoundError:
            raise LoadError("unreadable", "file not found") from None
        except OSError as exc:
            raise LoadError("unreadable", f"cannot read the file ({exc.strerror})") from None
        if size == 0:
            raise LoadError("empty", "empty file (0 bytes)")
        if size > spec.max_bytes:
            raise LoadError(
                "too_large",
                f"too large: {size / MiB:.0f} MiB (limit for {spec.name}: "
                f"{spec.max_bytes / MiB:.0f} MiB)",
            )
        kind = sniff_kind(head)
        if spec.expect != "any" and kind != spec.expect:
            shown = {
                "zip": "a ZIP archive",
                "pdf": "a PDF",
                "text": "plain text",
                "image": "a picture",
            }.get(kind, f"{kind} data")
            raise LoadError(
                "misnamed",
                f"content is {shown}, not what the {path.suffix or 'file'} name says",
            )
        return spec

    def load(
        self,
        path: Path,
        warn: Callable[[str], None] | None = None,
        ocr: PageOcr | None = None,
    ) -> Iterator[Block]:
        """Blocks of ``path`` in document order, read lazily. ``ocr`` reads the pages that
        are pictures (scans, image files); None: such pages are reported, not read."""
        path = Path(path)
        spec = self.check(path)
        warn = warn or (lambda _msg: None)
        if spec.ocr:
            return iter(spec.load(path, warn, ocr))
        return iter(spec.load(path, warn))


__all__ = ["LoaderRegistry", "LoaderSpec", "LoadError", "Block"]
