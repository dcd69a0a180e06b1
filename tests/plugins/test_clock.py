"""The date and time tool: the local clock, or a named zone; offline."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fireside.plugins.builtin import clock
from fireside.plugins.manager import PluginManager
from fireside.plugins.tools import run_tool


def tool():
    manager = PluginManager()
    manager.add_plugin("clock", clock)
    (t,) = manager.tools()
    return t


def iso(text: str) -> datetime:
    return datetime.fromisoformat(re.search(r"ISO 8601: (\S+)$", text).group(1))


def test_local_time_now():
    t = tool()
    assert t.name == "current_datetime" and not t.needs_approval
    outcome = run_tool(t, {})
    assert not outcome.is_error
    now = datetime.now().astimezone()
    assert abs(iso(outcome.output) - now) < timedelta(seconds=5)
    assert outcome.output.startswith(now.strftime("%A"))


def test_a_named_zone_and_a_bad_one():
    out = run_tool(tool(), {"timezone": "Asia/Shanghai"}).output
    assert iso(out).utcoffset() == timedelta(hours=8) and "(CST, UTC+08:00)" in out
    bad = run_tool(tool(), {"timezone": "Mars/Olympus"})
    assert (
        bad.is_error
        and bad.output == "unknown time zone 'Mars/Olympus' (use a name like Europe/Oslo)"
    )


def test_describe_is_readable():
    moment = datetime(2026, 11, 29, 20, 5, tzinfo=ZoneInfo("Europe/Oslo"))
    assert clock.describe(moment) == (
        "Sunday, 29 November 2026, 20:05 (CET, UTC+01:00); ISO 8601: 2026-11-29T20:05:00+01:00"
    )
