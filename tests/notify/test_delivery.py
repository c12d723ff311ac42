"""Delivery when the memory of what was notified cannot be kept: said once, and the
command still runs (a missed decision costs more than a repeated one)."""

from __future__ import annotations

from pathlib import Path

from ringmaster_tui.notify.command import NotifyCommand
from ringmaster_tui.notify.notifier import Notifier
from ringmaster_tui.notify.state import NotifiedState
from ringmaster_tui.sources.registry import open_source
from tests.builders import DbBuilder
from tests.notify.helpers import Script, wait_until


def test_an_unkept_memory_is_reported_once_and_delivery_goes_on(
    tmp_path: Path, recorder: Script
) -> None:
    b = DbBuilder(tmp_path / "loops.db")
    first, second = b.decision("One", ["a"]), b.decision("Two", ["a"])
    (tmp_path / "not-a-directory").write_text("")
    unkept = NotifiedState(tmp_path / "not-a-directory" / "notified.json")
    reports: list[str] = []
    source = open_source(b.path, read_only=True, user="ann")
    notifier = Notifier(
        source, command=NotifyCommand.parse(recorder.command), state=unkept, report=reports.append
    )
    try:
        notifier.check()
        wait_until(lambda: len(recorder.records()) == 2)
    finally:
        notifier.close()
        source.close()
        b.close()
    assert sorted(p["id"] for p in recorder.payloads()) == sorted([first, second])
    assert len(reports) == 1
    assert reports[0].startswith("notifications may repeat after a restart: cannot keep ")
