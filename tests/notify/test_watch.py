"""`watch` as a real process on a WAL database that this test writes meanwhile (another
process, as an orchestrator would), with a real notify command."""

from __future__ import annotations

import io
import json
import signal
import sqlite3
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from ringmaster_tui import commands
from ringmaster_tui.cli import main
from ringmaster_tui.domain.capabilities import Capabilities
from ringmaster_tui.notify.command import NotifyCommand
from ringmaster_tui.notify.watch import watch
from ringmaster_tui.sources.registry import open_source
from tests.builders import DbBuilder
from tests.notify.helpers import Script, process_gone, wait_until
from tests.notify.watching import WatchProcess


def hostile_summary(tmp_path: Path) -> str:
    """Escape sequences (retitle, clipboard, CSI in 8 bits), a line break, a lone CR, a
    bidi override, quotes, and shell that leaves a mark if anything ever runs it."""
    return (
        "Pick \x1b]2;pwned\x07\x1b]52;c;aGk=\x1b\\ one\nsecond line\r\x9b31m \u202eevil "
        f"$(rm -rf ~) `touch {tmp_path / 'backtick-ran'}` $(touch {tmp_path / 'dollar-ran'}) "
        "'single' \"double\" ; | & >"
    )


@pytest.fixture
def db(tmp_path: Path) -> DbBuilder:
    builder = DbBuilder(tmp_path / "loops.db")
    builder.project("alpha")
    return builder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The watcher's HOME: a shell running `$(rm -rf ~)` would empty it."""
    path = tmp_path / "home"
    path.mkdir()
    (path / "canary").write_text("still here")
    return path


