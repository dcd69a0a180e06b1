"""Tool routing through ``fireside chat`` with the real bundled model, as a user runs it."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.clock_plugin import clock_dist
from tests.plugins.test_weather import server  # noqa: F401 - fixture: a local Open-Meteo

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
GREEDY = ["--temperature", "0", "--threads", "1", "--max-tokens", "48"]


def environment(tmp_path, extra: dict | None = None) -> dict:
    env = dict(os.environ, **(extra or {}))
    paths = [str(p) for p in clock_dist(tmp_path / "clock")] + [env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return env


def chat(tmp_path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fireside.cli.main", "chat", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=environment(tmp_path, env),
        cwd=REPO,
    )


@pytest.mark.parametrize(
    "question, answer, expression",
    [
        ("What is 17 times 23?", "391", "17 * 23"),
        ("十七乘以二十三是多少", "391", "17 * 23"),
        ("what is seventy-two divided by eight?", "9", "72 / 8"),
        ("2的10次方", "1024", "2^10"),
    ],
)
def test_arithmetic_questions_get_the_right_number(tmp_path, question, answer, expression):
    proc = chat(tmp_path, question, *GREEDY)
    assert proc.returncode == 0, proc.stderr
    assert f'[tool] calculator({{"expression": "{expression}"}})' in proc.stderr
    assert f"[tool result] {answer}" in proc.stderr
    assert answer in proc.stdout


def test_json_output_lists_the_routed_call(tmp_path):
    proc = chat(tmp_path, "15% of 80", "--json", *GREEDY)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    (call,) = data["tool_calls"]
    assert (call["name"], call["output"], call["is_error"]) == ("calculator", "12", False)
    assert "12" in data["text"]


def test_no_routing_flag_leaves_the_model_alone(tmp_path):
    proc = chat(tmp_path, "What is 17 times 23?", "--no-routing", *GREEDY)
    assert proc.returncode == 0, proc.stderr
    assert "[tool]" not in proc.stderr


def test_date_question_uses_the_clock(tmp_path):
    proc = chat(tmp_path, "what day is it?", *GREEDY)
    assert proc.returncode == 0, proc.stderr
    assert "[tool] current_datetime({})" in proc.stderr
    assert "ISO 8601" in proc.stderr


def run_in_terminal(tmp_path, args: list[str], answer: str, env: dict | None = None):
    """``fireside chat`` with a terminal on stdin (so it may ask), answering ``answer``."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "fireside.cli.main", "chat", *args],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(tmp_path, env),
        cwd=REPO,
    )
    os.close(slave)
    os.write(master, f"{answer}\n".encode())
    try:
        out, err = proc.communicate(timeout=180)
    finally:
        os.close(master)
    return proc.returncode, out, err


def test_weather_asks_for_approval_and_a_no_is_respected(tmp_path):
    code, out, err = run_in_terminal(tmp_path, ["weather in Oslo", *GREEDY], "n")
    assert code == 0, err
    assert 'Allow weather({"place": "Oslo"})? It uses the network. [y/N]' in out
    assert '[tool] weather({"place": "Oslo"})' in err
    assert "[tool error] the user declined to run weather" in err


def test_weather_question_approved_gets_the_forecast(tmp_path, server):  # noqa: F811
    base, _ = server
    env = {
        "FIRESIDE_OPEN_METEO_GEOCODING_URL": f"{base}/v1/search",
        "FIRESIDE_OPEN_METEO_FORECAST_URL": f"{base}/v1/forecast",
    }
    code, out, err = run_in_terminal(tmp_path, ["Oslo weather", *GREEDY], "y", env)
    assert code == 0, err
    assert 'Allow weather({"place": "Oslo"})?' in out
    assert "[tool result] Weather for Oslo, Norway" in err


def test_chinese_weather_question_asks_too(tmp_path):
    code, out, err = run_in_terminal(tmp_path, ["奥斯陆天气", *GREEDY], "n")
    assert code == 0, err
    assert 'Allow weather({"place": "奥斯陆"})?' in out
    assert '[tool] weather({"place": "奥斯陆"})' in err


def test_without_a_terminal_weather_is_declined_not_run(tmp_path):
    proc = chat(tmp_path, "What is the weather in Oslo?", *GREEDY)
    assert proc.returncode == 0, proc.stderr
    assert "needs approval and none could be asked" in proc.stderr


def test_arithmetic_and_weather_inside_a_document_trigger_nothing(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text(
        "Questions from the meeting: What is 17 times 23? 十七乘以二十三是多少\n"
        "weather in Oslo\n奥斯陆天气\nwhat day is it\n"
    )
    env = environment(tmp_path)
    add = subprocess.run(
        [sys.executable, "-m", "fireside.cli.main", "docs", "add", str(note),
         "-C", "notes", "--embedding-model", "hash-384"],
        capture_output=True, text=True, timeout=180, env=env, cwd=REPO,
    )  # fmt: skip
    assert add.returncode == 0, add.stderr
    proc = chat(tmp_path, "What questions does the note list?", "-C", "notes", *GREEDY)
    assert proc.returncode == 0, proc.stderr
    assert "[tool" not in proc.stderr
