"""Times from other apps' exports, written the way the history writes its own (UTC, ISO)."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def from_epoch(value) -> str:
    """Seconds since 1970 (ChatGPT's ``create_time``) as ISO text; "" when absent or odd."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return from_text(value) if isinstance(value, str) else ""
    try:
        return datetime.fromtimestamp(float(value), UTC).isoformat(timespec="microseconds")
    except (OverflowError, OSError, ValueError):
        return ""


def from_text(value) -> str:
    """An ISO time (Claude's ``2026-01-03T00:00:00.000000Z``) in the history's form."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="microseconds")
