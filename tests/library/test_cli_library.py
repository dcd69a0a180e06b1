"""``fireside models catalog | download | list | remove | folders | token`` end to end."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fireside.cli.main import main

from tests.hub_server import FakeHub
from tests.library.conftest import FILE, REPO


def run_cli(*args: str, env: dict | None = None, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "fireside.cli.main", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        **kw,
    )


def test_catalog_json_has_fit_and_figures(capsys):
    assert main(["models", "catalog", "--json", "--ctx-size", "2048"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 18
    row = rows[0]
    assert row["fit"] in ("fits", "tight", "too_large")
    assert row["memory_estimate_bytes"] > row["size_bytes"]
    assert {
        "repo",
        "files",
        "sha256",
        "verified",
        "licence",
        "context_length",
        "tool_calls",
        "languages",
        "strong_chinese",
    } <= set(row)
    assert main(["models", "catalog"]) == 0
    out = capsys.readouterr().out
    assert "qwen2.5-7b-instruct" in out and "中文" in out


def test_download_list_use_remove(hub, smollm_path, fireside_home, capsys):
    assert main(["models", "download", REPO, FILE]) == 0
    captured = capsys.readouterr()
    assert "SHA-256 checked" in captured.out and "100.0%" in captured.err
    path = fireside_home / "data" / "models" / "test-org" / "SmolLM2-135M-Instruct-GGUF" / FILE
    assert path.read_bytes() == smollm_path.read_bytes()

    assert main(["models", "list", "--json"]) == 0
    items = {i["path"]: i for i in json.loads(capsys.readouterr().out)}
    assert items[str(path)]["where"] == "downloaded" and items[str(path)]["default"] is False
    assert items[str(smollm_path)]["where"] == "bundled"

    assert main(["models", "download", REPO, FILE, "--use"]) == 0  # already there: no refetch
    capsys.readouterr()
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert f"* {FILE}  [recent]\n    {path}" in out

    assert main(["models", "remove", FILE]) == 0
    assert not path.exists()
    assert main(["models", "remove", FILE]) == 2
    assert "no downloaded model" in capsys.readouterr().err


def test_cli_errors_are_one_line(online, capsys, tmp_path):
    with FakeHub() as gone:
        endpoint = gone.endpoint
    os.environ["HF_ENDPOINT"] = endpoint
    try:
        assert main(["models", "download", REPO, FILE]) == 1
    finally:
        del os.environ["HF_ENDPOINT"]
    err = capsys.readouterr().err.strip()
    assert err == (
        f"fireside: error: cannot reach {endpoint} (connection refused): check the "
        "network connection or the mirror setting"
    )
    assert main(["models", "download", "no-such-model"]) == 1
    assert "no catalog model 'no-such-model'" in capsys.readouterr().err
    other = tmp_path / "elsewhere.gguf"
    other.write_bytes(b"GGUF")
    assert main(["models", "remove", str(other)]) == 2
    assert "does not delete other apps' files" in capsys.readouterr().err
    assert other.exists()


def _wait_for_part(home: Path, at_least: int, proc: subprocess.Popen) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        parts = list(home.rglob("*.gguf.part"))
        if parts and parts[0].stat().st_size >= at_least:
            return parts[0]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    raise AssertionError("the download did not start")


def test_killed_or_interrupted_download_resumes(hub, smollm_path, fireside_home):
    """SIGKILL (no chance to clean up) and Ctrl-C both leave the partial file; a rerun of
    the same command resumes it and ends byte-identical."""
    hub.state.throttle_bps = 20_000_000
    env = {"HF_ENDPOINT": hub.endpoint, "PYTHONPATH": str(Path(__file__).parents[2])}
    proc = run_cli("models", "download", REPO, FILE, env=env)
    part = _wait_for_part(fireside_home, 4_000_000, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    killed_at = part.stat().st_size

    proc = run_cli("models", "download", REPO, FILE, env=env)
    _wait_for_part(fireside_home, killed_at + 4_000_000, proc)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "paused" in err and "run the same command again" in err and "Traceback" not in err
    interrupted_at = part.stat().st_size
    assert interrupted_at > killed_at

    hub.state.throttle_bps = None
    hub.state.bytes_sent = 0
    proc = run_cli("models", "download", REPO, FILE, "--json", env=env)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    result = json.loads(out)
    assert result["resumed_from_bytes"] == interrupted_at
    assert result["fetched_bytes"] == smollm_path.stat().st_size - interrupted_at
    assert Path(result["path"]).read_bytes() == smollm_path.read_bytes()


def test_folders_and_token(capsys, tmp_path, fireside_home, monkeypatch):
    # a portable home (FIRESIDE_HOME, as in every test): the token goes to a private file
    monkeypatch.delenv("HF_TOKEN", raising=False)
    mine = tmp_path / "my-models"
    mine.mkdir()
    assert main(["models", "folders", "add", str(mine), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"path": str(mine), "where": "user folder", "exists": True} in rows
    assert main(["models", "folders", "add", str(tmp_path / "nope")]) == 2
    capsys.readouterr()

    assert main(["models", "token", "set", "hf_abc"]) == 0
    token_file = fireside_home / "config" / "secrets.json"
    assert f"saved in {token_file}" in capsys.readouterr().out
    assert json.loads(token_file.read_text()) == {"hub-token": "hf_abc"}
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"
    assert main(["models", "token", "status"]) == 0
    assert "is set" in capsys.readouterr().out
    assert main(["models", "token", "clear"]) == 0
    assert json.loads(token_file.read_text()) == {}
    assert main(["models", "token", "status"]) == 0
    assert "no access token" in capsys.readouterr().out


def test_a_token_stored_by_an_earlier_release_is_still_used(capsys, fireside_home, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    config = fireside_home / "config"
    config.mkdir(parents=True)
    (config / "hub-token").write_text("hf_earlier")
    assert main(["models", "token", "status"]) == 0
    assert "is set" in capsys.readouterr().out
    assert main(["models", "token", "set", "hf_new"]) == 0
    assert not (config / "hub-token").exists()
    assert json.loads((config / "secrets.json").read_text()) == {"hub-token": "hf_new"}


def test_catalog_ids_download_with_the_hubs_hash(
    hub, smollm_path, split_parts, capsys, fireside_home
):
    """Unverified catalog entries take size and SHA-256 from the hub's metadata; a split
    entry fetches every part; the catalog then marks them downloaded."""
    hub.state.add(
        "bartowski/SmolLM2-360M-Instruct-GGUF", "SmolLM2-360M-Instruct-Q8_0.gguf", smollm_path
    )
    for i, p in enumerate(split_parts, 1):
        hub.state.add(
            "Qwen/Qwen2.5-7B-Instruct-GGUF", f"qwen2.5-7b-instruct-q4_k_m-0000{i}-of-00002.gguf", p
        )
    assert main(["models", "download", "smollm2-360m-instruct", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["sha256"] == [
        hub.state.repos["bartowski/SmolLM2-360M-Instruct-GGUF"][
            "SmolLM2-360M-Instruct-Q8_0.gguf"
        ].sha256
    ]
    assert main(["models", "download", "qwen2.5-7b-instruct", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["path"].endswith("qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf")
    assert [Path(f).read_bytes() for f in result["files"]] == [p.read_bytes() for p in split_parts]
    assert main(["models", "catalog", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["smollm2-360m-instruct"]["downloaded"] is True
    assert rows["qwen2.5-7b-instruct"]["downloaded"] is True
    assert rows["llama-3.2-1b-instruct"]["downloaded"] is False
    assert main(["models", "remove", "qwen2.5-7b-instruct"]) == 0
    assert not any(Path(f).exists() for f in result["files"])


def test_files_and_search_commands(hub, capsys):
    assert main(["models", "search", "smollm2"]) == 0
    assert REPO in capsys.readouterr().out
    assert main(["models", "files", REPO, "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["filename"] == FILE and row["quantization"] == "Q4_1"
    assert main(["models", "download", REPO, "mmproj-SmolLM2-f16.gguf"]) == 1
    assert "projector" in capsys.readouterr().err
