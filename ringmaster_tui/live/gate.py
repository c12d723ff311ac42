"""The refresh gate: reload requests coalesced, at most one load in flight and one pending."""

from __future__ import annotations

import threading


class RefreshGate:
    """Coalesces reload requests: at most one load in flight and one pending, at any rate.

    A pure state machine (a lock; no threads, no timers), used like this:

        if gate.request():       # a change was seen; True: start a loader now
            start_loader()

        def loader():            # on a worker thread
            while True:
                gate.begin()     # before the load's read transaction starts
                load()
                if not gate.done():
                    break        # False: nothing asked for since begin()

    Requests that arrive before `begin()` are covered by the load that follows it; those
    that arrive during the load make `done()` ask for exactly one more. A loader that
    never calls `begin()` stays correct, at the cost of an occasional extra load.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy = False  # a load is scheduled or running
        self._dirty = False  # a request came in that the current load may not cover

    def request(self) -> bool:
        """A change was seen. True: the caller must start a load; False: one will run."""
        with self._lock:
            if self._busy:
                self._dirty = True
                return False
            self._busy = True
            self._dirty = False
            return True

    def begin(self) -> None:
        """A load starts now: it sees every change requested so far."""
        with self._lock:
            self._busy = True
            self._dirty = False

    def done(self) -> bool:
        """A load ended. True: the caller must load again (begin() first)."""
        with self._lock:
            if self._dirty:
                self._dirty = False
                return True
            self._busy = False
            return False

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._busy
