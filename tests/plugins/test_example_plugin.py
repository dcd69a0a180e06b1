"""The example plugin from ``examples/``, pip-installed for real and found by entry point."""

from __future__ import annotations

from fireside.plugins.manager import PluginManager


def test_the_example_plugin_is_discovered_and_its_tools_run(example_plugin):
    manager = PluginManager()
    manager.load_entry_points()
    assert manager.failures == []
    example = next(p for p in manager.plugins() if p.name == "example")
    assert example.module == "fireside_example_plugin"
    assert example.tools == ["word_count", "reverse_text"]
    registry = manager.tool_registry()
    assert registry.run("reverse_text", {"text": "abc"}).output == "cba"
    assert registry.run("word_count", {"text": "one two  three"}).output == "3 words"
    lines = registry.run("word_count", {"text": "a\nb", "unit": "lines"})
    assert lines.output == "2 lines"


def test_the_example_schema_comes_from_its_signature(example_plugin):
    manager = PluginManager()
    manager.load_entry_points()
    tool = manager.tool_registry().get("word_count")
    assert tool.plugin == "example"
    assert tool.description == "Count the words, characters or lines in a piece of text."
    assert tool.parameters["required"] == ["text"]
    assert tool.parameters["properties"]["unit"]["enum"] == ["words", "characters", "lines"]
    assert tool.parameters["properties"]["text"]["description"] == "The text to count."
    assert manager.tool_registry().get("reverse_text").timeout_s == 2.0


def test_the_example_plugin_can_be_disabled(example_plugin):
    manager = PluginManager(disabled=["example"])
    manager.load_entry_points()
    assert "word_count" not in manager.tool_registry()
