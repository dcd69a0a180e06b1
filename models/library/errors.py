"""What can go wrong while finding or fetching a model, each as one line for the user."""

from __future__ import annotations

from fireside.errors import FiresideError


class LibraryError(FiresideError):
    """The model library could not do what was asked."""


class HubUnreachableError(LibraryError):
    """No network, a refused connection, or a mirror that does not answer."""


class HubAccessError(LibraryError):
    """The hub answered but refused: a gated or private repository, or a bad token."""


class DownloadError(LibraryError):
    """A transfer failed after its retries; the partial file is kept for a later resume."""


class ChecksumError(DownloadError):
    """The downloaded bytes are not the published file; the partial file was deleted."""


class DiskSpaceError(DownloadError):
    """Not enough free space in the models folder for what is left to download."""


class NotAChatModelError(LibraryError):
    """A projector (mmproj) or other auxiliary GGUF asked for as a chat model."""
