"""The date and time tool: today's date, the weekday and the time, offline.

A local model knows nothing of today. This reads the computer's clock in its local time
zone (or a named IANA zone from the standard library's ``zoneinfo``), so "what day is it"
has an answer without the network. Fixed-format English plus ISO 8601, so both a model and
a test can read it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fireside.plugins.hookspecs import hookimpl
from fireside.plugins.tools import ToolError


def describe(now: datetime) -> str:
    """``Sunday, 29 November 2026, 20:05 (CET, UTC+01:00); ISO 8601: ...``."""
    offset = now.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    zone = now.tzname() or offset
    label = f"{zone}, {offset}" if zone not in (offset, "UTC") else zone
    return (
        f"{now.strftime('%A')}, {now.day} {now.strftime('%B %Y')}, {now.strftime('%H:%M')} "
        f"({label}); ISO 8601: {now.isoformat(timespec='seconds')}"
    )


def current_datetime(
    timezone: Annotated[str, "IANA time zone such as Europe/Oslo; empty for local time"] = "",
) -> str:
    """Today's date, the day of the week and the current time (local time zone by default)."""
    if timezone.strip():
        try:
            zone = ZoneInfo(timezone.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ToolError(
                f"unknown time zone '{timezone}' (use a name like Europe/Oslo)"
            ) from None
        return describe(datetime.now(zone))
    return describe(datetime.now().astimezone())


@hookimpl
def register_tools(register) -> None:
    register(current_datetime, timeout_s=2.0)
