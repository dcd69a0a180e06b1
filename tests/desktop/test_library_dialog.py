"""Model > Library… in a real window: catalog, hub search, a queued download from a local
hub (pause, resume), and "Use" switching the chat's model."""

from __future__ import annotations

import json

import pytest
from fireside.models.library.catalog import load_catalog
from fireside.models.library.download import part_path
from fireside.models.library.errors import DownloadError
from PySide6.QtCore import Qt

from tests.desktop.helpers import wait_loaded
from tests.library.conftest import FILE, REPO, SPLIT_REPO, hub, online, split_parts  # noqa: F401

TIMEOUT = 60_000


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_library_downloads_and_uses_a_model(
    qtbot,
    make_window,
    core,
    hub,  # noqa: F811
    smollm_path,
    split_parts,  # noqa: F811
    fireside_home,
):
    window = make_window(core)
    wait_loaded(qtbot, window)
    menu_action = next(
        a for m in window.menuBar().actions() for a in m.menu().actions() if a.text() == "Library…"
    )
    menu_action.trigger()
    dialog = window.library
    qtbot.waitUntil(lambda: dialog.catalog_table.rowCount() == len(load_catalog()), timeout=TIMEOUT)
    badges = {
        dialog.catalog_table.item(r, 4).text().split(" · ")[0]
        for r in range(dialog.catalog_table.rowCount())
    }
    assert badges and badges <= {"✓ fits", "⚠ tight", "✗ too large"}
    assert dialog.catalog_table.item(0, 4).text().endswith("GiB")
    assert "GiB" in dialog.catalog_table.item(0, 4).toolTip()

    # search the hub, pick the repository, download its only chat model
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.search_box, "test-org")
    click(qtbot, dialog.search_button)
    qtbot.waitUntil(lambda: dialog.repo_list.count() == 2, timeout=TIMEOUT)
    dialog.repo_list.setCurrentRow([dialog.repo_list.item(i).text() for i in range(2)].index(REPO))
    qtbot.waitUntil(lambda: dialog.files_table.rowCount() == 1, timeout=TIMEOUT)
    assert dialog.files_table.item(0, 0).text() == FILE  # the mmproj file is not offered

    hub.state.throttle_bps = 25_000_000
    dialog.queue.max_active = 1
    click(qtbot, dialog.files_table.cellWidget(0, 4))
    [job] = dialog.queue.jobs
    assert dialog.tabs.currentIndex() == 2
    qtbot.waitUntil(
        lambda: job.progress is not None and job.progress.done > 2_000_000, timeout=TIMEOUT
    )
    status = dialog.downloads_table.item(0, 2).text()
    assert "MB/s" in status and "left" in status

    # a second download waits for the first
    split_job = dialog.download(SPLIT_REPO, split_parts[0].name, "split")
    assert split_job.state == "queued"
    assert dialog.downloads_table.item(1, 2).text() == "Queued"

    toggle = dialog.downloads_table.cellWidget(0, 3)
    assert toggle.text() == "Pause"
    click(qtbot, toggle)
    qtbot.waitUntil(lambda: job.state == "paused", timeout=TIMEOUT)
    assert part_path(job.path).stat().st_size >= 2_000_000 and not job.path.exists()
    assert toggle.text() == "Resume"
    # the queue moved on to the split model; cancel it (its partial files go)
    qtbot.waitUntil(lambda: split_job.state == "running", timeout=TIMEOUT)
    click(qtbot, dialog.downloads_table.cellWidget(1, 4))
    qtbot.waitUntil(lambda: split_job.state == "cancelled", timeout=TIMEOUT)
    assert not list(fireside_home.rglob("tiny-Q4_1-*.part"))

    hub.state.throttle_bps = None
    click(qtbot, toggle)
    qtbot.waitUntil(lambda: job.state == "done", timeout=TIMEOUT)
    assert job.path.read_bytes() == smollm_path.read_bytes()
    assert dialog.downloads_table.item(0, 2).text() == "Ready" and toggle.text() == "Use"

    # "Use" switches the chat's model like the picker does
    click(qtbot, toggle)
    qtbot.waitUntil(lambda: window.models.path == str(job.path), timeout=TIMEOUT)
    wait_loaded(qtbot, window)
    assert window.app.settings.model.path == str(job.path)

    # the downloaded file is listed under "On this computer"
    qtbot.waitUntil(
        lambda: any(
            dialog.local_table.item(r, 0).text() == FILE
            for r in range(dialog.local_table.rowCount())
        ),
        timeout=TIMEOUT,
    )


