"""Fixtures for plugin tests: real distributions on ``sys.path``, found by real entry points.

``make_dist`` writes a module plus a ``*.dist-info`` folder (METADATA, entry_points.txt)
into a temporary directory, exactly what pip would install, so discovery goes through
``importlib.metadata`` like it does for installed plugins. ``example_plugin_path`` really
pip-installs ``examples/fireside-example-plugin`` into a temporary target.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SRC = REPO / "examples" / "fireside-example-plugin"


def write_dist(root: Path, dist: str, plugins: dict[str, str]) -> None:
    """A distribution ``dist`` whose entry points map plugin names to module sources."""
    info = root / f"{dist}-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1.0\n")
    lines = ["[fireside.plugins]"]
    for plugin, source in plugins.items():
        module = f"{dist}_{plugin}"
        (root / f"{module}.py").write_text(textwrap.dedent(source))
        lines.append(f"{plugin} = {module}")
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture
def make_dist(tmp_path, monkeypatch):
    """Call ``make_dist({"plugin_name": "module source", ...})``; returns the folder."""
    created: list[str] = []

    def make(plugins: dict[str, str]) -> Path:
        dist = f"fstest{uuid.uuid4().hex[:8]}"
        root = tmp_path / dist
        write_dist(root, dist, plugins)
        monkeypatch.syspath_prepend(str(root))
        created.extend(f"{dist}_{p}" for p in plugins)
        return root

    yield make
    for module in created:
        sys.modules.pop(module, None)


@pytest.fixture(scope="session")
def example_plugin_path(tmp_path_factory) -> Path:
    """``pip install`` the example plugin (offline, no deps) into a temporary target."""
    work = tmp_path_factory.mktemp("example-plugin")
    src = work / "src"
    shutil.copytree(EXAMPLE_SRC, src, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    target = work / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "--target",
            str(target),
            str(src),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return target


@pytest.fixture
def example_plugin(example_plugin_path, monkeypatch) -> Path:
    """The installed example plugin, importable and discoverable for one test."""
    monkeypatch.syspath_prepend(str(example_plugin_path))
    yield example_plugin_path
    sys.modules.pop("fireside_example_plugin", None)


@pytest.fixture(scope="session")
def example_venv(tmp_path_factory) -> Path:
    """A virtual environment with the example plugin pip-installed into it (its python).

    The environment sees this one's packages (Fireside included) through a ``.pth`` file,
    so only the plugin is installed; Fireside finds it through the installed entry point.
    """
    import sysconfig
    import venv

    work = tmp_path_factory.mktemp("example-venv")
    src = work / "src"
    shutil.copytree(EXAMPLE_SRC, src, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    env = work / "venv"
    venv.create(env, with_pip=False)
    python = env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    site_dir = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    host = sysconfig.get_paths()["purelib"]
    (Path(site_dir) / "fireside-host-env.pth").write_text(
        f"import site; site.addsitedir({host!r})\n"
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--disable-pip-version-check",
            str(src),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return python
