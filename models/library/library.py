"""The model library as one object: catalog, hub, downloads into the models folder, disk scan.

Front ends ask it for a ``DownloadPlan`` (a catalog id, or a hub repository and file),
then run the plan on a worker thread with a ``StopFlag`` and a progress callback. A plan
covers every part of a split model; the model loads from the first part.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fireside.models.library.catalog import (
    REFRESHED_NAME,
    CatalogEntry,
    find_entry,
    load_catalog,
    shipped_digest,
    shipped_text,
)
from fireside.models.library.discovery import (
    LocalModel,
    ModelFolder,
    other_app_folders,
    scan,
    scan_folder,
)
from fireside.models.library.download import (
    CANCELLED,
    DONE,
    SIDECAR_SUFFIX,
    FileDownloader,
    Progress,
    Sidecar,
    StopFlag,
    check_disk_space,
    disk_free,
    file_lock,
    part_path,
    sidecar_path,
)
from fireside.models.library.errors import LibraryError, NotAChatModelError
from fireside.models.library.gguf_names import is_gguf, is_projector, model_parts, split_name
from fireside.models.library.hub import HubClient, HubModelFile, HubRepo, RemoteFile
from fireside.models.memory_fit import FitReport, machine_fit

from fireside.atomic_write import write_atomic
from fireside.errors import FiresideError, NotFoundError

PREFERRED_QUANT = "Q4_K_M"
AUTO = "auto"  # a catalog projector chosen from the repository's files
DOWNLOADED = "downloaded"  # where Fireside's own downloads are, in lists


@dataclass
class DownloadPlan:
    """What one model download fetches: every part, where it lands, what to expect."""

    repo: str
    label: str
    files: list[RemoteFile]
    dests: list[Path]
    sha256: list[str | None]
    model_id: str | None = None

    @property
    def path(self) -> Path:
        """The file to load (the first part)."""
        return self.dests[0]

    @property
    def total_bytes(self) -> int | None:
        sizes = [f.size for f in self.files]
        return None if any(s is None for s in sizes) else sum(sizes)

    def remaining_bytes(self) -> int:
        left = 0
        for remote, dest in zip(self.files, self.dests, strict=True):
            if dest.exists() or remote.size is None:
                continue
            part = part_path(dest)
            left += remote.size - (part.stat().st_size if part.exists() else 0)
        return left


@dataclass
class DownloadOutcome:
    status: str  # "done", "paused", "cancelled"
    path: Path
    fetched: int = 0  # bytes received in this run
    resumed_from: int = 0  # bytes already on disk at the start
    parts: list = field(default_factory=list)


@dataclass(frozen=True)
class PendingDownload:
    """A partial file left by a paused, failed or killed download."""

    dest: Path
    sidecar: Sidecar
    done: int

    @property
    def total(self) -> int | None:
        return self.sidecar.size


class ModelLibrary:
    def __init__(
        self,
        models_dir: Path,
        hub: HubClient,
        user_folders: list[Path] | None = None,
        scan_other_apps: bool = True,
        free_space: Callable[[Path], int] = disk_free,
        kv_cache: str = "f16",
    ) -> None:
        self.models_dir = Path(models_dir).expanduser()
        self.hub = hub
        self.user_folders = [Path(p).expanduser() for p in (user_folders or [])]
        self.scan_other_apps = scan_other_apps
        self.free_space = free_space
        self.kv_cache = kv_cache  # the cache type models will load with: the fit follows it
        self._catalog: list[CatalogEntry] | None = None

    # -- catalog and fit --------------------------------------------------------------------
    def catalog(self) -> list[CatalogEntry]:
        if self._catalog is None:
            self._catalog = load_catalog(self.refreshed_catalog)
        return self._catalog

    @property
    def refreshed_catalog(self) -> Path:
        """Where ``refresh_catalog`` keeps the catalog with the hub's current facts."""
        return self.models_dir / REFRESHED_NAME

    def entry(self, entry_id: str) -> CatalogEntry:
        return find_entry(self.catalog(), entry_id)

    def fit(self, entry: CatalogEntry, n_ctx: int) -> FitReport:
        return machine_fit(entry.memory(n_ctx, self.kv_cache).total)

    def downloaded_path(self, repo: str, filename: str) -> Path:
        owner, _, name = repo.partition("/")
        return self.models_dir / owner / (name or owner) / Path(filename).name

    def is_downloaded(self, entry: CatalogEntry) -> bool:
        files = all(self.downloaded_path(entry.repo, f).exists() for f in entry.files)
        if not files or entry.projector is None:
            return files
        folder = self.downloaded_path(entry.repo, entry.filename).parent
        if entry.projector == AUTO:
            return any(is_projector(p.name) for p in folder.glob("*.gguf"))
        return (folder / Path(entry.projector).name).exists()

    def projector_of(self, entry: CatalogEntry) -> str | None:
        """The projector file a vision entry downloads (``"auto"`` resolved on the hub)."""
        if entry.projector != AUTO:
            return entry.projector
        names = self.hub.projector_files(entry.repo)
        if not names:
            raise LibraryError(f"{entry.repo} has no projector (mmproj) file any more")
        return min(names, key=_projector_preference)

    # -- hub -------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 30) -> list[HubRepo]:
        return self.hub.search(query, limit)

    def repo_files(self, repo: str) -> list[HubModelFile]:
        return self.hub.model_files(repo)

    def plan(self, spec: str, filename: str | None = None) -> DownloadPlan:
        """``spec`` is a catalog id, or a hub repository (``owner/name``) with a file."""
        if "/" not in spec and filename is None:
            return self.plan_entry(self.entry(spec))
        if filename and is_projector(filename):
            raise NotAChatModelError(
                f"{filename} is a projector (mmproj) file: it adds image input to another "
                "model and cannot chat on its own; download the model's own GGUF"
            )
        if filename and not is_gguf(filename):
            raise LibraryError(f"{filename} is not a GGUF file (Fireside runs .gguf models)")
        return self.plan_repo_file(spec, filename)

    def plan_entry(self, entry: CatalogEntry) -> DownloadPlan:
        """Every part of the model, then its projector (a vision model sees with it)."""
        names = list(entry.files)
        projector = self.projector_of(entry) if entry.projector else None
        names += [projector] if projector else []
        remotes = [self.hub.file_info(entry.repo, f) for f in names]
        shas: list[str | None] = []
        for i, remote in enumerate(remotes):
            single = len(entry.files) == 1 and i == 0
            expected = entry.sha256 if entry.verified and single else None
            if expected and remote.sha256 and expected.lower() != remote.sha256:
                raise LibraryError(
                    f"{entry.id}: the file on the hub changed since this catalog was made "
                    f"(SHA-256 {remote.sha256[:12]}…, catalog {expected[:12]}…); "
                    f"download it by name with `fireside models download {entry.repo} "
                    f"{names[i]}`"
                )
            shas.append(expected or remote.sha256)
        dests = [self.downloaded_path(entry.repo, f) for f in names]
        return DownloadPlan(entry.repo, entry.name, remotes, dests, shas, entry.id)

    def refresh_catalog(self) -> tuple[int, list[str]]:
        """Ask the hub for every catalog file's size and SHA-256 now and keep the result as
        the catalog (``refreshed_catalog``); returns (entries checked, one line per entry
        that could not be). Entries the hub no longer serves keep their shipped facts."""
        doc = json.loads(shipped_text())
        problems: list[str] = []
        checked = 0
        for raw in doc["models"]:
            try:
                entry = find_entry(load_catalog(), raw["id"])
                remotes = [self.hub.file_info(entry.repo, f) for f in entry.files]
                if any(r.size is None for r in remotes):
                    raise LibraryError("the hub did not say the size")
                raw["size_bytes"] = sum(r.size for r in remotes)
                single = remotes[0].sha256 if len(remotes) == 1 else None
                raw["sha256"], raw["verified"] = single, single is not None
                if entry.projector:
                    name = self.projector_of(entry)
                    remote = self.hub.file_info(entry.repo, name)
                    raw["projector"], raw["projector_size_bytes"] = name, remote.size or 0
                checked += 1
            except FiresideError as exc:
                problems.append(f"{raw['id']}: {exc}")
        if not checked:  # the hub did not answer at all: keep what there is
            raise LibraryError(f"the catalog could not be refreshed ({problems[0]})")
        doc["base"] = shipped_digest()
        doc["refreshed"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.models_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(self.refreshed_catalog, json.dumps(doc, indent=1, ensure_ascii=False))
        self._catalog = None
        return checked, problems

    def plan_repo_file(self, repo: str, filename: str | None) -> DownloadPlan:
        if filename is None:
            filename = self._choose_file(repo)
        split = split_name(filename)
        if split is not None:
            folder = filename[: len(filename) - len(Path(filename).name)]
            names = [folder + p for p in split.parts()]
        else:
            names = [filename]
        remotes = [self.hub.file_info(repo, n) for n in names]
        dests = [self.downloaded_path(repo, n) for n in names]
        label = f"{repo} · {Path(names[0]).name}"
        return DownloadPlan(repo, label, remotes, dests, [r.sha256 for r in remotes])

    def _choose_file(self, repo: str) -> str:
        files = self.repo_files(repo)
        if not files:
            raise NotFoundError(f"{repo} holds no GGUF chat model")
        if len(files) == 1:
            return files[0].filename
        preferred = [f for f in files if f.quantization == PREFERRED_QUANT]
        if len(preferred) == 1:
            return preferred[0].filename
        names = ", ".join(f.filename for f in files[:12])
        more = f" and {len(files) - 12} more" if len(files) > 12 else ""
        raise LibraryError(f"{repo} has {len(files)} GGUF models; name one: {names}{more}")

    # -- downloading -------------------------------------------------------------------------
    def check_space(self, plan: DownloadPlan) -> None:
        self.models_dir.mkdir(parents=True, exist_ok=True)
        check_disk_space(self.models_dir, plan.remaining_bytes(), self.free_space)

    def download(
        self,
        plan: DownloadPlan,
        stop: StopFlag | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        retries: int = 5,
        backoff_s: tuple[float, float] = (2.0, 60.0),
    ) -> DownloadOutcome:
        """Fetch every part (resuming kept partial files); blocking, run it off the UI thread."""
        stop = stop or StopFlag()
        self.check_space(plan)
        total = plan.total_bytes
        outcome = DownloadOutcome(DONE, plan.path)
        before = 0
        for remote, dest, sha in zip(plan.files, plan.dests, plan.sha256, strict=True):
            dest.parent.mkdir(parents=True, exist_ok=True)

            def report(p: Progress, before: int = before) -> None:
                if on_progress is None:
                    return
                done = before + p.done
                eta = _eta(total - done, p.speed_bps) if total is not None else None
                on_progress(Progress(plan.label, done, total, p.speed_bps, eta))

            lock = file_lock(dest)
            try:
                result = FileDownloader(
                    remote,
                    dest,
                    headers=self.hub.auth_headers(),
                    expected_sha256=sha,
                    model_id=plan.model_id,
                    stop=stop,
                    on_progress=report,
                    retries=retries,
                    backoff_s=backoff_s,
                    free_space=self.free_space,
                    check_space=False,
                ).run()
            finally:
                lock.release()
                Path(lock.lock_file).unlink(missing_ok=True)
            outcome.fetched += result.fetched
            outcome.resumed_from += result.resumed_from
            outcome.parts.append(result)
            before += remote.size or 0
            if result.status != DONE:
                outcome.status = result.status
                if result.status == CANCELLED:
                    self.discard(plan)
                return outcome
        return outcome

    def discard(self, plan: DownloadPlan) -> None:
        """Cancel: delete every partial file of the plan (finished parts stay only if whole)."""
        for dest in plan.dests:
            part_path(dest).unlink(missing_ok=True)
            sidecar_path(dest).unlink(missing_ok=True)

    def pending(self) -> list[PendingDownload]:
        """Partial downloads in the models folder, to resume after a restart."""
        if not self.models_dir.is_dir():
            return []
        found = []
        for side in sorted(self.models_dir.rglob("*" + SIDECAR_SUFFIX)):
            sidecar = Sidecar.read(side)
            if sidecar is None:
                continue
            dest = side.with_name(side.name.removesuffix(SIDECAR_SUFFIX))
            part = part_path(dest)
            done = part.stat().st_size if part.exists() else 0
            found.append(PendingDownload(dest, sidecar, done))
        return found

    def resume_spec(self, pending: PendingDownload) -> tuple[str, str | None]:
        """What to pass to ``plan`` to continue ``pending``."""
        if pending.sidecar.model_id:
            return pending.sidecar.model_id, None
        return pending.sidecar.repo, pending.sidecar.filename

    # -- models on disk ----------------------------------------------------------------------
    def folders(self) -> list[ModelFolder]:
        folders = [ModelFolder(self.models_dir, DOWNLOADED)]
        folders += [ModelFolder(p, "user folder") for p in self.user_folders]
        if self.scan_other_apps:
            folders += other_app_folders()
        return folders

    def local_models(self) -> list[LocalModel]:
        return scan(self.folders())

    def downloaded(self) -> list[LocalModel]:
        return scan_folder(ModelFolder(self.models_dir, DOWNLOADED))

    def remove(self, target: str) -> list[Path]:
        """Delete a downloaded model (every part) from Fireside's models folder.

        ``target`` is a path, a file name, or a catalog id. Files in other apps' folders
        are listed but never deleted here: they belong to those apps.
        """
        path = self._find_downloaded(target)
        root = self.models_dir.resolve()
        if root not in path.resolve().parents:
            raise LibraryError(
                f"{path} is not in Fireside's models folder ({self.models_dir}); "
                "Fireside does not delete other apps' files"
            )
        removed = []
        for part in model_parts(path):
            for p in (part, part_path(part), sidecar_path(part)):
                if p.exists():
                    p.unlink()
                    removed.append(p)
        folder = path.parent
        while folder != self.models_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
        return removed

    def _find_downloaded(self, target: str) -> Path:
        candidate = Path(target).expanduser()
        if candidate.exists():
            return candidate
        if "/" not in target:
            try:
                entry = self.entry(target)
                path = self.downloaded_path(entry.repo, entry.filename)
                if path.exists() or part_path(path).exists():
                    return path
            except NotFoundError:
                pass
        matches = [m.path for m in self.downloaded() if m.path.name == target]
        matches += [p.dest for p in self.pending() if p.dest.name == target]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise LibraryError(f"{target} names {len(matches)} files; give the full path")
        raise NotFoundError(f"no downloaded model {target!r} in {self.models_dir}")


def _projector_preference(name: str) -> tuple[int, str]:
    """f16 first (what llama.cpp's own repositories publish), then Q8_0, then the rest."""
    lower = name.lower()
    for rank, marker in enumerate(("f16", "q8_0", "bf16", "f32")):
        if marker in lower:
            return rank, lower
    return 9, lower


def _eta(remaining: int, speed: float) -> float | None:
    return remaining / speed if speed > 0 else None
