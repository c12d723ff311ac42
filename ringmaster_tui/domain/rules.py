"""Rules every source shares: a decision's options and deadline, and when a loop is stalled.

(Lane grouping is the workflow's: domain/workflow.py.)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from statistics import median

from ringmaster_tui.domain.values import JsonText

# A running attempt is stalled once it has run this many times longer than the typical
# (median) one of the same loop, and at least STALL_MIN_SECONDS.
STALL_FACTOR = 3.0
STALL_MIN_SECONDS = 300.0


def option_labels(options: JsonText | None) -> tuple[str, ...] | None:
    """A decision's options as labels, or None when its JSON does not parse as a list."""
    if options is None:
        return ()
    if not options.parses or not isinstance(options.value, list):
        return None
    return tuple(_option_label(item) for item in options.value)


def _option_label(item: object) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        for key in ("label", "name", "title", "id", "value"):
            if isinstance(item.get(key), str):
                return str(item[key])
    return json.dumps(item, ensure_ascii=False)


def deadline_of(requested_at: datetime | None, timeout_minutes: object) -> datetime | None:
    """When a decision times out; None without a start or a number of minutes."""
    if requested_at is None or not isinstance(timeout_minutes, int | float):
        return None
    try:
        return requested_at + timedelta(minutes=timeout_minutes)
    except (OverflowError, ValueError):  # absurd or NaN
        return None


def running_too_long(
    started: datetime | None, finished_seconds: Sequence[float], now: datetime
) -> bool:
    """A run that began at `started` is stalled: it has gone on far longer than its
    siblings took (`finished_seconds`, their durations)."""
    typical = [s for s in finished_seconds if s > 0]
    if started is None or not typical:
        return False
    running_for = (now - started).total_seconds()
    return running_for > max(STALL_FACTOR * median(typical), STALL_MIN_SECONDS)


def silent_too_long(last_seen: datetime | None, now: datetime, threshold_seconds: float) -> bool:
    """Nothing heard since `last_seen` for longer than the threshold (a heartbeat, a step);
    never heard of at all counts as silent."""
    return last_seen is None or (now - last_seen).total_seconds() > threshold_seconds
