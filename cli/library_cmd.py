"""``fireside models catalog | search | files | download | remove | folders | token``.

Downloads print progress on stderr; Ctrl-C keeps the partial file and the same command
resumes it. Every failure is one line and a non-zero exit.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

from fireside.assistant.app import App, open_secrets
from fireside.assistant.library_config import HUB_TOKEN, hub_token, open_library
from fireside.assistant.settings import Paths, Settings, model_chosen
from fireside.cli.app_command import with_app
from fireside.cli.common import fail, print_json
from fireside.models.library.download import DONE, Progress, StopFlag, part_path
from fireside.models.memory_fit import DEFAULT_CTX

from fireside.errors import FiresideError


def register(ms) -> None:
    """Add the library's actions to the ``fireside models`` sub-parsers."""
    cat = ms.add_parser("catalog", help="curated models to download, with a memory fit")
    cat.add_argument(
        "--ctx-size",
        type=int,
        default=DEFAULT_CTX,
        help="context size for the memory estimate (default %(default)s)",
    )
    cat.add_argument("--json", action="store_true")
    cat.add_argument(
        "--refresh",
        action="store_true",
        help="check every entry's size and SHA-256 on the hub now and keep them "
        "(the shipped catalog stays the offline fallback)",
    )
    cat.set_defaults(func=_catalog)

    se = ms.add_parser("search", help="search the hub for GGUF repositories")
    se.add_argument("query")
    se.add_argument("--limit", type=int, default=20)
    se.add_argument("--json", action="store_true")
    se.set_defaults(func=_search)

    fi = ms.add_parser("files", help="the GGUF models in a hub repository")
    fi.add_argument("repo")
    fi.add_argument("--json", action="store_true")
    fi.set_defaults(func=_files)

    dl = ms.add_parser("download", help="download REPO [FILE] or a catalog id (resumable)")
    dl.add_argument("spec", metavar="REPO|CATALOG-ID")
    dl.add_argument("file", nargs="?")
    dl.add_argument("--use", action="store_true", help="make it the default model when done")
    dl.add_argument("--json", action="store_true", help="print the result as JSON")
    dl.set_defaults(func=_download)

    rm = ms.add_parser("remove", help="delete a downloaded model (or a partial download)")
    rm.add_argument("target", metavar="PATH|FILE|CATALOG-ID")
    rm.set_defaults(func=_remove)

    fo = ms.add_parser("folders", help="folders scanned for GGUF files")
    fo.add_argument("action", nargs="?", choices=["list", "add", "remove"], default="list")
    fo.add_argument("path", nargs="?")
    fo.add_argument("--json", action="store_true")
    fo.set_defaults(func=_folders)

    tk = ms.add_parser("token", help="the hub access token for gated repositories")
    tk.add_argument("action", choices=["set", "clear", "status"])
    tk.add_argument("value", nargs="?", help="the token (read from stdin when left out)")
    tk.set_defaults(func=_token)


def _gb(n: int | None) -> str:
    return "?" if n is None else f"{n / 1e9:.2f} GB"


# -- catalog -----------------------------------------------------------------------------
@with_app
def _catalog(app: App, args: argparse.Namespace) -> int:
    library = open_library(app.paths, app.settings, app.secrets)
    if args.refresh:
        checked, problems = library.refresh_catalog()  # LibraryError: one line, exit 2
        for line in problems:
            print(f"fireside: warning: {line}", file=sys.stderr)
        print(
            f"catalog refreshed from {library.hub.endpoint}: {checked} entries checked",
            file=sys.stderr,
        )
    rows = []
    for entry in library.catalog():
        fit = library.fit(entry, args.ctx_size)
        data = entry.to_dict()
        data.update(
            memory_estimate_bytes=fit.need,
            fit=fit.verdict,
            fit_summary=fit.summary(),
            downloaded=library.is_downloaded(entry),
            sees_images=entry.vision,
            path=str(library.downloaded_path(entry.repo, entry.filename)),
        )
        rows.append(data)
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        zh = " 中文" if r["strong_chinese"] else ""
        tools = " tools" if r["tool_calls"] else ""
        tools += " sees-images" if r["sees_images"] else ""
        mark = "✓" if r["downloaded"] else " "
        check = "" if r["verified"] else " (size approx.)"
        print(
            f"{mark} {r['id']:<30} {r['parameters_b']:>5.1f}B {r['quantization']:<7} "
            f"{_gb(r['size_bytes']):>9}{check}  {r['fit'].replace('_', ' '):<9}"
            f"{tools}{zh}"
        )
    print(
        f"\nfit at a {args.ctx_size}-token context; `fireside models download ID` fetches one",
        file=sys.stderr,
    )
    return 0


