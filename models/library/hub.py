"""Talking to the Hugging Face hub (or a mirror) through ``huggingface_hub``.

The client does what it does well: repository search, file lists, resolve URLs, file
metadata (size and the LFS SHA-256 in ``X-Linked-Size`` / ``X-Linked-Etag``), tokens and
the endpoint. Every failure becomes one of our one-line errors; the byte transfer itself is
``download.py``'s, since ``hf_hub_download`` cannot resume after the process dies.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fireside.models.library.errors import HubAccessError, HubUnreachableError, LibraryError
from fireside.models.library.gguf_names import group_gguf_files, is_gguf, is_projector

from fireside.errors import NotFoundError

DEFAULT_ENDPOINT = "https://huggingface.co"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_QUANT = re.compile(
    r"(IQ\d_[A-Z]+|Q\d_K_[SML]|Q\d_K|Q\d_\d|Q\d_[01]|BF16|F16|F32|TQ\d_\d|MXFP4)", re.IGNORECASE
)


def default_endpoint() -> str:
    """``HF_ENDPOINT`` when the user set one (a mirror), else the hub."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def quantization_of(filename: str) -> str | None:
    m = _QUANT.search(os.path.basename(filename))
    return m.group(1).upper() if m else None


@dataclass(frozen=True)
class HubRepo:
    id: str
    downloads: int | None = None
    likes: int | None = None
    last_modified: str | None = None
    gated: bool | str | None = None


@dataclass(frozen=True)
class HubModelFile:
    """One downloadable model in a repository: a single GGUF or the parts of a split one."""

    repo: str
    parts: list[str]
    size_bytes: int | None
    quantization: str | None
    sha256: str | None = None  # of a single-file model, from the hub's LFS record

    @property
    def filename(self) -> str:
        return self.parts[0]


@dataclass(frozen=True)
class RemoteFile:
    """What the hub says about one file right now: where to fetch it, and what to expect."""

    repo: str
    filename: str
    revision: str
    url: str
    size: int | None
    sha256: str | None  # the LFS object id, when the etag is one
    etag: str | None
    commit: str | None
    extra: dict = field(default_factory=dict)


