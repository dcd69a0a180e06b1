"""The web tools on the local test site: time to first token, and main-text extraction.

1. A routed web question ("search the web for Debian kernel": one search, two page reads)
   through the real engine with the bundled SmolLM2 135M, pages served by
   ``tests/web/site.py`` on 127.0.0.1 and read fresh each run (the cache emptied). Reported:
   the time from the question to the first token, the model's own part (from the moment
   it is asked: prompt evaluation and its first token), the network's part (the same three
   HTTP requests made with a bare httpx client, median), and Fireside's share: from the
   question to the moment the model is asked, less the network (routing, the engine, the
   URL checks, extraction, the cache, building the prompt). Then the same
   with the pages served from the cache.
2. Main-text extraction on four saved pages against hand-checked references
   (``tests/data/web/extraction-reference/``): characters of boilerplate kept (extracted
   text the reference does not have) and of article text lost (reference text the
   extraction does not have), as shares of the reference, for the extractor Fireside uses
   (trafilatura, as configured in ``extract.py``) and for all visible text (the baseline a
   regex or ``html2text`` would give).

    python bench/bench_web.py [--runs 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "tests" / "data" / "web"
REFERENCE = WEB / "extraction-reference"
QUESTION = "search the web for Debian kernel"
PAGES = {  # reference name -> (saved file, site path)
    "mozilla.org.firefox.developer": (
        WEB / "mozilla.org.firefox.developer.html",
        "/firefox-developer",
    ),
    "fivethirtyeight-manchin": (WEB / "fivethirtyeight-manchin.html.gz", "/manchin"),
    "kernel.en": (
        ROOT / "tests" / "data" / "documents" / "html" / "kernel.en.html",
        "/debian/kernel",
    ),
    "kernel.zh-cn": (WEB / "kernel.zh-cn.html", "/zh/kernel"),
}
_CJK = re.compile(r"[\u3400-\u9fff]")


def tokens(text: str) -> list[str]:
    """Words, with each Chinese character its own token (so lengths compare across scripts);
    table rules (``|``, ``---``) are layout, not text, and left out."""
    out: list[str] = []
    for word in text.split():
        if re.fullmatch(r"[|:-]+", word):
            continue
        if _CJK.search(word):
            out += re.findall(r"[\u3400-\u9fff]|[^\u3400-\u9fff]+", word)
        else:
            out.append(word)
    return out


def compare(extracted: str, reference: str) -> tuple[int, int, int]:
    """``(boilerplate chars kept, article chars lost, reference chars)``."""
    got, want = tokens(extracted), tokens(reference)
    matcher = difflib.SequenceMatcher(None, got, want, autojunk=False)
    matched_got = matched_want = 0
    for block in matcher.get_matching_blocks():
        matched_got += sum(len(t) for t in got[block.a : block.a + block.size])
        matched_want += sum(len(t) for t in want[block.b : block.b + block.size])
    total_got = sum(len(t) for t in got)
    total_want = sum(len(t) for t in want)
    return total_got - matched_got, total_want - matched_want, total_want


def html_of(path: Path) -> str:
    from fireside.plugins.builtin.web.extract import decode

    raw = path.read_bytes()
    return decode(gzip.decompress(raw) if path.suffix == ".gz" else raw, None)


def extraction() -> None:
    import trafilatura
    from fireside.plugins.builtin.web.extract import extract_html

    print("\nMain-text extraction against hand-checked references (chars, share of reference)")
    print(
        f"{'page':32} {'reference':>9}  {'fireside: kept':>15} {'lost':>12}  "
        f"{'all text: kept':>15} {'lost':>12}"
    )
    sums = [0, 0, 0, 0, 0]
    for name, (path, _site) in PAGES.items():
        html = html_of(path)
        reference = (REFERENCE / f"{name}.txt").read_text(encoding="utf-8")
        page = extract_html(html, f"http://example.test/{name}")
        ours = f"{page.title}\n{page.text}"  # the model is given both
        plain = trafilatura.html2txt(html)
        kept, lost, ref = compare(ours, reference)
        kept0, lost0, _ = compare(plain, reference)
        for i, v in enumerate((ref, kept, lost, kept0, lost0)):
            sums[i] += v
        print(
            f"{name:32} {ref:9d}  {kept:7d} ({kept / ref:5.1%}) {lost:5d} ({lost / ref:5.1%})"
            f"  {kept0:7d} ({kept0 / ref:5.1%}) {lost0:5d} ({lost0 / ref:5.1%})"
        )
    ref, kept, lost, kept0, lost0 = sums
    print(
        f"{'all four':32} {ref:9d}  {kept:7d} ({kept / ref:5.1%}) {lost:5d} ({lost / ref:5.1%})"
        f"  {kept0:7d} ({kept0 / ref:5.1%}) {lost0:5d} ({lost0 / ref:5.1%})"
    )


def network_baseline(site, urls: list[str], runs: int) -> float:
    """The same three requests with a bare httpx client: what the network itself costs."""
    import httpx

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with httpx.Client(trust_env=False) as client:
            client.get(site.url("/search"), params={"q": "Debian kernel", "format": "json"})
            for url in urls:
                client.get(url).read()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_token(app, question: str):
    """``(to first token, before the model was asked, tool results)`` for one turn: the
    backend's ``stream`` is timed where the engine calls it, so "before the model" is the
    routing, the tools (search, fetch, extraction, cache) and building the prompt."""
    from fireside.assistant.events import TextDelta, ToolResult, TurnError
    from fireside.assistant.turn_request import ToolPolicy, TurnRequest

    backend = app.models.get(None)
    asked: list[float] = []
    stream = backend.stream

    def timed(*args, **kwargs):
        asked.append(time.perf_counter())
        return stream(*args, **kwargs)

    backend.stream = timed
    start = time.perf_counter()
    first = None
    reads = []
    request = TurnRequest(question, tools=ToolPolicy(web=True, approve=lambda tool, args: True))
    try:
        for event in app.engine.run(request):
            if isinstance(event, TextDelta) and first is None:
                first = time.perf_counter() - start
            elif isinstance(event, ToolResult):
                reads.append(event)
            elif isinstance(event, TurnError):
                raise SystemExit(f"turn failed: {event.message}")
    finally:
        del backend.stream
    return first, asked[0] - start, reads


def latency(runs: int, threads: int) -> None:
    from fireside.assistant.app import build_app
    from fireside.assistant.settings import ModelSettings
    from fireside.models.bundled import default_model
    from fireside.models.sampling import SamplingParams

    from tests.web.conftest import point_at
    from tests.web.site import Site

    home = Path(tempfile.mkdtemp(prefix="fireside-bench-web-"))
    os.environ["FIRESIDE_HOME"] = str(home)
    app = build_app()
    model = str(default_model().path)

    def change(settings) -> None:
        settings.model.path = model
        settings.model.n_threads = threads
        sampling = SamplingParams(temperature=0.0, max_tokens=16, seed=1)
        settings.set_model_settings(model, ModelSettings(n_ctx=4096, sampling=sampling))

    app.settings_store.update(change)
    try:
        with Site() as site:
            point_at(app, site, timeout_s=20.0)
            first_token(app, "Hello")  # load the model
            fresh, cached = [], []
            urls: list[str] = []
            for run in range(runs):
                shutil.rmtree(home / "data" / "web", ignore_errors=True)
                total, before, results = first_token(app, QUESTION)
                urls = [r.sources[0].url for r in results[1:] if r.sources]
                fresh.append((total, before))
                cached.append(first_token(app, QUESTION)[:2])
                print(
                    f"  run {run + 1}: fresh {total:.3f} s (model asked at {before:.3f} s), "
                    f"cached {cached[-1][0]:.3f} s (at {cached[-1][1]:.3f} s)",
                    flush=True,
                )
            net = network_baseline(site, urls, runs)
    finally:
        app.close()
        shutil.rmtree(home, ignore_errors=True)
    print(f"Question to first token, {QUESTION!r} (1 search + 2 page reads), median of {runs}")
    for label, rows, network in (
        ("pages read fresh", fresh, net),
        ("pages from the cache", cached, net / 3),  # only the search goes out
    ):
        total = statistics.median(r[0] for r in rows)
        before = statistics.median(r[1] for r in rows)
        model_s = total - before
        ours = max(0.0, before - network)
        print(
            f"  {label:22} total {total * 1000:8.1f} ms = network {network * 1000:6.1f} ms"
            f" + Fireside {ours * 1000:7.1f} ms + model {model_s * 1000:8.1f} ms;"
            f" Fireside's share {ours / total:.1%} ({ours / (total - network):.1%} with the"
            " network left out)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    if not args.skip_latency:
        latency(args.runs, args.threads)
    extraction()


if __name__ == "__main__":
    main()