def test_unfinished_download_is_offered_again(qtbot, make_window, core, hub, smollm_path):  # noqa: F811
    """A download cut short (the app closed or killed) shows as paused and resumes."""
    from fireside.assistant.library_config import open_library

    library = open_library(core.paths, core.settings, core.secrets)
    hub.state.drop_after = 5_000_000
    plan = library.plan(REPO, FILE)
    with pytest.raises(DownloadError):
        library.download(plan, retries=0)
    assert part_path(plan.path).exists()

    window = make_window(core, start=False)
    dialog = window.open_library()
    qtbot.waitUntil(lambda: len(dialog.queue.jobs) == 1, timeout=TIMEOUT)
    [job] = dialog.queue.jobs
    assert job.state == "paused" and dialog.downloads_table.item(0, 2).text() == "Paused"
    click(qtbot, dialog.downloads_table.cellWidget(0, 3))
    qtbot.waitUntil(lambda: job.state == "done", timeout=TIMEOUT)
    assert plan.path.read_bytes() == smollm_path.read_bytes()


def test_no_network_is_shown_in_the_dialog(qtbot, make_window, core, online, monkeypatch):  # noqa: F811
    from tests.hub_server import FakeHub

    with FakeHub() as gone:
        endpoint = gone.endpoint
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    window = make_window(core, start=False)
    dialog = window.open_library()
    qtbot.keyClicks(dialog.search_box, "qwen")
    click(qtbot, dialog.search_button)
    qtbot.waitUntil(lambda: "connection refused" in dialog.message.text(), timeout=TIMEOUT)


def test_library_settings_tab(qtbot, make_window, core, tmp_path):
    # a portable home (FIRESIDE_HOME, as in every test): the token goes to a private file
    window = make_window(core, start=False)
    dialog = window.open_library()
    dialog.tabs.setCurrentIndex(4)
    elsewhere = tmp_path / "big-disk" / "models"
    dialog.models_dir.setText(str(elsewhere))
    dialog.endpoint.setText("http://127.0.0.1:9/")
    dialog.token.setText("hf_secret")
    dialog.folders.addItem(str(tmp_path))
    dialog.save_settings()
    assert core.settings.library.models_dir == str(elsewhere)
    assert core.settings.library.endpoint == "http://127.0.0.1:9"
    assert core.settings.library.folders == [str(tmp_path)]
    token_file = core.paths.config_dir / "secrets.json"
    qtbot.waitUntil(token_file.exists, timeout=TIMEOUT)
    assert json.loads(token_file.read_text()) == {"hub-token": "hf_secret"}
    assert oct(token_file.stat().st_mode & 0o777) == "0o600" and dialog.token.text() == ""
    qtbot.waitUntil(lambda: str(token_file) in dialog.message.text(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: dialog.library.hub.token == "hf_secret", timeout=TIMEOUT)
    assert dialog.library.models_dir == elsewhere
    assert dialog.library.hub.endpoint == "http://127.0.0.1:9"


def test_closing_the_window_pauses_and_keeps_downloads(qtbot, make_window, core, hub):  # noqa: F811
    hub.state.throttle_bps = 20_000_000
    window = make_window(core, start=False)
    dialog = window.open_library()
    job = dialog.download(REPO, FILE, "smol")
    qtbot.waitUntil(
        lambda: job.progress is not None and job.progress.done > 1_000_000, timeout=TIMEOUT
    )
    window.close()
    assert job.state == "paused" and not dialog.queue.busy
    assert part_path(job.path).exists() and not job.path.exists()


def test_catalog_download_turns_into_use(qtbot, make_window, core, hub, smollm_path):  # noqa: F811
    from PySide6.QtWidgets import QPushButton

    hub.state.add(
        "bartowski/SmolLM2-360M-Instruct-GGUF", "SmolLM2-360M-Instruct-Q8_0.gguf", smollm_path
    )
    window = make_window(core, start=False)
    dialog = window.open_library()
    qtbot.waitUntil(lambda: dialog.catalog_table.rowCount() > 0, timeout=TIMEOUT)

    def action() -> QPushButton:
        return dialog.catalog_table.findChild(QPushButton, "catalog-action-smollm2-360m-instruct")

    assert action().text() == "Download"
    click(qtbot, action())
    [job] = dialog.queue.jobs
    qtbot.waitUntil(lambda: job.state == "done", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: action().text() == "Use", timeout=TIMEOUT)
    click(qtbot, action())
    qtbot.waitUntil(lambda: window.models.path == str(job.path), timeout=TIMEOUT)
    assert job.path.read_bytes() == smollm_path.read_bytes()
    wait_loaded(qtbot, window)
