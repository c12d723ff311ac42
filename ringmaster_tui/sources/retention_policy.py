"""How long `prune` keeps things: the periods, apart from any source (the command line
shows them as its defaults without importing one)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetentionPolicy:
    """How long `prune` keeps things (seed 000's "Data Retention" periods)."""

    archive_after_days: int = 30
    keep_snapshots: int = 10
    metrics_days: int = 7
    heartbeat_minutes: int = 5
