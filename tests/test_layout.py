"""The design card's layout holds: each part a top-level folder, installed as ``fireside.…``,
and the layering contracts in ``pyproject.toml`` are kept.

import-linter finds a package's modules by walking its folder, and ``fireside``'s parts live
in folders beside it (``pyproject.toml`` maps them), so the check runs over the tree as it
installs, assembled by ``installer/stage_package.py`` (which the frozen app's build uses too).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CARD = ["desktop", "models", "plugins", "installer", "tests", "pyproject.toml"]


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]


def _stage(target: Path) -> Path:
    spec = importlib.util.spec_from_file_location(
        "stage_package", ROOT / "installer" / "stage_package.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.stage(target)


def test_the_design_card_top_level_holds():
    for name in CARD:
        assert (ROOT / name).exists(), f"{name} is missing at the repository root"
    for part in ("desktop", "models", "plugins"):
        assert (ROOT / part / "__init__.py").is_file()
    assert not (ROOT / "fireside" / "desktop").exists()


def test_every_package_folder_is_listed_for_installing():
    """A package folder missing from ``packages`` would work here and be absent from wheels."""
    config = _setuptools()
    listed = set(config["packages"])
    found = set()
    for name, folder in config["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([name, *rel.parts]))
    nested = {p for p in found if any(p.startswith(m + ".") for m in config["package-dir"])}
    assert found - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - found == set(), "these listed packages have no folder"
    assert nested, "the parts have subpackages"


def test_the_layers_contracts_are_kept(tmp_path):
    """``{cli, desktop} -> api -> assistant -> {models, plugins}``; nothing imports the
    command line; only the window imports Qt (the contracts in ``pyproject.toml``)."""
    _stage(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; "
            "sys.exit(lint_imports_command())",
            "--config",
            str(ROOT / "pyproject.toml"),
            "--no-cache",
        ],
        cwd=tmp_path,  # import-linter puts the working folder first on sys.path
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " 0 broken" in done.stdout, done.stdout[-2000:]
