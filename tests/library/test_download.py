"""Downloads from a local hub with the real huggingface_hub client and the real GGUF."""

from __future__ import annotations

import hashlib
import threading
import time

import pytest
from fireside.models.library.download import PAUSED, StopFlag, part_path, sidecar_path
from fireside.models.library.errors import (
    ChecksumError,
    DiskSpaceError,
    DownloadError,
    HubAccessError,
    HubUnreachableError,
    NotAChatModelError,
)
from fireside.models.library.hub import HubClient
from fireside.models.library.library import ModelLibrary

from fireside.errors import NotFoundError
from tests.hub_server import FakeHub
from tests.library.conftest import FILE, REPO, SPLIT_REPO


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_complete_download_is_checked_and_lands_as_a_plain_gguf(library, smollm_path, hub):
    plan = library.plan(REPO, FILE)
    assert plan.total_bytes == smollm_path.stat().st_size
    assert plan.sha256 == [sha256(smollm_path)]  # from X-Linked-Etag
    seen = []
    outcome = library.download(plan, on_progress=seen.append)
    assert outcome.status == "done"
    assert plan.path == library.models_dir / "test-org" / "SmolLM2-135M-Instruct-GGUF" / FILE
    assert plan.path.read_bytes() == smollm_path.read_bytes()
    assert not part_path(plan.path).exists() and not sidecar_path(plan.path).exists()
    assert seen[-1].done == seen[-1].total == plan.total_bytes
    assert [m.path for m in library.downloaded()] == [plan.path]
    # the real loader's checks accept it
    from fireside.models.gguf_info import inspect_gguf

    assert inspect_gguf(plan.path).architecture == "llama"


def test_dropped_connection_resumes_without_refetching(library, smollm_path, hub):
    size = smollm_path.stat().st_size
    hub.state.drop_after = 40_000_000
    plan = library.plan(REPO, FILE)
    with pytest.raises(DownloadError, match="run it again to resume"):
        library.download(plan, retries=0)
    kept = part_path(plan.path).stat().st_size
    assert 0 < kept <= 40_000_000
    hub.state.bytes_sent = 0
    outcome = library.download(library.plan(REPO, FILE))
    assert outcome.status == "done" and outcome.resumed_from == kept
    assert outcome.fetched == size - kept == hub.state.bytes_sent  # nothing fetched twice
    assert ("GET", f"/{REPO}/resolve/main/{FILE}", f"bytes={kept}-") in hub.state.requests
    assert plan.path.read_bytes() == smollm_path.read_bytes()


def test_drop_is_retried_within_the_same_run(library, smollm_path, hub):
    hub.state.drop_after = 10_000_000
    outcome = library.download(library.plan(REPO, FILE), backoff_s=(0.01, 0.05))
    assert outcome.status == "done"
    assert outcome.fetched == smollm_path.stat().st_size
    assert sha256(library.plan(REPO, FILE).path) == sha256(smollm_path)


def test_server_stopped_mid_download_then_back(hub, smollm_path, tmp_path):
    """The server goes away half-way (the download fails, the partial file stays); later
    the same server is back on the same address and the download finishes from there."""
    state, port = hub.state, hub.port
    state.throttle_bps = 40_000_000
    library = ModelLibrary(tmp_path / "m", HubClient(hub.endpoint), scan_other_apps=False)
    plan = library.plan(REPO, FILE)
    errors = []

    def run():
        try:
            library.download(plan, retries=1, backoff_s=(0.05, 0.05))
        except DownloadError as exc:
            errors.append(exc)

    t = threading.Thread(target=run)
    t.start()
    deadline = time.monotonic() + 60
    while not part_path(plan.path).exists() or part_path(plan.path).stat().st_size < 8_000_000:
        assert time.monotonic() < deadline and t.is_alive()
        time.sleep(0.01)
    hub.stop()
    t.join(60)
    assert errors and "resume" in str(errors[0])
    kept = part_path(plan.path).stat().st_size
    assert 0 < kept < smollm_path.stat().st_size
    state.throttle_bps = None
    with FakeHub(state, port):
        outcome = library.download(library.plan(REPO, FILE))
    assert outcome.resumed_from == kept and outcome.fetched == smollm_path.stat().st_size - kept
    assert plan.path.read_bytes() == smollm_path.read_bytes()


def test_wrong_hash_deletes_the_file_and_says_so(library, smollm_path, hub):
    hub.state.repos[REPO][FILE].advertised_sha256 = "0" * 64
    plan = library.plan(REPO, FILE)
    with pytest.raises(ChecksumError, match="SHA-256 mismatch.*deleted"):
        library.download(plan)
    assert not plan.path.exists() and not part_path(plan.path).exists()
    assert not sidecar_path(plan.path).exists()


def test_not_enough_disk_space_is_refused_before_any_byte(hub, tmp_path):
    library = ModelLibrary(
        tmp_path / "m",
        HubClient(hub.endpoint),
        scan_other_apps=False,
        free_space=lambda _folder: 50_000_000,
    )
    plan = library.plan(REPO, FILE)
    with pytest.raises(DiskSpaceError, match=r"needs 0\.10 GB more, 0\.05 GB is free"):
        library.download(plan)
    assert not part_path(plan.path).exists()
    assert not [r for r in hub.state.requests if r[0] == "GET" and "/resolve/" in r[1]]


