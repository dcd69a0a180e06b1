"""The errors a user can meet, in one small hierarchy every layer shares.

``str(error)`` is the whole message: one line that names the thing at fault and the cause,
printed as is by the command line, the window and the API server. Anything that is not a
``FiresideError`` is a bug: front ends log its traceback and show a short notice instead.
"""

from __future__ import annotations


class FiresideError(Exception):
    """A failure the user can understand and act on."""

    def __str__(self) -> str:  # KeyError would add quotes around the message
        return str(self.args[0]) if self.args else self.__class__.__name__


class NotFoundError(FiresideError, KeyError):
    """An id or name that does not exist (a conversation, a message, a collection...).

    Also a ``KeyError`` so that lookups keep their usual meaning for callers.
    """


class StoreDamagedError(FiresideError):
    """A database file is not readable as ours; it is left untouched."""


class StoreBusyError(FiresideError):
    """Another Fireside (or another program) holds the database."""


class ToolError(FiresideError):
    """A tool, plugin or MCP server could not be used."""


class BadFileError(FiresideError):
    """A file given to Fireside (an export to import, an assistant to add) is not readable
    as what it should be; nothing of it was stored unless the message says so."""
