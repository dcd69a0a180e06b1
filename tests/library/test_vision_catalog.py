"""Vision entries download their projector, the pair is recognised, and the catalog can be
refreshed from the hub (the local hub of ``tests/hub_server.py``) with the shipped file as
the fallback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fireside.cli.main import main

from tests.scans.test_vision_models import write_projector

VLM_REPO = "ggml-org/SmolVLM2-2.2B-Instruct-GGUF"
VLM_FILE = "SmolVLM2-2.2B-Instruct-Q4_K_M.gguf"


@pytest.fixture
def projectors(tmp_path):
    folder = tmp_path / "projectors"
    folder.mkdir()
    f16, q8 = folder / "f16.gguf", folder / "q8.gguf"
    write_projector(f16, 576)  # the served "model" is SmolLM2 135M: 576-wide embeddings
    write_projector(q8, 576)
    return f16, q8


@pytest.fixture
def vlm_hub(hub, smollm_path, projectors):
    hub.state.add(VLM_REPO, VLM_FILE, smollm_path)
    hub.state.add(VLM_REPO, "mmproj-SmolVLM2-2.2B-Instruct-f16.gguf", projectors[0])
    hub.state.add(VLM_REPO, "mmproj-SmolVLM2-2.2B-Instruct-Q8_0.gguf", projectors[1])
    return hub


def test_a_vision_entry_downloads_its_projector_and_sees(vlm_hub, capsys, fireside_home):
    assert main(["models", "download", "smolvlm2-2.2b-instruct", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    names = [Path(f).name for f in result["files"]]
    assert names == [VLM_FILE, "mmproj-SmolVLM2-2.2B-Instruct-f16.gguf"]  # f16 preferred
    assert Path(result["path"]).name == VLM_FILE
    assert main(["models", "inspect", result["path"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sees_images"] is True
    assert main(["models", "catalog", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["smolvlm2-2.2b-instruct"]["downloaded"] is True
    assert rows["smolvlm2-2.2b-instruct"]["sees_images"] is True
    assert rows["gemma-3-4b-it"]["sees_images"] is True
    assert rows["qwen3-4b"]["sees_images"] is False
    assert main(["models", "catalog"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "smolvlm2" in x)
    assert "sees-images" in line and line.startswith("✓")


def test_the_catalog_is_refreshed_from_the_hub_and_kept(
    vlm_hub, smollm_path, capsys, fireside_home
):
    assert main(["models", "catalog", "--refresh", "--json"]) == 0
    captured = capsys.readouterr()
    rows = {r["id"]: r for r in json.loads(captured.out)}
    vlm = rows["smolvlm2-2.2b-instruct"]
    served = vlm_hub.state.repos[VLM_REPO][VLM_FILE]
    assert vlm["verified"] is True and vlm["sha256"] == served.sha256
    assert vlm["size_bytes"] == smollm_path.stat().st_size
    assert vlm["projector"] == "mmproj-SmolVLM2-2.2B-Instruct-f16.gguf"
    assert "1 entries checked" in captured.err
    assert "qwen3-4b:" in captured.err  # not on this hub: named, its shipped facts kept
    assert rows["qwen3-4b"]["verified"] is False
    vlm_hub.stop()  # offline: the refreshed catalog serves
    assert main(["models", "catalog", "--json"]) == 0
    again = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert again["smolvlm2-2.2b-instruct"]["sha256"] == served.sha256


def test_a_refresh_with_no_hub_is_one_line_and_keeps_the_catalog(
    online, capsys, fireside_home, monkeypatch
):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    assert main(["models", "catalog", "--refresh"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("fireside: error: the catalog could not be refreshed")
    assert main(["models", "catalog", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["smolvlm2-2.2b-instruct"]["verified"] is False  # the shipped facts