class HubClient:
    """A thin facade over ``huggingface_hub`` for one endpoint and (optional) token."""

    def __init__(
        self,
        endpoint: str | None = None,
        token: str | None = None,
        timeout_s: float = 15.0,
        token_source: Callable[[], str | None] | None = None,
    ) -> None:
        """``token_source`` is read on first use, on the thread making the first request
        (a keyring may block while it asks to be unlocked)."""
        self.endpoint = (endpoint or default_endpoint()).rstrip("/")
        self._token = token or None
        self._token_source = token_source
        self.timeout_s = timeout_s

    @property
    def token(self) -> str | None:
        if self._token is None and self._token_source is not None:
            self._token = self._token_source() or None
            self._token_source = None
        return self._token

    def _api(self):
        from huggingface_hub import HfApi

        # token=False: never fall back to a token the user did not give Fireside
        return HfApi(endpoint=self.endpoint, token=self.token or False)

    def search(self, query: str, limit: int = 30) -> list[HubRepo]:
        """Repositories with GGUF files whose name matches ``query``, most downloaded first.

        One page of ``/api/models`` through the client's session, headers and error types;
        ``HfApi.list_models`` would retry a refused connection for half a minute.
        """
        from huggingface_hub import ModelInfo
        from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

        params = {"search": query, "filter": "gguf", "sort": "downloads", "limit": limit}
        with self._errors(f"search for {query!r}"):
            response = get_session().get(
                f"{self.endpoint}/api/models",
                params=params,
                headers=build_hf_headers(token=self.token or False),
                timeout=self.timeout_s,
            )
            hf_raise_for_status(response)
            found = [ModelInfo(**item) for item in response.json()]
        return [
            HubRepo(
                m.id,
                getattr(m, "downloads", None),
                getattr(m, "likes", None),
                str(m.last_modified) if getattr(m, "last_modified", None) else None,
                getattr(m, "gated", None),
            )
            for m in found
        ]

    def model_files(self, repo: str, revision: str | None = None) -> list[HubModelFile]:
        """The chat-model GGUFs of ``repo`` (split parts grouped, projectors left out)."""
        with self._errors(repo):
            info = self._api().model_info(repo, revision=revision, files_metadata=True)
        siblings = {s.rfilename: s for s in (info.siblings or [])}
        files = []
        for first, parts in group_gguf_files(list(siblings)).items():
            sizes = [siblings[p].size for p in parts if p in siblings]
            complete = len(sizes) == len(parts) and all(s is not None for s in sizes)
            lfs = siblings[first].lfs if len(parts) == 1 else None
            sha = getattr(lfs, "sha256", None) if lfs else None
            files.append(
                HubModelFile(
                    repo, parts, sum(sizes) if complete else None, quantization_of(first), sha
                )
            )
        return files

    def projector_files(self, repo: str) -> list[str]:
        """The vision projectors (``mmproj`` GGUFs) of ``repo``."""
        with self._errors(repo):
            info = self._api().model_info(repo)
        names = [s.rfilename for s in (info.siblings or [])]
        return [n for n in names if is_gguf(n) and is_projector(n)]

    def file_info(self, repo: str, filename: str, revision: str = "main") -> RemoteFile:
        """HEAD the file's resolve URL: size, SHA-256 (LFS), etag and commit."""
        from huggingface_hub import get_hf_file_metadata, hf_hub_url

        url = hf_hub_url(repo, filename, revision=revision, endpoint=self.endpoint)
        with self._errors(f"{repo}/{filename}", repo):
            meta = get_hf_file_metadata(
                url, token=self.token or False, timeout=self.timeout_s, endpoint=self.endpoint
            )
        etag = (meta.etag or "").strip('"').removeprefix("W/").strip('"') or None
        sha = etag.lower() if etag and _SHA256.match(etag.lower()) else None
        return RemoteFile(repo, filename, revision, url, meta.size, sha, etag, meta.commit_hash)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    @contextmanager
    def _errors(self, what: str, repo: str | None = None) -> Iterator[None]:
        """Translate the client's exceptions into one line naming the repository or file."""
        import httpx2
        from huggingface_hub.errors import (
            GatedRepoError,
            HfHubHTTPError,
            OfflineModeIsEnabled,
            RemoteEntryNotFoundError,
            RepositoryNotFoundError,
            RevisionNotFoundError,
        )

        try:
            yield
        except OfflineModeIsEnabled:
            raise HubUnreachableError(
                f"cannot reach {self.endpoint} for {what}: offline mode is on (HF_HUB_OFFLINE)"
            ) from None
        except GatedRepoError:
            raise HubAccessError(
                f"{what} is gated: accept its licence on the hub, then set an access token "
                "(`fireside models token set` or Library > Settings)"
            ) from None
        except RepositoryNotFoundError:
            hint = "" if self.token else " (or it is private: set an access token)"
            raise NotFoundError(
                f"no repository {repo or what!r} on {self.endpoint}{hint}"
            ) from None
        except (RemoteEntryNotFoundError, RevisionNotFoundError):
            raise NotFoundError(f"{what}: no such file or revision on {self.endpoint}") from None
        except HfHubHTTPError as exc:
            status = exc.response.status_code if exc.response is not None else "?"
            if status in (401, 403):
                raise HubAccessError(
                    f"{what}: access refused ({status}); check the access token"
                ) from None
            raise LibraryError(f"{what}: the hub answered HTTP {status}") from None
        except (httpx2.TransportError, OSError) as exc:
            raise HubUnreachableError(
                f"cannot reach {self.endpoint} ({_cause(exc)}): check the network connection "
                "or the mirror setting"
            ) from None


def _cause(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    if "refused" in text.lower():
        return "connection refused"
    if "name or service not known" in text.lower() or "nodename" in text.lower():
        return "host name not found"
    return text.splitlines()[0][:120]
