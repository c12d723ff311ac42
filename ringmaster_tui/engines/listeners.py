"""What a change feed tells the dashboard, from the feed's own thread: a listener's
failure is logged and never stops the feed, and a status is told only when it changes."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


class FeedListeners:
    def __init__(
        self,
        on_change: Callable[[], None],
        on_status: Callable[[str | None], None] | None = None,
    ) -> None:
        self._on_change = on_change
        self._on_status = on_status
        self._status: str | None = None

    def changed(self) -> None:
        """Something may have been committed: read again."""
        try:
            self._on_change()
        except Exception:
            log.exception("on_change failed")

    def status(self, message: str | None) -> None:
        """What is wrong with the database now (None: nothing), told once per change."""
        if message == self._status:
            return
        self._status = message
        if self._on_status is not None:
            try:
                self._on_status(message)
            except Exception:
                log.exception("on_status failed")
