"""The pause between two loads of a stream of commits, and the heap settled once the
dashboard is up."""

from __future__ import annotations

import subprocess
import sys

from ringmaster_tui.live.pacing import (
    IDLE_BACKOFF_MAX_SECONDS,
    METRICS_MIN_GAP_SECONDS,
    MIN_LOAD_GAP_SECONDS,
    WAL_BACKOFF_SECONDS,
    WAL_GROWTH_BYTES,
    pause_between_loads,
    pause_between_metrics_reads,
)


def test_a_quick_load_of_visible_changes_pauses_the_least() -> None:
    assert pause_between_loads(0.005, 0, 0) == MIN_LOAD_GAP_SECONDS


def test_a_slow_load_pauses_as_long_as_it_took() -> None:
    # The reader holds the database at most half of the time.
    assert pause_between_loads(0.08, 0, 0) == 0.08


def test_loads_that_find_nothing_new_double_the_pause_up_to_a_bound() -> None:
    pauses = [pause_between_loads(0.005, n, 0) for n in range(6)]

    assert pauses[:4] == [MIN_LOAD_GAP_SECONDS * 2**n for n in range(4)]
    assert pauses[4:] == [IDLE_BACKOFF_MAX_SECONDS] * 2
    assert pause_between_loads(0.5, 3, 0) == 0.5  # never shorter than the load itself


def test_a_growing_wal_waits_for_a_checkpoint() -> None:
    assert pause_between_loads(0.005, 0, WAL_GROWTH_BYTES + 1) == WAL_BACKOFF_SECONDS
    assert pause_between_loads(0.005, 0, WAL_GROWTH_BYTES) == MIN_LOAD_GAP_SECONDS
    assert pause_between_loads(0.005, 5, WAL_GROWTH_BYTES + 1) == IDLE_BACKOFF_MAX_SECONDS


def test_metrics_reads_leave_the_database_twice_as_long_as_they_read() -> None:
    assert pause_between_metrics_reads(0.01) == METRICS_MIN_GAP_SECONDS
    assert pause_between_metrics_reads(0.3) == 0.6


def test_settling_the_heap_freezes_what_exists_and_collects_the_young_less_often() -> None:
    # In a process of its own: frozen objects are never collected.
    code = (
        "import gc\n"
        "from ringmaster_tui.ui.app import GC_THRESHOLDS, settle_heap\n"
        "settle_heap()\n"
        "assert gc.get_freeze_count() > 10_000, gc.get_freeze_count()\n"
        "assert gc.get_threshold() == GC_THRESHOLDS\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
