"""Plugin discovery through real entry points, failure isolation, enable/disable, hooks."""

from __future__ import annotations

import pytest
from fireside.plugins.hookspecs import hookimpl
from fireside.plugins.manager import PluginManager

GOOD = """
from fireside.plugins.hookspecs import hookimpl

def shout(text: str) -> str:
    '''Upper-case some text.'''
    return text.upper()

@hookimpl
def register_tools(register):
    register(shout)
"""

BROKEN_IMPORT = """
import a_module_that_does_not_exist_anywhere
"""

RAISES_IN_REGISTER = """
from fireside.plugins.hookspecs import hookimpl

@hookimpl
def register_tools(register):
    raise RuntimeError("cannot register today")
"""

MISSPELT_HOOK = """
from fireside.plugins.hookspecs import hookimpl

@hookimpl
def register_tool(register):
    pass
"""


def load(disabled=()):
    manager = PluginManager(disabled=disabled)
    manager.load_entry_points()
    return manager


def test_builtins_register_through_the_entry_point_group():
    manager = load()
    names = {p.name: p for p in manager.plugins()}
    assert names["calculator"].tools == ["calculator"]
    assert names["weather"].tools == ["weather"]
    weather = manager.tool_registry().get("weather")
    assert weather.network and weather.plugin == "weather"
    assert not manager.tool_registry().get("calculator").needs_approval


def test_a_plugin_that_fails_to_import_is_reported_and_the_others_still_load(make_dist):
    make_dist({"good": GOOD, "broken": BROKEN_IMPORT})
    manager = load()
    failures = dict(manager.failures)
    assert "ModuleNotFoundError" in failures["broken"]
    assert "a_module_that_does_not_exist_anywhere" in failures["broken"]
    registry = manager.tool_registry()
    assert {"shout", "calculator", "weather"} <= set(registry.names())
    assert registry.run("shout", {"text": "hi"}).output == "HI"
    broken = next(p for p in manager.plugins() if p.name == "broken")
    assert broken.enabled and not broken.loaded and broken.error


def test_register_tools_raising_is_a_load_failure(make_dist):
    make_dist({"raiser": RAISES_IN_REGISTER, "good": GOOD})
    manager = load()
    assert "cannot register today" in dict(manager.failures)["raiser"]
    assert "shout" in manager.tool_registry()


def test_misspelt_hooks_are_reported(make_dist):
    make_dist({"typo": MISSPELT_HOOK})
    manager = load()
    assert "unknown hook 'register_tool'" in dict(manager.failures)["typo"]


def test_a_tool_name_clash_fails_the_later_plugin(make_dist):
    clash = GOOD.replace("def shout", "def calculator").replace(
        "register(shout)", "register(calculator)"
    )
    make_dist({"zz_clash": clash})
    manager = load()
    assert "already provided by plugin 'calculator'" in dict(manager.failures)["zz_clash"]
    assert manager.tool_registry().get("calculator").plugin == "calculator"


def test_disabled_plugins_are_not_even_imported(make_dist):
    make_dist({"broken": BROKEN_IMPORT})
    manager = load(disabled=["broken", "weather"])
    assert manager.failures == []
    assert "weather" not in manager.tool_registry()
    states = {p.name: p.enabled for p in manager.plugins()}
    assert states["weather"] is False and states["broken"] is False


def test_enable_and_disable_at_runtime():
    manager = load(disabled=["weather"])
    assert "weather" not in manager.tool_registry()
    manager.enable("weather")
    assert "weather" in manager.tool_registry()
    manager.disable("calculator")
    assert "calculator" not in manager.tool_registry()
    assert "calculator" in manager.disabled


def test_managers_are_independent():
    first, second = PluginManager(), PluginManager()
    first.load_entry_points()
    assert len(first.tools()) >= 2
    assert second.tools() == [] and second.plugins() == []


class Lifecycle:
    def __init__(self):
        self.replies = []

    @hookimpl
    def before_prompt(self, messages):
        messages.append({"role": "user", "content": "mutated"})
        return f"{len(messages) - 1} messages so far"

    @hookimpl
    def after_reply(self, text, conversation_id):
        self.replies.append((text, conversation_id))


class Flaky:
    @hookimpl
    def before_prompt(self):
        raise RuntimeError("flaky plugin")

    @hookimpl
    def after_reply(self, text):
        raise RuntimeError("flaky again")


def test_lifecycle_hooks_run_each_plugin_and_survive_failures():
    manager = PluginManager()
    life = Lifecycle()
    manager.add_plugin("life", life)
    manager.add_plugin("flaky", Flaky())
    messages = [{"role": "user", "content": "hi"}]
    assert manager.before_prompt(messages) == ["1 messages so far"]
    assert messages == [{"role": "user", "content": "hi"}]  # plugins get a copy
    manager.after_reply("hello", 7)
    assert life.replies == [("hello", 7)]
    assert [name for name, _ in manager.hook_failures] == ["flaky", "flaky"]


class Loaders:
    @hookimpl
    def register_document_loaders(self, register):
        register(["TXT", ".log"], lambda path: "text")


def test_document_loaders_are_collected_with_normalised_extensions():
    manager = PluginManager()
    manager.add_plugin("loaders", Loaders())
    ((extensions, loader),) = manager.document_loaders()
    assert extensions == [".txt", ".log"]
    assert loader("x") == "text"


def test_add_plugin_honours_disabled():
    manager = PluginManager(disabled=["loaders"])
    manager.add_plugin("loaders", Loaders())
    assert manager.document_loaders() == []


@pytest.mark.parametrize("name", ["calculator", "weather"])
def test_each_builtin_can_be_disabled_alone(name):
    manager = load(disabled=[name])
    assert name not in manager.tool_registry()
    assert len(manager.tool_registry()) >= 1
