"""The plugins page: which plugins are on, what tools they give, and why one failed.

Toggling a plugin takes effect at once through the ``PluginManager`` (its tools appear or
disappear for the next turn) and is saved to the settings (``plugins.disabled``) so it
lasts. The page follows the settings too: a plugin disabled elsewhere (another window, the
settings command) is shown disabled.
Load errors are shown in red rather than hidden: a plugin that silently vanishes is harder
to fix than one that says what went wrong.
"""

from __future__ import annotations

import textwrap

from fireside.assistant.settings import Settings
from fireside.assistant.settings_store import affects, setting
from fireside.desktop.settings_bridge import SettingsBridge
from fireside.plugins.manager import PluginManager
from fireside.plugins.tools import Tool
from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

ERROR_COLOR = QColor("#c62828")
ROLE_PLUGIN = Qt.ItemDataRole.UserRole


def tool_badges(tool: Tool) -> list[str]:
    """What a tool reaches outside the app; these are the tools that ask for approval."""
    return [
        label
        for flag, label in (
            (tool.network, QCoreApplication.translate("PluginsPage", "network")),
            (tool.filesystem, QCoreApplication.translate("PluginsPage", "files")),
        )
        if flag
    ]


def tool_line(tool: Tool) -> str:
    badges = "".join(f" [{b}]" for b in tool_badges(tool))
    return f"{tool.name}{badges} — {tool.description}"


class PluginsPage(QWidget):
    """A tree: one checkable row per plugin, its tools (or its error) beneath it."""

    plugins_changed = Signal()  # after a plugin was enabled or disabled

    def __init__(
        self,
        plugin_manager: PluginManager,
        settings: SettingsBridge,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.manager = plugin_manager
        self.settings = settings
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        # a tool's description is what tells the user what it does: shown whole, wrapped
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Plugins add tools the assistant may use. Tools marked "
                "[network] or [files] ask before they run."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        self.routing = QCheckBox(
            self.tr("Run obvious tool requests first (sums, the weather, the date), for any model")
        )
        self.routing.setChecked(settings.settings.chat.routing_enabled)
        self.routing.toggled.connect(self._on_routing_toggled)
        layout.addWidget(self.routing)
        self.tree.itemChanged.connect(self._on_item_changed)
        settings.changed.connect(self._on_settings_changed)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the tree from the manager (after toggling, errors may have changed)."""
        tools: dict[str, list[Tool]] = {}
        for tool in self.manager.tools():
            tools.setdefault(tool.plugin, []).append(tool)
        hook_errors: dict[str, list[str]] = {}
        for name, error in self.manager.hook_failures[-50:]:  # the latest, not a flood
            if error not in hook_errors.setdefault(name, []):
                hook_errors[name].append(error)
        self.tree.blockSignals(True)
        self.tree.clear()
        known = set()
        for info in self.manager.plugins():
            known.add(info.name)
            item = QTreeWidgetItem([info.name])
            item.setData(0, ROLE_PLUGIN, info.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                0, Qt.CheckState.Checked if info.enabled else Qt.CheckState.Unchecked
            )
            item.setToolTip(0, info.module)
            for tool in tools.get(info.name, []):
                child = QTreeWidgetItem([textwrap.fill(tool_line(tool), 96)])
                child.setToolTip(0, tool.description)
                item.addChild(child)
            if info.error:
                self._add_error(
                    item, self.tr("Failed to load: {error}").format(error=info.error), info.error
                )
            for error in hook_errors.get(info.name, []):
                self._add_error(item, self.tr("A hook failed: {error}").format(error=error), error)
            self.tree.addTopLevelItem(item)
        # failures with no plugin entry (e.g. a duplicate or unknown name) are shown too
        for name, error in self.manager.failures:
            if name not in known:
                known.add(name)
                item = QTreeWidgetItem([name])
                item.setData(0, ROLE_PLUGIN, name)
                self._add_error(item, self.tr("Failed to load: {error}").format(error=error), error)
                self.tree.addTopLevelItem(item)
        self.tree.expandAll()
        self.tree.blockSignals(False)

    @staticmethod
    def _add_error(item: QTreeWidgetItem, text: str, error: str) -> None:
        child = QTreeWidgetItem([text])
        child.setForeground(0, ERROR_COLOR)
        child.setToolTip(0, error)
        item.setForeground(0, ERROR_COLOR)
        item.addChild(child)

    def item(self, name: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, ROLE_PLUGIN) == name:
                return item
        return None

    def lines(self, name: str) -> list[str]:
        """The texts shown under plugin ``name`` (tools and errors)."""
        item = self.item(name)
        return [item.child(i).text(0) for i in range(item.childCount())] if item else []

    def set_enabled(self, name: str, enabled: bool) -> None:
        """Enable or disable ``name`` now and remember it in the settings."""
        if enabled:
            self.manager.enable(name)
        else:
            self.manager.disable(name)
        if not affects(self.settings.update(plugin_enabled(name, enabled)), "plugins.disabled"):
            self.refresh()  # the settings said so already: nothing else will refresh
            self.plugins_changed.emit()

    def _on_routing_toggled(self, checked: bool) -> None:
        self.settings.update(setting("chat.routing_enabled", checked))

    def _on_settings_changed(self, keys: frozenset[str]) -> None:
        """Follow changes made elsewhere: the manager first, then what is shown."""
        if affects(keys, "chat.routing_enabled"):
            self.routing.blockSignals(True)
            self.routing.setChecked(self.settings.settings.chat.routing_enabled)
            self.routing.blockSignals(False)
        if affects(keys, "plugins.disabled"):
            wanted = set(self.settings.settings.plugins.disabled)
            for info in self.manager.plugins():
                if info.enabled and info.name in wanted:
                    self.manager.disable(info.name)
                elif not info.enabled and info.name not in wanted:
                    self.manager.enable(info.name)
            self.refresh()
            self.plugins_changed.emit()

    def _on_item_changed(self, item: QTreeWidgetItem, _column: int) -> None:
        name = item.data(0, ROLE_PLUGIN)
        if name is None or item.parent() is not None:
            return
        enabled = item.checkState(0) == Qt.CheckState.Checked
        # rebuilding the tree inside its own itemChanged signal is unsafe: do it next
        QTimer.singleShot(0, self, lambda: self.set_enabled(name, enabled))


def plugin_enabled(name: str, enabled: bool):
    """The settings change that enables (or disables) plugin ``name``."""

    def change(settings: Settings) -> None:
        disabled = [n for n in settings.plugins.disabled if n != name]
        settings.plugins.disabled = sorted(disabled if enabled else [*disabled, name])

    return change
