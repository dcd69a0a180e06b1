"""The example plugin pip-installed into a real virtual environment: its command and its
chat model work through ``python -m fireside``, found by the installed entry point."""

from __future__ import annotations

import json
import subprocess
import sys


def fireside(python, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), "-m", "fireside", *args], capture_output=True, text=True, timeout=120
    )


def test_the_installed_command_is_listed_and_runs(example_venv):
    listed = fireside(example_venv, "--help")
    assert listed.returncode == 0, listed.stderr
    assert "example-words" in listed.stdout
    assert "(plugin: example)" in " ".join(listed.stdout.split())
    counted = fireside(example_venv, "example-words", "one", "two", "three")
    assert (counted.returncode, counted.stdout, counted.stderr) == (0, "3 words\n", "")
    missing = fireside(example_venv, "example-words", "--conversation", "42")
    assert (missing.returncode, missing.stderr) == (2, "fireside: error: no conversation 42\n")


def test_the_installed_chat_model_answers(example_venv):
    chat = fireside(example_venv, "chat", "--model", "example/echo", "hello world")
    assert chat.returncode == 0, chat.stderr
    assert chat.stdout.strip() == "hello world"
    assert "Traceback" not in chat.stderr
    short = fireside(
        example_venv,
        "chat",
        "--model",
        "example/echo",
        "one two three",
        "--max-tokens",
        "2",
        "--json",
    )
    assert short.returncode == 0, short.stderr
    reply = json.loads(short.stdout)
    assert (reply["text"], reply["finish_reason"]) == ("one two", "length")
    assert (reply["model"], reply["backend"]) == ("example/echo", "example")
    listed = fireside(example_venv, "models", "list", "--json")
    assert {"path": "example/echo", "where": "plugin example"}.items() <= next(
        m for m in json.loads(listed.stdout) if m["path"] == "example/echo"
    ).items()


def test_without_the_plugin_neither_exists(example_venv):
    # this environment has no example plugin: what the venv showed came from its install
    here = fireside(sys.executable, "--help")
    assert here.returncode == 0 and "example-words" not in here.stdout
    chat = fireside(sys.executable, "chat", "--model", "example/echo", "hello")
    assert (chat.returncode, chat.stderr) == (2, "fireside: error: example/echo: file not found\n")
