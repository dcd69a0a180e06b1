"""``fireside tools list|run`` as a user runs them: a real subprocess per command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plugins.conftest import write_dist
from tests.plugins.test_weather import server  # noqa: F401 - fixture

REPO = Path(__file__).resolve().parents[2]


def fireside(*args: str, home: Path, extra_path: list[Path] = (), env: dict | None = None):
    environ = dict(os.environ, FIRESIDE_HOME=str(home), **(env or {}))
    paths = [str(p) for p in extra_path] + [environ.get("PYTHONPATH", "")]
    environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return subprocess.run(
        [sys.executable, "-m", "fireside.cli.main", "tools", *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=REPO,
        timeout=120,
    )


def test_list_json_shows_tools_schemas_flags_and_errors(fireside_home, tmp_path):
    broken = tmp_path / "broken"
    write_dist(broken, "fsclibroken", {"broken": "raise ImportError('plugin bug')\n"})
    proc = fireside("list", "--json", home=fireside_home, extra_path=[broken])
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    tools = {t["name"]: t for t in data["tools"]}
    assert tools["weather"]["network"] is True and tools["weather"]["plugin"] == "weather"
    assert tools["calculator"]["network"] is False and tools["calculator"]["filesystem"] is False
    assert tools["calculator"]["parameters"]["required"] == ["expression"]
    assert data["errors"] == [{"plugin": "broken", "error": "ImportError: plugin bug"}]
    assert {p["name"] for p in data["plugins"]} >= {"calculator", "weather", "broken"}


def test_list_text(fireside_home, example_plugin_path):
    proc = fireside("list", home=fireside_home, extra_path=[example_plugin_path])
    assert proc.returncode == 0, proc.stderr
    assert "weather [network]: Current weather" in proc.stdout
    assert "  word_count: Count the words" in proc.stdout
    assert "arguments: text: string, unit?: string" in proc.stdout


def test_disabled_plugins_from_settings_are_left_out(fireside_home):
    config = fireside_home / "config"
    config.mkdir(parents=True)
    (config / "settings.json").write_text(json.dumps({"disabled_plugins": ["weather"]}))
    data = json.loads(fireside("list", "--json", home=fireside_home).stdout)
    assert "weather" not in {t["name"] for t in data["tools"]}
    proc = fireside("run", "weather", '{"place": "Oslo"}', home=fireside_home)
    assert proc.returncode == 2 and "unknown tool 'weather'" in proc.stderr


def test_run_prints_the_result(fireside_home):
    proc = fireside("run", "calculator", '{"expression": "12*(3+4)"}', home=fireside_home)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "84\n", "")


def test_run_json(fireside_home):
    proc = fireside("run", "calculator", '{"expression": "2^10"}', "--json", home=fireside_home)
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert set(data) == {"tool", "arguments", "output", "is_error", "duration_s"}
    assert (data["tool"], data["output"], data["is_error"]) == ("calculator", "1024", False)
    assert data["arguments"] == {"expression": "2^10"}


def test_run_a_tool_from_an_installed_plugin(fireside_home, example_plugin_path):
    proc = fireside(
        "run",
        "word_count",
        '{"text": "a b c d"}',
        home=fireside_home,
        extra_path=[example_plugin_path],
    )
    assert (proc.returncode, proc.stdout) == (0, "4 words\n")


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["run", "nope", "{}"], 2, "fireside: error: unknown tool 'nope' (available: "),
        (["run", "calculator", "{not json"], 2, "fireside: error: invalid JSON arguments"),
        (["run", "calculator", "[1, 2]"], 2, "fireside: error: arguments must be a JSON object"),
        (["run", "calculator", "{}"], 2, "missing required argument 'expression'"),
        (["run", "calculator", '{"expression": "1/0"}'], 2, "calculator: division by zero"),
        (["run", "calculator", '{"expression": "9**9**9**9"}'], 2, "calculator: "),
    ],
)
def test_run_failures_are_one_line_with_a_nonzero_exit(fireside_home, args, code, message):
    proc = fireside(*args, home=fireside_home)
    assert proc.returncode == code
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_tool_errors_in_json_mode_exit_nonzero(fireside_home):
    proc = fireside("run", "calculator", '{"expression": "x"}', "--json", home=fireside_home)
    assert proc.returncode == 2  # refused input, as the README says of user errors
    assert json.loads(proc.stdout)["is_error"] is True


def test_weather_through_the_cli_against_a_local_server(fireside_home, server):  # noqa: F811
    base, _ = server
    env = {
        "FIRESIDE_OPEN_METEO_GEOCODING_URL": f"{base}/v1/search",
        "FIRESIDE_OPEN_METEO_FORECAST_URL": f"{base}/v1/forecast",
    }
    proc = fireside("run", "weather", '{"place": "Oslo"}', home=fireside_home, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Weather for Oslo, Norway:\nNow: overcast, 12.3 °C")
