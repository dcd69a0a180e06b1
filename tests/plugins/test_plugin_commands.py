"""``fireside`` subcommands from plugins (``register_commands``): listed in the help, run with
the app, refused when they would take a built-in name, and never able to break the CLI."""

from __future__ import annotations

import json
import sys

import pytest
from fireside.cli.main import main
from fireside.plugins.hookspecs import hookimpl
from fireside.plugins.manager import PluginManager

WORDS = """
from fireside.errors import NotFoundError
from fireside.plugins.hookspecs import hookimpl


def arguments(parser):
    parser.add_argument("text", nargs="+")
    parser.add_argument("--upper", action="store_true")


def run(args, app):
    if args.text == ["missing"]:
        raise NotFoundError("no word called missing")
    if args.text == ["bug"]:
        raise ValueError("a bug in the plugin")
    words = [w.upper() if args.upper else w for w in args.text]
    print(len(words), " ".join(words), len(app.history.list_conversations()))
    return 3 if args.text == ["three"] else None


@hookimpl
def register_commands(register):
    register("words", run, help="count words", arguments=arguments)
"""

CLASH = """
from fireside.plugins.hookspecs import hookimpl


@hookimpl
def register_commands(register):
    register("chat", lambda args, app: print("taken over"), help="not the real chat")
    register("hello", lambda args, app: print("hello from clash"), help="say hello")
"""

BAD_ARGUMENTS = """
from fireside.plugins.hookspecs import hookimpl


def arguments(parser):
    parser.add_argument("--x", type="not a type")


@hookimpl
def register_commands(register):
    register("badargs", lambda args, app: 0, arguments=arguments)
"""

RAISES = """
from fireside.plugins.hookspecs import hookimpl


def shout(text: str) -> str:
    '''Upper-case some text.'''
    return text.upper()


@hookimpl
def register_tools(register):
    register(shout)


@hookimpl
def register_commands(register):
    raise RuntimeError("no commands today")
"""


def help_text(capsys) -> str:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_a_plugin_command_is_listed_and_runs_with_the_app(make_dist, capsys):
    make_dist({"words": WORDS})
    out = help_text(capsys)
    assert "words" in out and "count words (plugin: words)" in " ".join(out.split())
    assert main(["words", "one", "two", "--upper"]) == 0
    assert capsys.readouterr().out == "2 ONE TWO 0\n"
    assert main(["words", "three"]) == 3  # the handler's exit code


def test_a_plugin_command_s_fireside_error_is_one_line_and_exit_2(make_dist, capsys):
    make_dist({"words": WORDS})
    assert main(["words", "missing"]) == 2
    assert capsys.readouterr().err == "fireside: error: no word called missing\n"
    assert main(["words", "bug"]) == 1  # a bug: one line too, the traceback in the log
    err = capsys.readouterr().err
    assert err.startswith("fireside: error: unexpected ValueError: a bug in the plugin (details")
    assert len(err.splitlines()) == 1


def test_a_built_in_name_cannot_be_taken(make_dist, capsys):
    make_dist({"clash": CLASH})
    out = help_text(capsys)
    assert "not the real chat" not in out and "chat with a local model" in out
    assert "say hello (plugin: clash)" in " ".join(out.split())
    assert "plugin clash: command 'chat' is a built-in command; not added" in out
    assert main(["hello"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "hello from clash\n"
    assert captured.err == (
        "fireside: warning: plugin clash: command 'chat' is a built-in command; not added\n"
    )


def test_broken_registrations_leave_the_command_line_working(make_dist, capsys):
    make_dist({"raises": RAISES, "badargs": BAD_ARGUMENTS, "words": WORDS})
    out = help_text(capsys)
    assert "    badargs" not in out and "    words" in out
    assert "plugin badargs: command 'badargs': arguments failed: ValueError" in out
    assert main(["words", "still", "here"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("2 still here")
    assert "plugin badargs: command 'badargs': arguments failed: ValueError" in captured.err
    assert main(["tools", "list", "--json"]) == 0
    errors = {e["plugin"]: e["error"] for e in json.loads(capsys.readouterr().out)["errors"]}
    assert errors["raises"] == "register_commands failed: RuntimeError: no commands today"


def test_a_disabled_plugin_s_commands_disappear(make_dist, capsys, fireside_home):
    make_dist({"words": WORDS})
    config = fireside_home / "config"
    config.mkdir(parents=True)
    (config / "settings.json").write_text(json.dumps({"disabled_plugins": ["words"]}))
    assert "words" not in help_text(capsys)
    with pytest.raises(SystemExit) as exited:
        main(["words", "one"])
    assert exited.value.code == 2
    assert "invalid choice: 'words'" in capsys.readouterr().err


def test_a_built_in_command_loads_no_plugin(make_dist, capsys):
    root = make_dist({"words": WORDS})
    module = next(p.stem for p in root.glob("*.py"))
    assert main(["history", "list"]) == 0
    assert module not in sys.modules  # the parser was built without the plugins
    help_text(capsys)
    assert module in sys.modules


class Commands:
    @hookimpl
    def register_commands(self, register):
        register("greet", lambda args, app: print("hi"), help="greet")
        register("chat", lambda args, app: None)


class RaisesInRegister:
    @hookimpl
    def register_commands(self, register):
        raise RuntimeError("cannot register today")


class BadName:
    @hookimpl
    def register_commands(self, register):
        register("Has Spaces", lambda args, app: None)


def test_the_manager_records_refused_and_failed_command_registrations():
    manager = PluginManager()
    manager.add_plugin("cmds", Commands())
    manager.add_plugin("raiser", RaisesInRegister())
    manager.add_plugin("badname", BadName())
    manager.add_plugin("again", Commands())
    failures = dict(manager.failures)
    assert failures["raiser"] == "register_commands failed: RuntimeError: cannot register today"
    assert "'Has Spaces' is not a usable command name" in failures["badname"]
    assert failures["again"] == (
        "register_commands failed: ValueError: command 'greet' is already provided by plugin 'cmds'"
    )
    assert [c.name for c in manager.commands()] == ["greet", "chat"]
    for _ in range(2):
        assert [c.name for c in manager.commands(reserved={"chat", "history"})] == ["greet"]
    refused = [f for f in manager.failures if f[0] == "cmds"]
    assert refused == [("cmds", "command 'chat' is a built-in command; not added")]
    manager.disable("cmds")
    assert manager.commands() == []
