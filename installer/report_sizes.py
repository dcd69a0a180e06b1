"""Prints what takes the room in the one-folder app, and the size of each package.

    python installer/report_sizes.py APP_DIR [PACKAGE ...]

Parts are the top-level folders of the app's ``_internal`` (one per Python package, mostly)
and its loose files grouped by library name, largest first, down to 1% of the total.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

MIB = 1024 * 1024


def _size(path: Path) -> int:
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def parts(app: Path) -> Counter:
    """Bytes per part: a folder under ``_internal``, or a shared library's base name."""
    inner = app / "_internal" if (app / "_internal").is_dir() else app
    sizes: Counter = Counter()
    for entry in inner.iterdir():
        name = entry.name
        if entry.is_file():
            name = re.sub(r"(\.cpython-.*|\.so.*|\.abi3.*|\.dll|\.pyd|\.dylib)$", "", name)
            name = (
                f"{name} (library)"
                if entry.suffix in (".so", ".dll", ".dylib") or ".so." in entry.name
                else name
            )
        sizes[name] += _size(entry)
    for entry in app.iterdir():
        if entry != inner and entry.is_file():
            sizes[f"{entry.name} (executable)"] += _size(entry)
    return sizes


def main(argv: list[str]) -> int:
    if not argv or not Path(argv[0]).is_dir():
        print("report_sizes: usage: report_sizes.py APP_DIR [PACKAGE ...]", file=sys.stderr)
        return 2
    app = Path(argv[0])
    sizes = parts(app)
    total = sum(sizes.values())
    print(f"one-folder app {app.name}/: {total / MIB:.1f} MiB")
    for name, size in sizes.most_common():
        if size < total / 100:
            break
        print(f"  {size / MIB:8.1f} MiB  {size / total:5.1%}  {name}")
    packages = [Path(p) for p in argv[1:] if Path(p).is_file()]
    if packages:
        print("packages:")
        for package in packages:
            print(f"  {package.stat().st_size / MIB:8.1f} MiB  {package.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
