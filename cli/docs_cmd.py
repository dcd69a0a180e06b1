"""``fireside docs ...``: add, list, remove, reindex and watch (search: ``docs_search_cmd``).

Indexing prints progress on stderr and the per-file problems at the end; it exits 0 when at
least one file is indexed (or already was), so one encrypted PDF in a folder does not fail
a script. Interrupting ``docs add`` keeps what was done; running it again resumes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from fireside.assistant.documents.service import DEFAULT_COLLECTION
from fireside.cli import docs_search_cmd
from fireside.cli.app_command import with_app
from fireside.cli.common import fail, print_json


def register(sub) -> None:
    docs = sub.add_parser("docs", help="index local documents and search them")
    dsub = docs.add_subparsers(dest="docs_command", metavar="SUBCOMMAND")
    docs.set_defaults(func=lambda args: (docs.print_help(), 2)[1])

    p = dsub.add_parser("add", help="index files or folders into a collection")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _collection(p)
    _embedder_option(p, "embedder for a new collection (see `fireside docs embedders`)")
    p.add_argument("--force", action="store_true", help="re-index even unchanged files")
    p.add_argument(
        "--no-ocr",
        dest="ocr",
        action="store_false",
        default=None,
        help="do not read scanned pages and pictures with OCR in this collection (remembered)",
    )
    p.add_argument("--json", action="store_true", help="print per-file results as JSON")
    p.set_defaults(func=run_add)

    p = dsub.add_parser(
        "ocr", help="show whether a collection reads scans and pictures with OCR, or turn it on/off"
    )
    p.add_argument("collection", metavar="COLLECTION")
    p.add_argument("state", nargs="?", choices=("on", "off"))
    p.set_defaults(func=run_ocr)

    p = dsub.add_parser("list", help="list collections, or the documents of one")
    p.add_argument("--collection", "-C", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_list)

    p = dsub.add_parser("remove", help="remove documents (or a whole collection) from the index")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to remove")
    _collection(p)
    p.add_argument("--all", action="store_true", help="delete the whole collection")
    p.set_defaults(func=run_remove)

    p = dsub.add_parser("reindex", help="re-check a collection's files; re-embed with --model")
    _collection(p)
    p.add_argument("--force", action="store_true", help="rebuild every document")
    _embedder_option(
        p,
        "switch the collection to this embedder "
        "(old vectors serve searches until the new ones are ready)",
    )
    p.set_defaults(func=run_reindex)

    p = dsub.add_parser(
        "embedder",
        help="show a collection's embedder, or switch it (re-embeds; Ctrl-C keeps progress)",
    )
    p.add_argument("collection", metavar="COLLECTION")
    p.add_argument("name", nargs="?", metavar="NAME", help="the embedder to switch to")
    p.set_defaults(func=run_embedder)

    p = dsub.add_parser("embedders", help="list the embedders collections can use")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_embedders)

    docs_search_cmd.register(dsub)

    p = dsub.add_parser("watch", help="watch folders and re-index them on change (Ctrl-C stops)")
    p.add_argument("paths", nargs="*", metavar="FOLDER", help="folders to add to the watch list")
    _collection(p)
    p.add_argument("--interval", type=float, default=3.0, metavar="SECONDS")
    p.add_argument("--once", action="store_true", help="scan twice and exit (for scripts)")
    _embedder_option(p, "embedder for a new collection")
    p.set_defaults(func=run_watch)


def _collection(p) -> None:
    p.add_argument(
        "--collection",
        "-C",
        metavar="NAME",
        default=DEFAULT_COLLECTION,
        help=f"collection name (default {DEFAULT_COLLECTION!r})",
    )


def _embedder_option(p, help_text: str) -> None:
    p.add_argument(
        "--embedder",
        "--embedding-model",
        dest="embedding_model",
        metavar="NAME",
        help=help_text,
    )


# -- add / reindex ------------------------------------------------------------------------
def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def _print_progress(p) -> None:
    eta = f" ETA {_duration(p.eta_s)}" if p.eta_s else ""
    name = Path(p.current).name if p.current else ""
    pages = f" page {p.pages_done}/{p.pages_total}" if p.pages_total else ""
    line = f"[{p.files_done}/{p.files_total}] {p.chunks_done} chunks{pages}{eta} {name}"
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K" + line[:120])
        sys.stderr.flush()


def _print_file(result, total_ref) -> None:
    total_ref[0] += 1
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    detail = f"{result.chunks} chunks" if result.ok else result.reason
    print(
        f"[{total_ref[0]}] {result.status}: {result.path} ({detail})", file=sys.stderr, flush=True
    )


def _run_job(app, col, paths, *, force: bool, as_json: bool) -> int:
    from fireside.assistant.documents.indexer import IndexOptions
    from fireside.assistant.documents.jobs import IndexJob

    counter = [0]
    job = IndexJob(
        app.documents_store,
        col,
        paths,
        registry=app.loaders,
        options=IndexOptions(force=force),
        on_progress=_print_progress,
        on_file=lambda r: _print_file(r, counter),
    )
    try:
        result = job.run()
    except KeyboardInterrupt:
        print("\nfireside: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    except Exception as exc:
        if type(exc).__name__ == "EmbedderError":
            return fail(str(exc))
        raise
    if as_json:
        print_json(
            {
                "collection": col.name,
                "files": [f.to_dict() for f in result.files],
                "ignored": result.ignored,
            }
        )
    indexed = sum(f.status == "indexed" for f in result.files)
    unchanged = sum(f.status == "unchanged" for f in result.files)
    print(
        f"{indexed} indexed, {unchanged} unchanged, {len(result.problems)} not indexed"
        + (f", {result.ignored} unsupported files ignored" if result.ignored else ""),
        file=sys.stderr,
    )
    for f in result.problems:
        print(f"  {f.path}: {f.reason}", file=sys.stderr)
    return 0 if indexed + unchanged else 1


def _new_collection(store, name: str, embedder: str | None):
    """The collection ``name``, created with ``embedder`` (checked) if it does not exist;
    an exit code (int) when the embedder cannot be used."""
    from fireside.models.embedder import EmbedderError

    registry = store.embedders
    exists = any(c.name == name for c in store.collections(counts=False))
    try:
        model = registry.check(embedder) if embedder else None
    except EmbedderError as exc:
        return fail(str(exc))
    if not exists and not embedder and registry.default_notice():
        print(f"fireside: notice: {registry.default_notice()}", file=sys.stderr)
    return store.collection(name, model=model)


@with_app
def run_add(app, args) -> int:
    store = app.documents_store
    missing = [p for p in args.paths if not Path(p).expanduser().exists()]
    for p in missing:
        print(f"fireside: warning: {p}: no such file or folder", file=sys.stderr)
    col = _new_collection(store, args.collection, args.embedding_model)
    if isinstance(col, int):
        return col
    if args.ocr is not None and bool(col.ocr) != args.ocr:
        store.set_ocr(col.id, args.ocr)
        col = store.collection(col.name, create=False)
    if args.embedding_model and col.model != store.embedders.canonical(args.embedding_model):
        return fail(
            f"collection {col.name!r} uses {col.model}; switch it with "
            f"`fireside docs embedder {col.name} NAME`"
        )
    return _run_job(app, col, args.paths, force=args.force, as_json=args.json)


@with_app
def run_reindex(app, args) -> int:
    store = app.documents_store
    col = store.collection(args.collection, create=False)  # NotFoundError: one line
    if args.embedding_model and store.embedders.canonical(args.embedding_model) != col.model:
        code = _switch_embedder(store, col, args.embedding_model)
        if code:
            return code
        col = store.collection(col.name, create=False)
    paths = sorted({d.path for d in store.documents(col.id)})
    gone = [p for p in paths if not Path(p).exists()]
    for path in gone:
        for doc in store.documents_at(col.id, path):
            store.remove_document(doc.id)
        print(f"removed (file no longer exists): {path}", file=sys.stderr)
    present = [p for p in paths if p not in gone]
    if not present:
        return 0
    return _run_job(app, col, present, force=args.force, as_json=False)


def _switch_embedder(store, col, name: str) -> int:
    """Re-embed ``col`` with ``name`` in the foreground; 0, or the exit code of a failure."""
    from fireside.assistant.documents.reembed import reembed
    from fireside.models.embedder import EmbedderError

    def show(done: int, total: int) -> None:
        line = f"re-embedded {done}/{total} chunks"
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K" + line)
            sys.stderr.flush()

    try:
        model = store.embedders.check(name)
        n = reembed(store, col.name, model, on_progress=show)
    except EmbedderError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        print(
            "\nfireside: interrupted; searches keep using the old embedder until the same "
            "command finishes the switch",
            file=sys.stderr,
        )
        return 130
    print(f"{col.name}: now uses {model} ({n} chunks embedded)", file=sys.stderr)
    return 0


@with_app
def run_embedder(app, args) -> int:
    store = app.documents_store
    col = store.collection(args.collection, create=False)  # NotFoundError: one line
    if not args.name:
        pending = f" (switching to {col.pending_model})" if col.pending_model else ""
        print(f"{col.name}: {col.model}{pending}")
        return 0
    if store.embedders.canonical(args.name) == col.model and not col.pending_model:
        print(f"{col.name}: already uses {col.model}", file=sys.stderr)
        return 0
    return _switch_embedder(store, col, args.name)


@with_app
def run_embedders(app, args) -> int:
    store = app.documents_store
    registry = store.embedders
    store.close()
    default = registry.default_name()
    specs = registry.specs()
    if args.json:
        print_json(
            [
                {
                    "name": s.name,
                    "aliases": list(s.aliases),
                    "description": s.description,
                    "available": s.available,
                    "default": s.name == default,
                    "source": s.source,
                }
                for s in specs
            ]
        )
        return 0
    for s in specs:
        flags = " (default)" if s.name == default else ""
        flags += "" if s.available else " (not available on this platform)"
        aliases = f" [also: {', '.join(s.aliases)}]" if s.aliases else ""
        print(f"{s.name}{flags}: {s.description}{aliases}")
    print("or the path of a sentence-transformers model folder")
    if registry.default_notice():
        print(f"notice: {registry.default_notice()}", file=sys.stderr)
    return 0


@with_app
def run_ocr(app, args) -> int:
    store = app.documents_store
    col = store.collection(args.collection, create=False)  # NotFoundError: one line
    if args.state is not None:
        store.set_ocr(col.id, args.state == "on")
        if args.state == "on":
            print(
                f"{col.name}: run `fireside docs reindex -C {col.name}` to read scans "
                "indexed while OCR was off",
                file=sys.stderr,
            )
    col = store.collection(args.collection, create=False)
    print(f"{col.name}: OCR {'on' if col.ocr else 'off'}")
    return 0


# -- list / remove --------------------------------------------------------------------------
@with_app
def run_list(app, args) -> int:
    store = app.documents_store
    if not args.collection:
        cols = store.collections()
        if args.json:
            print_json([c.__dict__ for c in cols])
            return 0
        if not cols:
            print("no collections yet: fireside docs add PATH... [--collection NAME]")
        for c in cols:
            pending = f" (switching to {c.pending_model})" if c.pending_model else ""
            ocr = "" if c.ocr else ", OCR off"
            print(
                f"{c.name}: {c.documents} documents, {c.chunks} chunks, {c.failed} not "
                f"indexed, embedder {c.model}{pending}{ocr}"
            )
        return 0
    col = store.collection(args.collection, create=False)  # NotFoundError: one line
    docs = store.documents(col.id)
    if args.json:
        print_json([d.__dict__ for d in docs])
        return 0
    for d in docs:
        detail = {
            "complete": f"{d.n_chunks} chunks",
            "failed": d.error,
            "indexing": f"interrupted at chunk {d.chunks_done}",
        }.get(d.status, "")
        print(f"{d.status:9s} {d.path} ({detail})")
    return 0


@with_app
def run_remove(app, args) -> int:
    store = app.documents_store
    col = store.collection(args.collection, create=False)  # NotFoundError: one line
    if args.all:
        store.delete_collection(col.name)
        print(f"deleted collection {col.name!r}", file=sys.stderr)
        return 0
    if not args.paths:
        return fail("name the files or folders to remove, or --all for the whole collection")
    removed = 0
    for raw in args.paths:
        target = Path(raw).expanduser().resolve()
        for doc in store.documents(col.id):
            if Path(doc.path) == target or Path(doc.path).is_relative_to(target):
                store.remove_document(doc.id)
                removed += 1
    print(f"removed {removed} documents from {col.name!r}", file=sys.stderr)
    return 0 if removed else 1


# -- watch ----------------------------------------------------------------------------------
def _print_reachability(folder: str, reason: str | None) -> None:
    if reason is None:
        print(f"reachable again: {folder}", file=sys.stderr)
    else:
        print(f"{reason}; index kept, checking again", file=sys.stderr)


@with_app
def run_watch(app, args) -> int:
    from fireside.assistant.documents.watcher import FolderWatcher, watch_folder, watched_folders

    store = app.documents_store

    for folder in args.paths:
        if not Path(folder).is_dir():
            return fail(f"{folder}: not a folder")
        if isinstance(_new_collection(store, args.collection, args.embedding_model), int):
            return 2
        watch_folder(store, args.collection, folder, args.embedding_model)
    folders = watched_folders(store)
    if not folders:
        return fail("no watched folders; give one: fireside docs watch FOLDER -C NAME")
    for name, folder in folders:
        print(f"watching {folder} -> {name}", file=sys.stderr)
    counter = [0]
    watcher = FolderWatcher(
        store,
        interval_s=args.interval,
        registry=app.loaders,
        on_file=lambda r: _print_file(r, counter),
        on_removed=lambda p: print(f"removed: {p}", file=sys.stderr),
        on_unreachable=_print_reachability,
    )
    try:
        for _ in range(2) if args.once else iter(int, 1):
            watcher.poll()
            if not args.once:
                time.sleep(args.interval)
    except KeyboardInterrupt:
        return 0
    return 0
