"""The program's version and licence, as its package metadata states them.

One source for ``fireside --version`` and the window's About box, so the two never
disagree with what was installed. A frozen build carries the metadata too
(``installer/fireside.spec`` copies it); without any, the version reads "unknown".
"""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "fireside"


def version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


def licence() -> str:
    """The licence's name (SPDX), e.g. ``Apache-2.0``."""
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"
    return meta.get("License-Expression") or meta.get("License") or "unknown"
