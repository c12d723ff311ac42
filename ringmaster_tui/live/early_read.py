"""The dashboard's first snapshot, read on a thread of its own while Textual is imported
and the screen laid out, so that the first paint has the board's cards in it (rather
than empty lanes, filled one read later).

Engine-neutral and free of Textual: `commands` starts it as soon as the source is open.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from ringmaster_tui.config import Settings
from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.sources.base import Source

log = logging.getLogger(__name__)

# Cards a lane reads before the lanes have been measured (then: what one shows, twice).
FIRST_PER_LANE = 30
# Rows a list view reads before it has been measured (then: what it shows, twice).
FIRST_LIST_LIMIT = 60


def first_board_query(settings: Settings) -> BoardQuery:
    """What the dashboard reads first: the board; none of the views' lists until shown."""
    return BoardQuery(
        per_lane=settings.per_lane or FIRST_PER_LANE,
        list_limit=FIRST_LIST_LIMIT,
        lists=frozenset(),
    )


def start_early_read(
    source: Source, settings: Settings, clock: Callable[[], datetime]
) -> EarlyRead | None:
    """The early read of the dashboard's first snapshot, started now; None when
    notifications are asked for: their first read must come before the first snapshot
    (what is on the first screen is not news), and the app makes it once it runs."""
    if settings.notifies:
        return None
    return EarlyRead(source, first_board_query(settings), clock)


class EarlyRead:
    """One snapshot of `query`, read on a daemon thread from the moment it is made.

    The app takes it (`take`) when its screen is mounted, before the first paint; a read
    that failed, or that was made for another query, gives None and the app reads as it
    always does. The app still reads again once its change feed runs: a commit made
    between this read and the feed's start is then on the screen too.
    """

    def __init__(self, source: Source, query: BoardQuery, clock: Callable[[], datetime]) -> None:
        self.query = query
        self._snapshot: Snapshot | None = None
        self._thread = threading.Thread(
            target=self._read, args=(source, clock), name="early-read", daemon=True
        )
        self._thread.start()

    def _read(self, source: Source, clock: Callable[[], datetime]) -> None:
        try:
            self._snapshot = source.snapshot(self.query, clock())
        except Exception:  # the app's own first read says what is wrong, on the screen
            log.exception("the early read failed")

    def finished(self, wait: float) -> bool:
        """Whether the read is over (read or failed), waiting at most `wait` seconds."""
        self._thread.join(wait)
        return not self._thread.is_alive()

    def take(self, query: BoardQuery, wait: float) -> Snapshot | None:
        """The snapshot, waiting at most `wait` seconds for it; None when it failed, is
        not done by then, was made for another query, or was taken already."""
        finished = self.finished(wait)
        snapshot, self._snapshot = self._snapshot, None
        if snapshot is None or not finished or query != self.query:
            return None
        return snapshot