def test_the_database_is_in_wal_mode(db: DbBuilder) -> None:
    with closing(sqlite3.connect(db.path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_each_new_decision_and_critical_alert_once_with_hostile_text_only_on_stdin(
    db: DbBuilder, recorder: Script, state_home: Path, home: Path, tmp_path: Path
) -> None:
    card = db.card("project-alpha", "Implement login", "coding")
    hostile = hostile_summary(tmp_path)
    with WatchProcess(db.path, "--notify-command", recorder.command, env={"HOME": str(home)}) as w:
        w.ready()
        decision = db.decision(hostile, ["keep", "revert"], default_option="keep", card_id=card)
        critical = db.alert("disk full on builder-2", "critical")
        db.alert("a warning is below the default severity", "warning")
        wait_until(lambda: len(recorder.records()) == 2)
        w.wait_for_out(critical)
        # More commits, nothing new to notify: the same two are not notified again.
        db.alert("another warning", "warning")
        db.update_card(card, title="Implement login v2")
        late = db.alert("the second critical alert", "critical")
        wait_until(lambda: len(recorder.records()) == 3)
        assert w.stop() == 0

    records = recorder.records()
    payloads = [json.loads(str(r["stdin"])) for r in records]
    assert [(p["kind"], p["id"]) for p in payloads] == [
        ("decision", decision),
        ("alert", critical),
        ("alert", late),
    ]
    first = payloads[0]
    assert first["summary"] == hostile  # exactly the stored text, JSON-escaped on stdin
    assert first["options"] == ["keep", "revert"]
    assert first["default"] == "keep"
    assert first["card_id"] == card
    assert first["card_title"] == "Implement login"
    assert first["source"] == "ringmaster"
    assert first["database"] == str(db.path)
    assert isinstance(first["time_left_seconds"], int)
    # The command line is what the user wrote, not one word from the database.
    for record in records:
        assert record["argv"][1:] == [str(recorder.log)]  # type: ignore[index]
    assert not (tmp_path / "backtick-ran").exists()
    assert not (tmp_path / "dollar-ran").exists()
    assert (home / "canary").read_text() == "still here"

    decision_lines = [line for line in w.out if f"decision {decision}" in line]
    assert len(decision_lines) == 1
    line = decision_lines[0]
    assert "␛]2;pwned␇" in line and "↵second line" in line
    assert "options: keep | revert" in line and f"card: {card}" in line
    for raw in ("\x1b", "\x07", "\x9b", "\r", "\n", "\u202e"):
        assert raw not in "".join(w.out)
    assert not any("warning" in line for line in w.out)
    assert sum(critical in line for line in w.out) == 1


def test_nothing_is_notified_twice_across_a_restart(
    db: DbBuilder, recorder: Script, state_home: Path
) -> None:
    before = db.decision("Which queue?", ["fifo", "lifo"])
    alert = db.alert("builder down", "critical")
    with WatchProcess(db.path, "--notify-command", recorder.command) as w:
        w.ready()
        wait_until(lambda: len(recorder.records()) == 2)
        assert w.stop() == 0

    with WatchProcess(db.path, "--notify-command", recorder.command) as w:
        w.ready()
        # Printed again (this run has not shown them), notified not again.
        w.wait_for_out(f"decision {before}")
        w.wait_for_out(alert)
        after = db.decision("Merge now?", ["yes", "no"])
        wait_until(lambda: len(recorder.records()) == 3)
        assert w.stop(signal.SIGINT) == 0

    ids = [p["id"] for p in recorder.payloads()]
    assert sorted(ids[:2]) == sorted([before, alert]) and ids[2] == after
    state = json.loads((state_home / "ringmaster-tui" / "notified.json").read_text())
    assert set(state["notified"][str(db.path.resolve())]) == {
        f"decision:{before}",
        f"alert:{alert}",
        f"decision:{after}",
    }


def test_a_failing_command_is_reported_once_and_the_watch_goes_on(
    db: DbBuilder, failing: Script, state_home: Path
) -> None:
    with WatchProcess(db.path, "--notify-command", failing.command) as w:
        w.ready()
        db.decision("First", ["a"])
        w.wait_for_err("the notify command failed")
        db.decision("Second", ["a"])
        db.alert("Third", "critical")
        wait_until(lambda: len(failing.records()) == 3)
        assert w.stop() == 0
    reports = [line for line in w.err if "failed" in line]
    assert len(reports) == 1, w.err
    assert "python failed (exit status 3): webhook said 503" in reports[0]
    assert len(w.out) == 3


def test_a_hanging_command_is_killed_at_its_bound_with_what_it_started(
    db: DbBuilder, hanging: Script, state_home: Path
) -> None:
    args = ("--notify-command", hanging.command, "--notify-timeout", "1.5")
    with WatchProcess(db.path, *args) as w:
        w.ready()
        db.decision("First", ["a"])
        db.decision("Second", ["a"])
        w.wait_for_err("sh did not finish within 1.5 s; killed")
        # The second runs once the first was killed: one hung command blocks no others.
        wait_until(lambda: len(hanging.lines()) == 2)
        pids = [int(pid) for line in hanging.lines() for pid in line.split()]
        wait_until(lambda: all(process_gone(pid) for pid in pids))
        assert w.stop() == 0
    assert sum("did not finish" in line for line in w.err) == 1


def test_sigterm_while_a_command_hangs_exits_cleanly_and_kills_it(
    db: DbBuilder, hanging: Script, state_home: Path
) -> None:
    with WatchProcess(db.path, "--notify-command", hanging.command) as w:
        w.ready()
        db.decision("Stuck", ["a"])
        wait_until(lambda: len(hanging.lines()) == 1)
        assert w.stop() == 0
    pids = [int(pid) for pid in hanging.lines()[0].split()]
    wait_until(lambda: all(process_gone(pid) for pid in pids))
    assert "Stopped." in w.err


class InProcessWatch:
    """watch() on a thread of this process, stopped by its event (no signals there)."""

    def __init__(self, db: Path, severity: str = "critical", command: str | None = None) -> None:
        self.source = open_source(db, read_only=True, user="watch")
        self.out, self.err = io.StringIO(), io.StringIO()
        self.stop = threading.Event()
        self.code: list[int] = []
        notify = NotifyCommand.parse(command) if command else None
        self.thread = threading.Thread(
            target=lambda: self.code.append(
                watch(
                    self.source,
                    severity=severity,
                    command=notify,
                    out=self.out,
                    err=self.err,
                    stop=self.stop,
                )
            )
        )
        self.thread.start()

    def lines(self) -> list[str]:
        return self.out.getvalue().splitlines()

    def end(self) -> int:
        self.stop.set()
        self.thread.join(20)
        self.source.close()
        return self.code[0]


def test_notify_severity_takes_milder_alerts_too(
    db: DbBuilder, recorder: Script, state_home: Path
) -> None:
    kept = [db.alert("warned", "warning"), db.alert("erred", "error")]
    db.alert("just so you know", "info")
    w = InProcessWatch(db.path, "warning", recorder.command)
    try:
        wait_until(lambda: len(recorder.records()) == 2)
        marker = db.alert("critical, to know the first read is done", "critical")
        wait_until(lambda: len(recorder.records()) == 3)
    finally:
        assert w.end() == 0
    assert sorted(p["id"] for p in recorder.payloads()) == sorted([*kept, marker])
    assert len(w.lines()) == 3


def test_watch_without_a_command_prints_and_remembers_nothing(
    db: DbBuilder, state_home: Path
) -> None:
    w = InProcessWatch(db.path)
    try:
        wait_until(lambda: "Watching" in w.err.getvalue())
        decision = db.decision("Print me", ["a", "b"])
        wait_until(lambda: any(f"decision {decision}: Print me" in line for line in w.lines()))
    finally:
        assert w.end() == 0
    assert w.err.getvalue().endswith("Stopped.\n")
    assert not (state_home / "ringmaster-tui" / "notified.json").exists()


def test_a_command_that_cannot_be_split_is_one_line_and_exit_1(
    db: DbBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["watch", str(db.path), "--notify-command", "notify 'unclosed"]) == 1
    assert capsys.readouterr().err == (
        'ringmaster-tui: --notify-command "notify \'unclosed": No closing quotation\n'
    )


def test_a_source_without_decisions_or_alerts_is_refused(
    db: DbBuilder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_open = commands.open_source

    def without_lists(*args: Any, **kwargs: Any) -> Any:
        source = real_open(*args, **kwargs)
        board_only = Capabilities(views=source.capabilities.views[:1])
        monkeypatch.setattr(source, "capabilities", board_only)
        return source

    monkeypatch.setattr(commands, "open_source", without_lists)
    assert main(["watch", str(db.path)]) == 1
    assert "this kind of database has no decisions or alerts" in capsys.readouterr().err
