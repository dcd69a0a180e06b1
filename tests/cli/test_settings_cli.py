"""``fireside settings`` and the settings file as users meet them: real ``fireside`` processes,
many at once, and settings files of every wrong shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import one_line_error

pytestmark = pytest.mark.slow


def command() -> list[str]:
    """The installed ``fireside`` script when it is current, else the same entry point."""
    script = Path(sys.executable).with_name("fireside")
    if script.exists() and "fireside.launcher" in script.read_text(errors="replace"):
        return [str(script)]
    return [sys.executable, "-m", "fireside.launcher"]


def fireside(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*command(), *args], capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )


def settings_file(home: Path) -> Path:
    return home / "config" / "settings.json"


def test_many_processes_at_once_keep_every_change(fireside_home, tmp_path):
    folders = [tmp_path / f"models-{i}" for i in range(4)]
    for folder in folders:
        folder.mkdir()
    runs = [
        # --no-check: saved without contacting a server, so nothing needs to listen there
        *[
            ["models", "remote", "add", f"box{i}", f"http://127.0.0.1:9/v{i}", "--no-check"]
            for i in range(6)
        ],
        *[["models", "folders", "add", str(folder)] for folder in folders],
        ["settings", "set", "window.theme", "dark"],
        ["settings", "set", "chat.system_prompt", "Answer in one line."],
        ["settings", "set", "model.n_threads", "3"],
        ["settings", "set", "api.port", "9123"],
        ["settings", "set", "plugins.disabled", "weather"],
    ]
    assert len(runs) >= 12
    procs = [
        subprocess.Popen(
            [*command(), *run],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for run in runs
    ]
    for proc, run in zip(procs, runs, strict=True):
        _out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, (run, err)

    data = json.loads(settings_file(fireside_home).read_text())
    kept = [c["name"] for c in data["remote"]["connections"]]
    assert sorted(kept) == [f"box{i}" for i in range(6)]
    assert sorted(data["library"]["folders"]) == sorted(str(f.resolve()) for f in folders)
    assert data["window"]["theme"] == "dark"
    assert data["chat"]["system_prompt"] == "Answer in one line."
    assert data["model"]["n_threads"] == 3 and data["api"]["port"] == 9123
    assert data["plugins"]["disabled"] == ["weather"]


def test_list_get_set_reset(fireside_home):
    listed = fireside("settings", "list")
    assert listed.returncode == 0, listed.stderr
    assert 'window.theme = "system"' in listed.stdout.splitlines()
    assert "model.n_threads = null" in listed.stdout.splitlines()

    done = fireside("settings", "set", "window.theme", "dark")
    assert (done.returncode, done.stdout) == (0, 'window.theme = "dark"\n')
    assert fireside("settings", "get", "window.theme").stdout == "dark\n"
    fireside("settings", "set", "api.allowed_hosts", "box.lan, gpu.lan")
    assert json.loads(fireside("settings", "get", "api.allowed_hosts").stdout) == [
        "box.lan",
        "gpu.lan",
    ]
    fireside("settings", "set", "chat.tools_enabled", "false")
    data = json.loads(fireside("settings", "list", "--json").stdout)
    assert data["chat"]["tools_enabled"] is False and data["window"]["theme"] == "dark"

    reset = fireside("settings", "reset", "window.theme")
    assert (reset.returncode, reset.stdout) == (0, 'window.theme = "system"\n')
    fireside("settings", "reset", "api")
    assert json.loads(fireside("settings", "get", "api.allowed_hosts").stdout) == []
    assert json.loads(fireside("settings", "get", "chat.tools_enabled").stdout) is False


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["set", "window.theme", "purple"], ["window.theme", "one of", "purple"]),
        (["set", "model.n_threads", "four"], ["model.n_threads", "whole number", "four"]),
        (["set", "api.port", "70000"], ["api.port", "0 to 65535"]),
        (["set", "theme", "dark"], ["no setting named 'theme'", "window.theme"]),
        (["set", "window", "dark"], ["'window' is a section", "window.theme"]),
        (["get", "nonsense.key"], ["no setting named 'nonsense.key'"]),
        (["reset", "window.colour"], ["no setting named 'window.colour'"]),
    ],
)
def test_a_bad_key_or_value_is_one_line_and_exit_2(fireside_home, args, needles):
    fireside("settings", "set", "window.theme", "dark")
    before = settings_file(fireside_home).read_bytes()
    result = fireside("settings", *args)
    one_line_error(result, *needles)
    assert result.returncode == 2
    assert settings_file(fireside_home).read_bytes() == before


def warnings(result: subprocess.CompletedProcess) -> list[str]:
    return [ln for ln in result.stderr.splitlines() if ln.startswith("fireside: warning: ")]


def test_wrong_types_are_named_once_and_the_rest_is_kept(fireside_home):
    path = settings_file(fireside_home)
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps(
            {"n_threads": "abc", "model_path": 5, "theme": "dark", "system_prompt": "Be brief."}
        )
    )
    for args in (["history", "list"], ["docs", "list"], ["settings", "list"]):
        result = fireside(*args)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
        lines = warnings(result)
        assert len(lines) == 2, result.stderr
        assert all(str(path) in line for line in lines)
        assert "model_path (now model.path)" in lines[0] and "found 5" in lines[0]
        assert "n_threads (now model.n_threads)" in lines[1] and '"abc"' in lines[1]
    shown = fireside("settings", "list").stdout.splitlines()
    assert 'window.theme = "dark"' in shown and 'chat.system_prompt = "Be brief."' in shown
    assert "model.n_threads = null" in shown

    fixed = fireside("settings", "set", "window.language", "en")  # a write repairs the file
    assert fixed.returncode == 0 and len(warnings(fixed)) == 2
    again = fireside("history", "list")
    assert warnings(again) == [] and again.returncode == 0
    data = json.loads(path.read_text())
    assert data["window"] == {"theme": "dark", "language": "en"}
    assert data["chat"]["system_prompt"] == "Be brief."


def test_a_list_or_garbage_is_moved_aside_each_time_under_a_new_name(fireside_home):
    path = settings_file(fireside_home)
    path.parent.mkdir(parents=True)
    contents = [b"[1, 2, 3]", b"\xff\xfe\x00garbage\x00", b'{"theme": "dark"']
    for n, content in enumerate(contents, 1):
        path.write_bytes(content)
        result = fireside("history", "list") if n % 2 else fireside("settings", "list")
        assert result.returncode == 0, result.stderr
        (line,) = warnings(result)
        assert str(path) in line and "moved aside to settings.json.broken-" in line
        copies = sorted(path.parent.glob("settings.json.broken-*"))
        assert len(copies) == n  # never over an earlier copy
        assert content in [c.read_bytes() for c in copies]
    listed = fireside("settings", "list")
    assert listed.returncode == 0 and warnings(listed) == []
    assert 'window.theme = "system"' in listed.stdout.splitlines()
