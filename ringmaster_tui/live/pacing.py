"""How long the dashboard waits between two loads while commits keep coming.

A lone change loads at once. Under a stream of commits, each load is followed by a pause
with no reader on the database, so that the writer's checkpoints can restart the -wal (a
reader at every moment makes it grow without bound) and the writer and the screen keep
their CPU.
"""

from __future__ import annotations

# The least pause between two loads of a stream.
MIN_LOAD_GAP_SECONDS = 0.03
# When the -wal still grows (by this much since it was last looked at), a longer pause:
# long enough for a checkpoint to complete and the log to start over.
WAL_GROWTH_BYTES = 1 << 19
WAL_BACKOFF_SECONDS = 0.15
# The least pause between two reads of the metrics view under a stream of commits.
METRICS_MIN_GAP_SECONDS = 0.25
# While the commits change nothing the dashboard shows (a burst of log rows, heartbeats),
# each such load doubles the pause, up to this; the first visible change resets it.
IDLE_BACKOFF_MAX_SECONDS = 0.25


def pause_between_loads(load_seconds: float, unchanged_loads: int, wal_growth: int) -> float:
    """The pause after a load that took `load_seconds`, the `unchanged_loads`-th in a row
    to find nothing new on screen, while the -wal grew by `wal_growth` bytes."""
    pause = max(MIN_LOAD_GAP_SECONDS, load_seconds)  # the reader at most half the time
    if unchanged_loads:
        pause = min(pause * 2**unchanged_loads, max(IDLE_BACKOFF_MAX_SECONDS, pause))
    if wal_growth > WAL_GROWTH_BYTES:  # no checkpoint got through: wait longer
        pause = max(pause, WAL_BACKOFF_SECONDS)
    return pause


def pause_between_metrics_reads(read_seconds: float) -> float:
    """Trends can wait, the writer's checkpoints cannot: the database is left without this
    reader at least twice as long as it read."""
    return max(METRICS_MIN_GAP_SECONDS, 2 * read_seconds)