def test_no_network_is_one_clear_line(online, tmp_path):
    with FakeHub() as gone:
        endpoint = gone.endpoint  # a port nothing listens on once it stops
    library = ModelLibrary(tmp_path / "m", HubClient(endpoint), scan_other_apps=False)
    with pytest.raises(HubUnreachableError) as err:
        library.plan(REPO, FILE)
    assert str(err.value) == (
        f"cannot reach {endpoint} (connection refused): check the "
        "network connection or the mirror setting"
    )
    with pytest.raises(HubUnreachableError, match="connection refused"):
        library.search("qwen")


def test_pause_keeps_the_part_and_cancel_deletes_it(library, smollm_path, hub):
    hub.state.throttle_bps = 50_000_000
    stop = StopFlag()

    def pause_soon(p):
        if p.done > 5_000_000:
            stop.pause()

    plan = library.plan(REPO, FILE)
    outcome = library.download(plan, stop, pause_soon)
    assert outcome.status == PAUSED and not plan.path.exists()
    kept = part_path(plan.path).stat().st_size
    assert kept > 5_000_000
    [pending] = library.pending()
    assert pending.dest == plan.path and pending.done == kept
    assert library.resume_spec(pending) == (REPO, FILE)

    stop = StopFlag()
    stop.cancel()
    assert library.download(library.plan(REPO, FILE), stop).status == "cancelled"
    assert not part_path(plan.path).exists() and library.pending() == []


def test_server_that_ignores_ranges_restarts_cleanly(library, smollm_path, hub):
    plan = library.plan(REPO, FILE)
    part_path(plan.path).parent.mkdir(parents=True)
    hub.state.drop_after = 3_000_000
    with pytest.raises(DownloadError):
        library.download(plan, retries=0)
    hub.state.ignore_range = True  # answers 200 with the whole file
    outcome = library.download(library.plan(REPO, FILE))
    assert outcome.status == "done"
    assert plan.path.read_bytes() == smollm_path.read_bytes()


def test_changed_file_on_the_hub_is_not_resumed(library, smollm_path, split_parts, hub):
    plan = library.plan(REPO, FILE)
    hub.state.drop_after = 3_000_000
    with pytest.raises(DownloadError):
        library.download(plan, retries=0)
    hub.state.add(REPO, FILE, split_parts[0])  # a new upload: new etag, new size
    hub.state.bytes_sent = 0
    outcome = library.download(library.plan(REPO, FILE))
    assert outcome.resumed_from == 0
    assert plan.path.read_bytes() == split_parts[0].read_bytes()


def test_split_model_downloads_every_part(library, split_parts, hub):
    files = library.repo_files(SPLIT_REPO)
    assert [f.parts for f in files] == [[p.name for p in split_parts]]
    plan = library.plan(SPLIT_REPO, split_parts[1].name)  # any part names the model
    assert plan.path.name == split_parts[0].name and len(plan.dests) == 2
    library.download(plan)
    for dest, src in zip(plan.dests, split_parts, strict=True):
        assert dest.read_bytes() == src.read_bytes()
    [model] = library.downloaded()
    assert model.path == plan.path and model.parts == 2 and model.complete
    removed = library.remove(plan.path.name)
    assert set(removed) == set(plan.dests) and not library.models_dir.joinpath("test-org").exists()


def test_repo_listing_skips_projectors_and_refuses_them(library, hub):
    assert [f.filename for f in library.repo_files(REPO)] == [FILE]
    assert library.plan(REPO).path.name == FILE  # the only chat model is chosen
    with pytest.raises(NotAChatModelError, match="projector"):
        library.plan(REPO, "mmproj-SmolLM2-f16.gguf")


def test_search_finds_gguf_repositories(library, hub):
    assert [r.id for r in library.search("smollm2")] == [REPO]
    assert library.search("nothing-like-this") == []


def test_gated_repository_needs_the_token(hub, smollm_path, tmp_path):
    hub.state.gated[REPO] = "hf_secret"
    anonymous = ModelLibrary(tmp_path / "a", HubClient(hub.endpoint), scan_other_apps=False)
    with pytest.raises(HubAccessError, match="gated.*access token"):
        anonymous.plan(REPO, FILE)
    with_token = ModelLibrary(
        tmp_path / "b", HubClient(hub.endpoint, "hf_secret"), scan_other_apps=False
    )
    assert with_token.download(with_token.plan(REPO, FILE)).status == "done"


def test_unknown_repository_and_file(library, hub):
    with pytest.raises(NotFoundError, match="no repository 'nobody/nothing'"):
        library.plan("nobody/nothing", "x.gguf")
    with pytest.raises(NotFoundError, match="no such file"):
        library.plan(REPO, "missing.gguf")
    with pytest.raises(NotFoundError, match="no catalog model 'nope'"):
        library.plan("nope")
