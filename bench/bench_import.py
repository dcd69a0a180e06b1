"""Importing a 10,000-conversation ChatGPT export: time and peak memory.

The export is made from real ones: the conversations of the ChatGPT exports in
``tests/data/exports`` (branches, tool calls, files, Chinese-free English and code), repeated
with new ids until there are ``--count`` of them (10,000 by default), in one
``conversations.json``. Each run happens in a fresh child process so its peak RSS is its
own:

- ``import``: ``fireside history import`` into an empty data folder (streamed with ijson,
  each conversation stored in its own transaction, FTS index kept up to date);
- ``json.load``: reading the same file whole with the standard library, which is what an
  importer that does not stream would do before storing anything (the baseline for memory);
- ``startup``: the same child doing nothing but importing Fireside (what the import adds
  to it is the import's own memory).

Then a second import of the same file (everything skipped) shows what the duplicate check
costs. Printed: conversations/s, messages/s, peak MiB, and the ratios against the baselines.

    .venv/bin/python bench/bench_import.py [--count 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "tests" / "data" / "exports"

CHILD_IMPORT = """
import resource, sys, time
from fireside.cli.main import main
t0 = time.perf_counter()
code = main(['history', 'import', sys.argv[1], '--json'])
elapsed = time.perf_counter() - t0
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""
CHILD_LOAD = """
import json, resource, sys, time
import fireside.cli.main
t0 = time.perf_counter()
with open(sys.argv[1], encoding='utf-8') as fh:
    data = json.load(fh)
elapsed = time.perf_counter() - t0
print(len(data), file=sys.stdout)
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""
CHILD_STARTUP = """
import resource, sys
import fireside.cli.main, fireside.assistant.app, fireside.assistant.transfer.importer
print(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def real_conversations() -> list[dict]:
    convs = []
    with zipfile.ZipFile(EXPORTS / "chatgpt-logactyl.zip") as z:
        for name in sorted(z.namelist()):
            if Path(name).name.startswith("conversations"):
                convs += json.loads(z.read(name))
    convs += json.loads((EXPORTS / "chatgpt-chat-history.json").read_text(encoding="utf-8"))
    return convs


def make_export(path: Path, count: int) -> int:
    """``count`` conversations, the real ones over and over with new ids; returns messages."""
    base = real_conversations()
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for n in range(count):
            conv = dict(base[n % len(base)])
            conv["id"] = conv["conversation_id"] = f"bench-{n:06d}"
            conv["title"] = f"{conv.get('title') or 'chat'} #{n}"
            out.write(("," if n else "") + json.dumps(conv, ensure_ascii=False))
        out.write("]")
    return count


def child(code: str, path: Path, home: Path) -> tuple[float, float, str]:
    """(seconds, peak MiB, stdout) of a fresh process running ``code`` on ``path``."""
    env = dict(os.environ, FIRESIDE_HOME=str(home))
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    seconds, peak_kib = done.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(peak_kib) / 1024, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="keep the export and data folder here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    export = work / "conversations.json"
    t0 = time.perf_counter()
    make_export(export, args.count)
    size_mib = export.stat().st_size / 2**20
    print(
        f"export: {args.count:,} conversations, {size_mib:.1f} MiB "
        f"(made in {time.perf_counter() - t0:.1f} s)"
    )
    home = work / "home"
    _, startup_mib, _ = child(CHILD_STARTUP, export, home)
    load_s, load_mib, _ = child(CHILD_LOAD, export, home)
    import_s, import_mib, out = child(CHILD_IMPORT, export, home)
    report = json.loads(out)
    again_s, again_mib, out = child(CHILD_IMPORT, export, home)
    again = json.loads(out)
    assert report["conversations"] == args.count and again["skipped"] == args.count
    print(
        f"import: {import_s:.1f} s, {report['conversations'] / import_s:,.0f} conversations/s, "
        f"{report['messages'] / import_s:,.0f} messages/s "
        f"({report['messages']:,} messages, {report['branches']:,} branches)"
    )
    print(
        f"peak memory: import {import_mib:.0f} MiB, startup alone {startup_mib:.0f} MiB, "
        f"json.load of the file {load_mib:.0f} MiB"
    )
    added = import_mib - startup_mib
    loaded = load_mib - startup_mib
    print(
        f"memory the import adds: {added:.0f} MiB; json.load adds {loaded:.0f} MiB "
        f"(ratio import/json.load: {added / loaded:.2f})"
    )
    print(
        f"time ratio import/json.load: {import_s / load_s:.1f} (parsing alone takes {load_s:.2f} s)"
    )
    print(f"second import (all {again['skipped']:,} skipped): {again_s:.1f} s, {again_mib:.0f} MiB")
    if args.keep is None:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