# -- hub ---------------------------------------------------------------------------------
@with_app
def _search(app: App, args: argparse.Namespace) -> int:
    library = open_library(app.paths, app.settings, app.secrets)
    try:
        repos = library.search(args.query, args.limit)
    except FiresideError as exc:
        return fail(str(exc), 1)
    if args.json:
        print_json([r.__dict__ for r in repos])
        return 0
    if not repos:
        print(f"no GGUF repositories match {args.query!r}", file=sys.stderr)
    for r in repos:
        print(f"{r.id}  ({r.downloads or 0:,} downloads)")
    return 0


@with_app
def _files(app: App, args: argparse.Namespace) -> int:
    library = open_library(app.paths, app.settings, app.secrets)
    try:
        files = library.repo_files(args.repo)
    except FiresideError as exc:
        return fail(str(exc), 1)
    if args.json:
        print_json([f.__dict__ | {"filename": f.filename} for f in files])
        return 0
    for f in files:
        parts = f"  ({len(f.parts)} parts)" if len(f.parts) > 1 else ""
        print(f"{f.filename}  {f.quantization or '-'}  {_gb(f.size_bytes)}{parts}")
    return 0


# -- download ----------------------------------------------------------------------------
class _ProgressLine:
    """One line on stderr, rewritten in place on a terminal and every 10% elsewhere."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last_step = -1
        self.last_write = 0.0

    def __call__(self, p: Progress) -> None:
        pct = p.done / p.total * 100 if p.total else 0.0
        now = time.monotonic()
        if self.tty:
            if now - self.last_write < 0.25 and p.done != p.total:
                return
        elif int(pct // 10) == self.last_step:
            return
        self.last_write, self.last_step = now, int(pct // 10)
        eta = f"{int(p.eta_s // 60)}:{int(p.eta_s % 60):02d} left" if p.eta_s is not None else ""
        line = (
            f"{pct:5.1f}%  {p.done / 1e6:,.1f} / {(p.total or 0) / 1e6:,.1f} MB  "
            f"{p.speed_bps / 1e6:,.1f} MB/s  {eta}"
        )
        sys.stderr.write(("\r" + line.ljust(60)) if self.tty else line + "\n")
        sys.stderr.flush()

    def end(self) -> None:
        if self.tty:
            sys.stderr.write("\n")


@with_app
def _download(app: App, args: argparse.Namespace) -> int:
    library = open_library(app.paths, app.settings, app.secrets)
    progress = _ProgressLine()
    try:
        plan = library.plan(args.spec, args.file)
        print(f"{plan.label} -> {plan.path} ({_gb(plan.total_bytes)})", file=sys.stderr)
        try:
            outcome = library.download(plan, StopFlag(), progress)
        except KeyboardInterrupt:
            progress.end()
            kept = sum(p.stat().st_size for p in plan.dests if p.exists())
            kept += sum(_part_size(p) for p in plan.dests)
            print(
                f"fireside: paused; {kept / 1e6:,.0f} MB kept, run the same command again "
                "to resume",
                file=sys.stderr,
            )
            return 130
    except FiresideError as exc:
        progress.end()
        return fail(str(exc), 1)
    progress.end()
    if outcome.status != DONE:
        return fail(f"download {outcome.status}", 1)
    if args.use:
        app.settings_store.update(model_chosen(str(plan.path)))
    if args.json:
        print_json(
            {
                "path": str(plan.path),
                "files": [str(p) for p in plan.dests],
                "fetched_bytes": outcome.fetched,
                "resumed_from_bytes": outcome.resumed_from,
                "sha256": plan.sha256,
            }
        )
    else:
        resumed = (
            f" (resumed after {outcome.resumed_from / 1e6:,.0f} MB)" if outcome.resumed_from else ""
        )
        print(
            f"downloaded {plan.path}{resumed}; SHA-256 checked"
            if all(plan.sha256)
            else f"downloaded {plan.path}{resumed}"
        )
    return 0


def _part_size(dest: Path) -> int:
    part = part_path(dest)
    return part.stat().st_size if part.exists() else 0


@with_app
def _remove(app: App, args: argparse.Namespace) -> int:
    library = open_library(app.paths, app.settings, app.secrets)
    try:
        removed = library.remove(args.target)
    except FiresideError as exc:
        return fail(str(exc))
    for p in removed:
        print(f"removed {p}")
    return 0


# -- folders and token -------------------------------------------------------------------
@with_app
def _folders(app: App, args: argparse.Namespace) -> int:
    if args.action in ("add", "remove"):
        if not args.path:
            return fail(f"`fireside models folders {args.action}` needs a folder")
        folder = str(Path(args.path).expanduser().resolve())
        if args.action == "add":
            if not Path(folder).is_dir():
                return fail(f"{args.path}: not a folder")
        elif folder not in app.settings.library.folders:
            return fail(f"{args.path} is not in the list of folders")
        app.settings_store.update(_folder_change(folder, args.action == "add"))
    library = open_library(app.paths, app.settings, app.secrets)
    rows = [
        {"path": str(f.path), "where": f.source, "exists": f.path.is_dir()}
        for f in library.folders()
    ]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['where']:<12} {r['path']}{'' if r['exists'] else '  (not found)'}")
    return 0


def _folder_change(folder: str, add: bool):
    """Add or remove ``folder`` in the settings as they are on disk when the change is made."""

    def change(settings: Settings) -> None:
        folders = [f for f in settings.library.folders if f != folder]
        settings.library.folders = [*folders, folder] if add else folders

    return change


def _token(args: argparse.Namespace) -> int:
    store = open_secrets(Paths.from_env().ensure())
    if args.action == "clear":
        store.delete(HUB_TOKEN)
        print("access token removed")
        return 0
    if args.action == "status":
        print("an access token is set" if hub_token(store) else "no access token")
        return 0
    value = args.value
    if not value:
        value = (
            getpass.getpass("Hub access token: ") if sys.stdin.isatty() else sys.stdin.readline()
        )
    value = (value or "").strip()
    if not value:
        return fail("no token given")
    where = store.set(HUB_TOKEN, value)
    print(f"access token saved in {where}")
    return 0


# -- ``fireside models list`` ------------------------------------------------------------
def local_items(app: App, seen: set[str]) -> list[dict]:
    """Models on disk for ``fireside models list``: downloads, other apps', user folders."""
    library = open_library(app.paths, app.settings, app.secrets)
    items = []
    for model in library.local_models():
        if str(model.path) in seen:
            continue
        seen.add(str(model.path))
        item = model.to_dict()
        item.update(label=model.path.name, bundled=False, exists=True)
        items.append(item)
    for pending in library.pending():
        items.append(
            {
                "path": str(pending.dest),
                "label": pending.dest.name,
                "bundled": False,
                "where": "partial download",
                "exists": False,
                "downloaded_bytes": pending.done,
                "size_bytes": pending.total,
            }
        )
    return items
