"""What the library's tables share: the table itself, sizes in GB and the fit badge
(whether a model fits this computer's memory, in the catalog and in the hub's files)."""

from __future__ import annotations

from fireside.models.memory_fit import FITS, TIGHT, FitReport
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

BADGE_COLORS = {FITS: "#2e7d32", TIGHT: "#ef6c00", "too_large": "#c62828"}


def gb(n: int | None) -> str:
    return "?" if n is None else f"{n / 1e9:.2f} GB"


def make_table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    # the other columns fit their contents and their header's words, in any language
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def fit_badge(fit: FitReport | None) -> QTableWidgetItem:
    if fit is None:
        return QTableWidgetItem(QCoreApplication.translate("LibraryFitBadge", "unknown"))
    text = {
        FITS: QCoreApplication.translate("LibraryFitBadge", "✓ fits"),
        TIGHT: QCoreApplication.translate("LibraryFitBadge", "⚠ tight"),
    }.get(fit.verdict, QCoreApplication.translate("LibraryFitBadge", "✗ too large"))
    item = QTableWidgetItem(
        QCoreApplication.translate("LibraryFitBadge", "{verdict} · {need:.1f} GiB").format(
            verdict=text, need=fit.need / 2**30
        )
    )
    item.setForeground(QColor(BADGE_COLORS[fit.verdict]))
    gib = 2**30
    item.setToolTip(
        QCoreApplication.translate(
            "LibraryFitBadge",
            "Needs about {need:.1f} GiB (weights, context and buffers); {free:.1f} GiB available",
        ).format(need=fit.need / gib, free=fit.available / gib)
    )
    return item
