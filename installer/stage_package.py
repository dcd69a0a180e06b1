"""Assemble ``fireside`` as it installs, from a checkout: ``TARGET/fireside/...``.

The parts live in top-level folders that ``pyproject.toml`` maps into the one package
(``desktop/`` is ``fireside.desktop``). pip follows that mapping; tools that find a
package by walking its folder (PyInstaller's analysis, import-linter) need the assembled
tree, which this writes from the same mapping.

    python installer/stage_package.py build/src
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def package_dirs(root: Path = ROOT) -> dict[str, str]:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    return pyproject["tool"]["setuptools"]["package-dir"]


def stage(target: Path, root: Path = ROOT) -> Path:
    """Copy the sources into ``target/fireside`` (replacing what was there); returns it."""
    out = target / "fireside"
    shutil.rmtree(out, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "onnx")
    # the root package first, then each part inside it
    for name, folder in sorted(package_dirs(root).items(), key=lambda kv: kv[0].count(".")):
        shutil.copytree(
            root / folder, target.joinpath(*name.split(".")), ignore=ignore, dirs_exist_ok=True
        )
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python installer/stage_package.py TARGET_FOLDER")
    print(stage(Path(sys.argv[1]).resolve()))
