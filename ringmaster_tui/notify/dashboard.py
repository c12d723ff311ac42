"""The dashboard's notifier, made from its settings: the notify command and the terminal
notifications for what arrives while it runs. Nothing here may stop the dashboard: a
problem is reported (and logged) and the dashboard goes on without notifications."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from ringmaster_tui.config import Settings
from ringmaster_tui.notify.command import BadCommand, NotifyCommand
from ringmaster_tui.notify.delivery import Report
from ringmaster_tui.notify.events import Event
from ringmaster_tui.notify.notifier import NoNotifiedViews, Notifier
from ringmaster_tui.notify.terminal import notification
from ringmaster_tui.sources.base import Source

log = logging.getLogger(__name__)

Write = Callable[[tuple[str, ...]], object]
"""Writes escape sequences to the terminal (told from the notifier's thread)."""


def dashboard_notifier(
    source: Source,
    settings: Settings,
    clock: Callable[[], datetime],
    *,
    report: Report,
    write_terminal: Write,
) -> Notifier | None:
    """None when no notification was asked for, or none can be given (reported)."""
    if not settings.notifies:
        return None
    style = settings.notify_terminal

    def on_new(events: list[Event], first: bool) -> None:
        # What is there when the dashboard opens is on the screen already; the command
        # alone hears of it (once: the memory of what was notified says so).
        if style is not None and not first:
            write_terminal(tuple(notification(e.title(), e.text, style) for e in events))

    try:
        command = (
            NotifyCommand.parse(settings.notify_command, settings.notify_timeout)
            if settings.notify_command
            else None
        )
        return Notifier(
            source,
            severity=settings.notify_severity,
            command=command,
            report=report,
            on_new=on_new,
            clock=clock,
        )
    except (BadCommand, NoNotifiedViews) as exc:
        log.warning("no notifications: %s", exc)
        report(f"no notifications: {exc}")
        return None
