"""`watch`: no UI. Follows the database through its source's change feed, prints one
line per new pending decision or alert, runs the notify command for each, and stops
cleanly on SIGTERM or SIGINT (for a server, a systemd unit, a tmux pane)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import TextIO

from ringmaster_tui.domain.timefmt import utc_now
from ringmaster_tui.notify.command import NotifyCommand
from ringmaster_tui.notify.events import Event, severity_rank
from ringmaster_tui.notify.notifier import Notifier
from ringmaster_tui.notify.state import NotifiedState
from ringmaster_tui.sources.base import Source
from ringmaster_tui.ui.safe_text import make_visible

log = logging.getLogger(__name__)

# A read that failed (a lock, a replaced file) is tried again this often, as the
# dashboard does: what cleared it need not touch the files the feed watches.
RETRY_SECONDS = 1.0
# The main thread wakes this often anyway, so a signal is acted on promptly.
WAKE_SECONDS = 0.5


def _stamp() -> str:
    return utc_now().strftime("%Y-%m-%d %H:%M:%S")


def watch(
    source: Source,
    *,
    severity: str,
    command: NotifyCommand | None,
    state: NotifiedState | None = None,
    out: TextIO,
    err: TextIO,
    stop: threading.Event | None = None,
) -> int:
    """Run until `stop` is set (SIGTERM and SIGINT set it); the exit code (0)."""
    stop = stop or threading.Event()
    changed = threading.Event()

    def say(stream: TextIO, text: str) -> None:
        try:
            print(text, file=stream, flush=True)
        except (BrokenPipeError, ValueError):  # the reader went (`watch | head -1`): stop
            stop.set()
            changed.set()

    def report(problem: str) -> None:
        say(err, make_visible(f"{_stamp()} {problem}"))

    def on_new(events: list[Event], first: bool) -> None:
        for event in events:
            say(out, f"{_stamp()} {event.line()}")

    notifier = Notifier(
        source, severity=severity, command=command, state=state, report=report, on_new=on_new
    )
    feed_problem: list[str | None] = [None]

    def on_status(problem: str | None) -> None:
        if problem != feed_problem[0]:
            feed_problem[0] = problem
            report(problem or f"{source.label} is readable again")
        changed.set()

    feed = source.change_feed(changed.set, on_status)
    # Before the banner: whoever waits for it may signal at once.
    restore = _stop_on_signals(stop, changed)
    failing: str | None = None
    try:
        alerts = (
            f"alerts at or above {severity}" if severity_rank(severity) > 0 else "critical alerts"
        )
        say(
            err,
            make_visible(
                f"Watching {source.label} for pending decisions and {alerts}"
                f"{'; notifying with ' + command.name if command else ''}"
                " (SIGTERM or Ctrl-C stops)"
            ),
        )
        feed.start()
        changed.set()  # the first read now, whatever the feed does first
        while not stop.is_set():
            woken = changed.wait(RETRY_SECONDS if failing else WAKE_SECONDS)
            if not woken and not failing:
                continue
            if stop.is_set():
                break
            changed.clear()
            try:
                notifier.check()
            except Exception as exc:  # a lock, a replaced file: said once, tried again
                log.exception("reading for notifications failed")
                problem = (str(exc).splitlines() or [type(exc).__name__])[0]
                if problem != failing:
                    report(f"cannot read {source.label}: {problem}")
                failing = problem
            else:
                if failing:
                    report(f"{source.label} is readable again")
                failing = None
    finally:
        restore()
        feed.stop()
        notifier.close()
    say(err, "Stopped.")
    return 0


def _stop_on_signals(stop: threading.Event, changed: threading.Event) -> Callable[[], None]:
    """SIGTERM and SIGINT set `stop` (and wake the loop); the previous handlers back."""

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()
        changed.set()

    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # signals reach the main thread alone (tests drive `stop`)
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore
