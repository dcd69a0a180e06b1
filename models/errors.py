"""Errors the model layer raises, each naming the file and the cause in one line.

The command line and the window print ``str(error)`` as is, so the message must stand on
its own without a traceback.
"""

from __future__ import annotations

from pathlib import Path

from fireside.errors import FiresideError


class ModelError(FiresideError):
    """A model could not be inspected, loaded or run."""

    def __init__(self, path: str | Path | None, cause: str) -> None:
        self.path = str(path) if path is not None else None
        self.cause = cause
        super().__init__(f"{self.path}: {cause}" if self.path else cause)

    def __reduce__(self):  # picklable across the model worker's pipe
        return (self.__class__, (self.path, self.cause))


class NotGGUFError(ModelError):
    """The file exists but is not a GGUF model."""


class CorruptGGUFError(ModelError):
    """The file starts like a GGUF but is truncated or damaged."""


class ModelTooLargeError(ModelError):
    """Loading the model would need more memory than the machine has available."""


class ChatTemplateError(ModelError):
    """No usable chat template could be found or the chosen one failed to render."""


class ContextOverflowError(ModelError):
    """A single message is too long for the context window even after trimming."""
