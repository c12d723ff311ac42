"""Reading the database's timestamps and saying how long ago or how soon they are.

Orchestrators write SQLite's `datetime('now')` ('2026-01-02 03:04:05', UTC), ISO 8601
with or without a zone, Unix epoch seconds, or now and then something else; what does
not parse is None.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

# Seconds since 1970 (an integer column's value, stored as text by a TEXT column).
_EPOCH = re.compile(r"\d{9,11}(\.\d+)?")


def utc_now() -> datetime:
    """Now, in UTC: the clock every reader and writer takes by default (tests inject one)."""
    return datetime.now(UTC)


def parse_timestamp(value: str | None) -> datetime | None:
    """A timezone-aware UTC datetime, or None when the text is not a timestamp."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        if _EPOCH.fullmatch(text):
            return datetime.fromtimestamp(float(text), UTC)
        parsed = datetime.fromisoformat(text)
    except (ValueError, OverflowError, OSError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def sqlite_timestamp(moment: datetime) -> str:
    """The format SQLite's datetime('now') writes, so stored times sort as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def short_duration(seconds: float) -> str:
    """'45s', '12m', '3h05m', '2d04h': compact enough for a table cell."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds))
    if total < 60:
        return f"{sign}{total}s"
    minutes, _ = divmod(total, 60)
    if minutes < 60:
        return f"{sign}{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{sign}{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{sign}{days}d{hours:02d}h"


def age(moment: datetime | None, now: datetime) -> str:
    """How long ago a moment was ('5m'), or '?' when there is none (it did not parse)."""
    if moment is None:
        return "?"
    return short_duration((now - moment).total_seconds())
