"""``fireside web``: choose the search engine, search, read a page, keep a page.

The same service the chat's web tools use (``App.web``): the engine and limits from the
``web`` settings, the keys from the secret store, pages from the cache when read recently.
A URL typed here is the user's own, so a page on this computer or the local network is read.
"""

from __future__ import annotations

import sys
import time

from fireside.cli.app_command import with_app
from fireside.cli.common import fail, print_json
from fireside.cli.docs_cmd import _embedder_option

ENGINE_NAMES = ("duckduckgo", "searxng", "brave", "tavily")


def register(sub) -> None:
    p = sub.add_parser("web", help="search the web and read pages (the chat's web tools)")
    web = p.add_subparsers(dest="web_command", metavar="ACTION", required=True)

    use = web.add_parser(
        "use", help="choose the search engine: searxng URL | duckduckgo | brave | tavily"
    )
    use.add_argument("engine", choices=ENGINE_NAMES)
    use.add_argument("url", nargs="?", help="the SearXNG instance (searxng only)")
    use.add_argument(
        "--api-key-stdin",
        action="store_true",
        help="read the API key (Brave, Tavily) from stdin; it goes to the secret store",
    )
    use.set_defaults(func=run_use)

    search = web.add_parser("search", help="search the web with the chosen engine")
    search.add_argument("query", nargs="+")
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=run_search)

    read = web.add_parser("read", help="read a page: its main text, title, date, language")
    read.add_argument("url")
    read.add_argument("--fresh", action="store_true", help="read it again even if cached")
    read.add_argument("--json", action="store_true")
    read.set_defaults(func=run_read)

    add = web.add_parser("add", help="add a page (read now or from the cache) to a collection")
    add.add_argument("url")
    add.add_argument("--collection", "-C", required=True, metavar="NAME")
    add.add_argument("--json", action="store_true")
    _embedder_option(add, "embedder of a new collection (default: the multilingual one)")
    add.set_defaults(func=run_add)


@with_app
def run_use(app, args) -> int:
    from fireside.plugins.builtin.web.service import SECRET_NAMES

    url = args.url
    if args.engine == "searxng":
        if not url:
            return fail("say where the SearXNG instance is: fireside web use searxng URL")
        if not url.startswith(("http://", "https://")):
            return fail(f"{url!r} is not an http(s) URL")
    elif url:
        return fail(f"{args.engine} takes no URL")
    if args.engine in SECRET_NAMES:
        if args.api_key_stdin:
            key = sys.stdin.readline().strip()
            if not key:
                return fail("no API key on stdin")
            where = app.secrets.set(SECRET_NAMES[args.engine], key)
            print(f"the {args.engine} API key is kept in {where}", file=sys.stderr)
        elif app.web.api_key(args.engine) is None:
            return fail(
                f"{args.engine} needs an API key: fireside web use {args.engine} --api-key-stdin"
            )

    def change(settings) -> None:
        settings.web.engine = args.engine
        if url:
            settings.web.searxng_url = url.rstrip("/")

    app.settings_store.update(change)
    where = f" at {url}" if url else ""
    print(f"web searches now go to {args.engine}{where}")
    if not app.settings.web.enabled:
        print(
            "the web is off for new chats: use --web, the globe beside the message box, or "
            "fireside settings set web.enabled true",
            file=sys.stderr,
        )
    return 0


@with_app
def run_search(app, args) -> int:
    query = " ".join(args.query)
    results = app.web.search(query)  # a WebError is one line, exit code 2
    if args.json:
        print_json(
            {
                "query": query,
                "engine": app.settings.web.engine,
                "results": [r.to_dict() for r in results],
            }
        )
        return 0
    if not results:
        print(f"nothing found for {query!r}", file=sys.stderr)
        return 1
    for n, r in enumerate(results, 1):
        print(f"[{n}] {r.title}\n    {r.url}")
        if r.date:
            print(f"    {r.date}")
        if r.snippet:
            print(f"    {r.snippet}")
    return 0


@with_app
def run_read(app, args) -> int:
    page = app.web.read(args.url, fresh=args.fresh)
    if args.json:
        print_json(page.to_dict())
        return 0
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(page.read_at))
    print(f"# {page.title}\n<{page.final_url}>")
    meta = [f"read {when}" + (" (cached)" if page.cached else "")]
    if page.date:
        meta.append(f"published {page.date}")
    if page.language:
        meta.append(f"language {page.language}")
    print(", ".join(meta) + "\n")
    print(page.text)
    return 0


@with_app
def run_add(app, args) -> int:
    from fireside.cli.docs_cmd import _new_collection, _run_job

    page = app.web.read(args.url)
    col = _new_collection(app.documents_store, args.collection, args.embedding_model)
    if isinstance(col, int):
        return col
    print(f"{page.title} <{page.final_url}> -> {col.name}", file=sys.stderr)
    return _run_job(app, col, [page.file], force=False, as_json=args.json)
