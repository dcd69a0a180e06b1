"""Model downloads from a local hub (127.0.0.1) serving a real GGUF.

Printed:
- resume: bytes fetched twice after a connection cut at 45% / bytes already on disk
  (target: near 0), beside the same figure for ``hf_hub_download``, which starts over;
- throughput: our transfer (ranged GET into a kept ``.part``, SHA-256 on the fly) / a plain
  ``hf_hub_download`` of the same file (target >= 0.95), median of alternating runs;
- UI: the largest event-loop stall of the real window while the library downloads
  (target <= 50 ms), with a 2 ms timer as in ``bench_ui_stall.py``.

    QT_QPA_PLATFORM=offscreen python bench/bench_download.py [--repeat 3] [--copies 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ["HF_HUB_DISABLE_XET"] = "1"
os.environ.pop("HF_HUB_OFFLINE", None)
os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

from bench_ui_harness import ROOT, GapRecorder, load_average, make_window, qt_app, wait_until  # noqa: E402

sys.path.insert(0, str(ROOT))

from fireside.models.bundled import default_model  # noqa: E402
from fireside.models.library.hub import HubClient  # noqa: E402
from fireside.models.library.library import ModelLibrary  # noqa: E402

from tests.hub_server import FakeHub  # noqa: E402

REPO, FILE = "bench/Model-GGUF", "model-Q4_1.gguf"


def big_file(folder: Path, copies: int) -> Path:
    """The bundled GGUF repeated ``copies`` times: large enough to time a transfer."""
    src = default_model().path.read_bytes()
    path = folder / FILE
    with path.open("wb") as fh:
        for _ in range(copies):
            fh.write(src)
    return path


def ours(hub: FakeHub, dest: Path) -> float:
    library = ModelLibrary(dest, HubClient(hub.endpoint), scan_other_apps=False)
    t0 = time.perf_counter()
    outcome = library.download(library.plan(REPO, FILE))
    elapsed = time.perf_counter() - t0
    assert outcome.status == "done"
    return elapsed


def theirs(hub: FakeHub, dest: Path) -> float:
    from huggingface_hub import hf_hub_download

    t0 = time.perf_counter()
    hf_hub_download(REPO, FILE, local_dir=dest, endpoint=hub.endpoint, token=False)
    return time.perf_counter() - t0


def bench_resume(hub: FakeHub, work: Path, size: int) -> None:
    cut = int(size * 0.45)
    library = ModelLibrary(work / "resume", HubClient(hub.endpoint), scan_other_apps=False)
    hub.state.bytes_sent = 0
    hub.state.drop_after = cut
    try:
        library.download(library.plan(REPO, FILE), retries=0)
    except Exception as exc:  # the cut: expected
        print(f"  cut at 45%: {str(exc)[:90]}…")
    first = hub.state.bytes_sent
    kept = sum(p.stat().st_size for p in (work / "resume").rglob("*.part"))
    hub.state.bytes_sent = 0
    outcome = library.download(library.plan(REPO, FILE))
    second = hub.state.bytes_sent
    refetched = outcome.fetched - (size - kept)  # bytes of the file received a second time
    lost = first + second - size  # sent before the cut but never written (in flight)
    print(
        f"resume (ours): {kept:,} bytes on disk after the cut, resumed from "
        f"{outcome.resumed_from:,}, {outcome.fetched:,} fetched to finish; re-fetched / on "
        f"disk = {refetched / kept:.4f}; counting bytes in flight at the cut (sent by the "
        f"server, never written): {lost / kept:.4f}"
    )

    # hf_hub_download in a child process, killed at about the same point, then run again
    import subprocess

    code = (
        "import os,sys; from huggingface_hub import hf_hub_download; "
        f"hf_hub_download({REPO!r}, {FILE!r}, local_dir=sys.argv[1], "
        f"endpoint={hub.endpoint!r}, token=False)"
    )
    target = work / "hf-resume"
    hub.state.bytes_sent = 0
    hub.state.throttle_bps = 100_000_000
    proc = subprocess.Popen([sys.executable, "-c", code, str(target)])
    while hub.state.bytes_sent < cut and proc.poll() is None:
        time.sleep(0.005)
    proc.kill()
    proc.wait()
    first = hub.state.bytes_sent
    hub.state.throttle_bps = None
    hub.state.bytes_sent = 0
    subprocess.run([sys.executable, "-c", code, str(target)], check=True)
    second = hub.state.bytes_sent
    print(
        f"resume (hf_hub_download, killed at {first / size:.0%}): fetched {second:,} to "
        f"finish; re-fetched / on disk = {(first + second - size) / max(first, 1):.4f}; "
        f"total bytes / file = {(first + second) / size:.2f}x"
    )


def bench_throughput(hub: FakeHub, work: Path, size: int, repeat: int) -> None:
    ours_s, theirs_s = [], []
    for i in range(repeat):
        for name, fn, out in (("ours", ours, ours_s), ("hf", theirs, theirs_s)):
            dest = work / f"{name}-{i}"
            out.append(fn(hub, dest))
            for p in sorted(dest.rglob("*"), reverse=True):
                p.unlink() if p.is_file() else p.rmdir()
    mb = size / 1e6
    o, t = statistics.median(ours_s), statistics.median(theirs_s)
    print(
        f"throughput: ours {mb / o:,.0f} MB/s, hf_hub_download {mb / t:,.0f} MB/s "
        f"(medians of {repeat}); ours / hf_hub_download = {t / o:.2f}"
    )


def bench_ui(path: Path, work: Path, size: int) -> None:
    """The hub runs in its own process here, as a real server would: in this process its
    threads would compete with the window for the interpreter lock."""
    import subprocess

    server = subprocess.Popen(
        [sys.executable, "-m", "tests.hub_server", REPO, FILE, str(path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    endpoint = server.stdout.readline().strip()
    try:
        _bench_ui(endpoint, work, size)
    finally:
        server.stdin.close()
        server.wait(30)


def _bench_ui(endpoint: str, work: Path, size: int) -> None:
    from fireside.assistant.app import build_app
    from fireside.assistant.settings import LibraryConfig

    qt_app()
    core = build_app()
    library = LibraryConfig(
        endpoint=endpoint, models_dir=str(work / "ui-models"), scan_other_apps=False
    )
    core.settings_store.update(lambda s: setattr(s, "library", library))
    window = make_window(core, start=False)
    dialog = window.open_library()
    wait_until(lambda: dialog.catalog_table.rowCount() > 0, 60)
    recorder = GapRecorder()
    # baseline: the same window idle for a few seconds (what the busy machine costs alone)
    recorder.start()
    idle_end = time.perf_counter() + 4
    wait_until(lambda: time.perf_counter() > idle_end, 30)
    recorder.stop()
    idle = recorder.summary()
    print(
        f"UI idle (baseline, same window): max stall {idle['max_ms']:.1f} ms, p99 "
        f"{idle['p99_ms']:.1f} ms over {idle['ticks']} ticks"
    )
    recorder = GapRecorder()
    recorder.start()
    t0 = time.perf_counter()
    job = dialog.download(REPO, FILE, "bench")
    wait_until(lambda: job.state in ("done", "failed"), 300)
    elapsed = time.perf_counter() - t0
    recorder.stop()
    assert job.state == "done", job.error
    s = recorder.summary()
    print(
        f"UI during a download ({size / 1e6 / elapsed:,.0f} MB/s in the window): "
        f"max stall {s['max_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms, median "
        f"{s['median_ms']:.1f} ms over {s['ticks']} ticks"
    )
    window.close()
    core.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=3, help="file size, in bundled GGUFs")
    args = parser.parse_args()
    import huggingface_hub.constants as constants

    constants.HF_HUB_OFFLINE = False
    constants.HF_HUB_DISABLE_XET = True
    with tempfile.TemporaryDirectory(prefix="fireside-bench-dl-") as tmp:
        work = Path(tmp)
        path = big_file(work, args.copies)
        size = path.stat().st_size
        print(
            f"file: {size / 1e6:,.0f} MB (the bundled GGUF x{args.copies}); "
            f"load average {load_average()}"
        )
        with FakeHub() as hub:
            hub.state.add(REPO, FILE, path)
            bench_resume(hub, work, size)
            bench_throughput(hub, work, size, args.repeat)
        bench_ui(path, work, size)


if __name__ == "__main__":
    main()
