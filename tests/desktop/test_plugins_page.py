"""The plugins page lists the real built-ins, toggles them for good, and shows failures."""

from __future__ import annotations

from fireside.assistant.app import build_app
from fireside.assistant.settings_store import SettingsStore
from fireside.desktop.plugins_page import ERROR_COLOR, PluginsPage
from fireside.desktop.settings_bridge import SettingsBridge
from PySide6.QtCore import Qt


def make_page(qtbot, app):
    """The page over a settings bridge; ``saved`` collects plugins.disabled as it changes."""
    bridge = SettingsBridge(app.settings_store)
    saved = []
    bridge.changed.connect(lambda _keys: saved.append(list(app.settings.plugins.disabled)))
    page = PluginsPage(app.plugins, bridge)
    page.bridge = bridge  # kept alive with the page
    qtbot.addWidget(page)
    return page, saved


def on_disk(app):
    """The settings as another process reads them, once the page's saves are done."""
    return SettingsStore(app.paths.settings_file).settings


def test_builtins_are_listed_with_their_tools(qtbot, fireside_home):
    app = build_app()
    try:
        page, _ = make_page(qtbot, app)
        assert page.item("calculator").checkState(0) == Qt.CheckState.Checked
        assert any(line.startswith("calculator") for line in page.lines("calculator"))
        weather = page.lines("weather")
        assert len(weather) == 1 and weather[0].startswith("weather [network] — ")
    finally:
        app.close()


def test_unticking_weather_disables_it_and_saves(qtbot, fireside_home):
    app = build_app()
    try:
        page, saved = make_page(qtbot, app)
        page.item("weather").setCheckState(0, Qt.CheckState.Unchecked)
        qtbot.waitUntil(lambda: saved == [["weather"]])
        assert "weather" not in {t.name for t in app.plugins.tools()}
        assert page.item("weather").checkState(0) == Qt.CheckState.Unchecked
        assert page.lines("weather") == []
        qtbot.waitUntil(lambda: not page.bridge.busy)
        assert on_disk(app).plugins.disabled == ["weather"]

        page.set_enabled("weather", True)
        assert "weather" in {t.name for t in app.plugins.tools()}
        assert saved[-1] == [] and app.settings.plugins.disabled == []
        qtbot.waitUntil(lambda: not page.bridge.busy)
        assert on_disk(app).plugins.disabled == []
    finally:
        app.close()


def test_a_plugin_that_failed_to_load_shows_its_error(qtbot, fireside_home):
    app = build_app()
    try:
        # a real load failure: a hook with no spec is rejected by the manager
        from fireside.plugins.hookspecs import hookimpl

        class Misspelt:
            @hookimpl
            def register_toolz(self, register):
                pass

        app.plugins.add_plugin("misspelt", Misspelt())
        app.plugins.failures.append(("broken", "ImportError: boom"))
        page, _ = make_page(qtbot, app)
        assert page.lines("broken") == ["Failed to load: ImportError: boom"]
        lines = page.lines("misspelt")
        assert lines and "unknown hook 'register_toolz'" in lines[0]
        error = page.item("misspelt").child(0)
        assert error.foreground(0).color() == ERROR_COLOR
        assert {"calculator", "weather"} <= {p.name for p in app.plugins.plugins()}
    finally:
        app.close()


def test_a_failing_hook_is_shown_under_its_plugin_and_logged(qtbot, fireside_home):
    from fireside.assistant.logs import setup_logging
    from fireside.plugins.hookspecs import hookimpl

    class Flaky:
        @hookimpl
        def before_prompt(self):
            raise RuntimeError("the clock plugin lost its clock")

    app = build_app()
    log_file = setup_logging(app.paths.log_dir)
    try:
        app.plugins.add_plugin("flaky", Flaky())
        app.plugins.before_prompt([{"role": "user", "content": "hi"}])
        app.plugins.before_prompt([{"role": "user", "content": "again"}])
        page, _ = make_page(qtbot, app)
        lines = page.lines("flaky")
        assert lines == ["A hook failed: RuntimeError: the clock plugin lost its clock"]
        assert page.item("flaky").child(0).foreground(0).color() == ERROR_COLOR
        logged = log_file.read_text(encoding="utf-8")
        assert "Traceback" in logged and "the clock plugin lost its clock" in logged
    finally:
        app.close()
