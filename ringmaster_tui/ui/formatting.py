"""Numbers and times as the dashboard writes them: short, aligned, never failing."""

from __future__ import annotations

from ringmaster_tui.domain.timefmt import short_duration

SHA_CHARS = 10
MISSING = "\u2013"  # an en dash: no value


def money(amount: float | None) -> str:
    if amount is None:
        return MISSING
    return f"${amount:,.2f}"


def count(value: int | None) -> str:
    return MISSING if value is None else f"{value:,}"


def milliseconds(value: int | None) -> str:
    if value is None:
        return MISSING
    return short_duration(value / 1000)


def short_sha(sha: str | None) -> str:
    return (sha or "")[:SHA_CHARS] or MISSING
