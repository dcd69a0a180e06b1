"""The ``fireside`` command as a user runs it: a real process, the real bundled model."""

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.slow


def fireside(*args, input=None, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "fireside.launcher", *args],
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
        env=os.environ.copy(),
    )


def one_line_error(result, *needles):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("fireside: error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]


def history_rows(home):
    db = home / "data" / "history.db"
    if not db.exists():
        return []
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT role, content, status FROM messages ORDER BY id").fetchall()
    finally:
        con.close()


def test_chat_json_then_continue_and_history(fireside_home):
    r = fireside(
        "chat", "Write a haiku about fire.", "-t", "0", "-n", "20", "--seed", "3", "--json"
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) >= {"text", "model", "usage", "timings", "conversation_id"}
    assert out["text"].strip()
    assert out["model"].endswith("SmolLM2-135M-Instruct.Q4_1.gguf")
    assert out["usage"]["prompt_tokens"] > 0 and 0 < out["usage"]["completion_tokens"] <= 20
    t = out["timings"]
    assert t["load_s"] > 0 and 0 < t["ttft_s"] <= t["generate_s"]

    cid = str(out["conversation_id"])
    r2 = fireside(
        "chat", "Now one about snow.", "--conversation", cid, "-t", "0", "-n", "10", "--json"
    )
    assert r2.returncode == 0, r2.stderr
    assert json.loads(r2.stdout)["conversation_id"] == out["conversation_id"]

    listed = json.loads(fireside("history", "list", "--json").stdout)
    assert [c["id"] for c in listed] == [out["conversation_id"]]
    shown = json.loads(fireside("history", "show", cid, "--json").stdout)
    assert [m["role"] for m in shown["messages"]] == ["user", "assistant"] * 2
    assert shown["messages"][1]["content"] == out["text"]
    hits = json.loads(fireside("history", "search", "snow", "--json").stdout)
    assert hits and hits[0]["conversation_id"] == out["conversation_id"]
    assert fireside("history", "delete", cid).returncode == 0
    assert json.loads(fireside("history", "list", "--json").stdout) == []


def test_plain_chat_streams_text(fireside_home):
    r = fireside("chat", "Say hi.", "-t", "0", "-n", "8")
    assert r.returncode == 0
    assert r.stdout.strip()
    assert "bundled" in r.stderr  # the demo model is labelled honestly


def test_system_prompt_and_stdin(fireside_home):
    r = fireside(
        "chat",
        "-",
        "--system",
        "Answer in French.",
        "-t",
        "0",
        "-n",
        "8",
        "--json",
        input="Hello there",
    )
    assert r.returncode == 0, r.stderr
    cid = json.loads(r.stdout)["conversation_id"]
    shown = json.loads(fireside("history", "show", str(cid), "--json").stdout)
    assert shown["system_prompt"] == "Answer in French."
    assert shown["messages"][0]["content"] == "Hello there"


def test_models_inspect_json(smollm_path):
    r = fireside("models", "inspect", str(smollm_path), "--json")
    assert r.returncode == 0
    info = json.loads(r.stdout)
    assert info["architecture"] == "llama" and info["quantization"] == "Q4_1"
    assert info["context_length"] == 8192 and info["has_chat_template"]
    assert info["memory_estimate_bytes"] > info["file_size"]
    import llama_cpp

    assert info["gpu_offload_supported"] is bool(llama_cpp.llama_supports_gpu_offload())


@pytest.mark.parametrize(
    "make,needle",
    [
        (lambda t, f: t / "missing.gguf", "file not found"),
        (lambda t, f: f["not_gguf"], "not a GGUF"),
        (lambda t, f: f["truncated"], "truncated"),
        (lambda t, f: f["header"], "truncated or damaged"),
    ],
    ids=["missing", "not-gguf", "truncated-data", "truncated-header"],
)
def test_bad_model_files(
    tmp_path, fireside_home, not_gguf, truncated_gguf, header_only_gguf, make, needle
):
    path = make(
        tmp_path, {"not_gguf": not_gguf, "truncated": truncated_gguf, "header": header_only_gguf}
    )
    r = fireside("chat", "hi", "--model", str(path))
    one_line_error(r, str(path), needle)
    assert history_rows(fireside_home) == []
    r = fireside("models", "inspect", str(path))
    one_line_error(r, needle)


def test_model_too_large_for_memory(fireside_home, smollm_path):
    r = fireside("chat", "hi", "--ctx-size", "60000000")
    one_line_error(r, str(smollm_path), "GiB of memory")
    assert history_rows(fireside_home) == []


def test_unknown_chat_template(fireside_home, smollm_path):
    r = fireside("chat", "hi", "--chat-template", "vicuna")
    one_line_error(r, "unknown chat template 'vicuna'")
    assert history_rows(fireside_home) == []


def test_damaged_history_is_reported_not_recreated(fireside_home):
    db = fireside_home / "data" / "history.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"\x00garbage" * 4096)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for args in (("history", "list"), ("chat", "hi", "-n", "2")):
        one_line_error(fireside(*args), str(db), "damaged")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def _start_long_reply():
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fireside.launcher",
            "chat",
            "Write a very long story about a lighthouse keeper.",
            "-t",
            "0",
            "-n",
            "2000",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    first = proc.stdout.read(20)  # wait until the reply is streaming
    assert first
    return proc


def test_ctrl_c_stops_and_keeps_partial_reply(fireside_home):
    proc = _start_long_reply()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err.decode()
    rows = history_rows(fireside_home)
    assert rows[0][0] == "user"
    assert rows[1][0] == "assistant" and rows[1][2] == "stopped" and rows[1][1]


def test_kill_9_mid_reply_loses_nothing_sent(fireside_home):
    proc = _start_long_reply()
    time.sleep(2.5)  # past the first checkpoint of the streaming reply
    proc.kill()
    proc.wait(timeout=30)
    db = fireside_home / "data" / "history.db"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    rows = history_rows(fireside_home)
    assert rows[0] == ("user", "Write a very long story about a lighthouse keeper.", "complete")
    assert rows[1][0] == "assistant" and rows[1][2] == "streaming" and rows[1][1]
    # the next start marks the cut-off reply as interrupted and keeps its text
    listed = json.loads(fireside("history", "show", "1", "--json").stdout)
    assert listed["messages"][1]["status"] == "interrupted"
    assert listed["messages"][1]["content"] == rows[1][1]


def test_version_and_licence_come_from_the_package(fireside_home):
    from importlib.metadata import version

    r = fireside("--version")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"fireside {version('fireside')} (Apache-2.0)"


def test_an_empty_history_says_how_to_start(fireside_home):
    r = fireside("history", "list")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("no chats yet")
    assert json.loads(fireside("history", "list", "--json").stdout) == []
