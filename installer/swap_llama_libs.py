"""Puts the llama.cpp libraries of a portable wheel into a frozen app.

The build environment's llama-cpp-python is usually compiled for the build machine's CPU;
the app must carry the portable build (``installer/build-llama-portable.sh``) instead. Both
are the same llama-cpp-python release, so only the native libraries in ``llama_cpp/lib``
differ: they are replaced, and the Python side stays as frozen.

    python installer/swap_llama_libs.py WHEEL APP_DIR
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import shutil
import sys
import zipfile
from pathlib import Path


def swap(wheel: Path, app: Path) -> list[str]:
    """Replace ``APP/_internal/llama_cpp/lib`` with the wheel's; returns the file names."""
    match = re.match(r"llama_cpp_python-([^-]+)-", wheel.name)
    installed = importlib.metadata.version("llama-cpp-python")
    if not match or match.group(1) != installed:
        raise SystemExit(
            f"swap_llama_libs: error: {wheel.name} is not llama-cpp-python {installed}, "
            "the version frozen into the app"
        )
    lib = app / "_internal" / "llama_cpp" / "lib"
    if not lib.is_dir():
        raise SystemExit(f"swap_llama_libs: error: {lib} is missing; is {app} a frozen app?")
    shutil.rmtree(lib)
    lib.mkdir()
    names = []
    with zipfile.ZipFile(wheel) as archive:
        for info in archive.infolist():
            if info.filename.startswith("llama_cpp/lib/") and not info.is_dir():
                name = info.filename.rsplit("/", 1)[1]
                target = lib / name
                with archive.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                target.chmod(0o755)
                names.append(name)
    _link_copies(lib)
    # PyInstaller links libraries it found as dependencies from _internal/ to llama_cpp/lib;
    # a link to a library the portable build does not have (libggml-cpu.so.0) must go
    for link in (app / "_internal").iterdir():
        if link.is_symlink() and not link.exists():
            link.unlink()
    if not any("ggml-cpu" in n for n in names):
        raise SystemExit(f"swap_llama_libs: error: {wheel.name} has no CPU backend libraries")
    return sorted(names)


def _link_copies(lib: Path) -> None:
    """``libllama.so``, ``.so.0`` and ``.so.0.5.0`` are three copies in a wheel (zip files
    have no links): keep the fully versioned file and link the other names to it."""
    by_content: dict[bytes, list[Path]] = {}
    for path in lib.iterdir():
        if path.is_file() and not path.is_symlink():
            by_content.setdefault(hashlib.sha256(path.read_bytes()).digest(), []).append(path)
    for copies in by_content.values():
        if len(copies) < 2:
            continue
        keep = max(copies, key=lambda p: len(p.name))
        for copy in copies:
            if copy != keep and keep.name.startswith(copy.name):
                copy.unlink()
                copy.symlink_to(keep.name)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: swap_llama_libs.py WHEEL APP_DIR", file=sys.stderr)
        return 2
    names = swap(Path(argv[0]), Path(argv[1]))
    print(f"swap_llama_libs: {len(names)} libraries: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
