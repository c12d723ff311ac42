"""What is an event, read through the real source: pending decisions and unacknowledged
alerts at or above the severity, each with the payload the command reads."""

from __future__ import annotations

from pathlib import Path

from ringmaster_tui.domain.capabilities import Capabilities, ViewOffer
from ringmaster_tui.notify.events import events_in, severity_rank, watch_query
from ringmaster_tui.notify.notifier import Notifier
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW, DbBuilder, ago


def test_severities_rank_most_severe_first_unknown_as_info() -> None:
    ranks = [severity_rank(s) for s in ("critical", "error", "warning", "info", "weird", None)]
    assert ranks == [0, 1, 2, 3, 3, 3]


def test_only_the_lists_a_source_offers_are_read() -> None:
    both = Capabilities(views=(ViewOffer("board", "Board"), ViewOffer("alerts", "Alerts")))
    query = watch_query(both)
    assert query is not None and query.lists == frozenset({"alerts"})
    assert watch_query(Capabilities(views=(ViewOffer("board", "Board"),))) is None


def test_events_and_their_payloads(tmp_path: Path) -> None:
    b = DbBuilder(tmp_path / "loops.db")
    card = b.card(b.project("alpha"), "Implement login", "coding")
    soon = b.decision(
        "Keep the retry?",
        ["keep", {"label": "drop"}],
        default_option="keep",
        card_id=card,
        requested_at=ago(minutes=55),
        timeout_minutes=60,
    )
    broken = b.decision("Broken options", "[not json", timeout_minutes=None)
    b.decision("Settled", ["a"], status="decided", choice="a")
    critical = b.alert("builder down", "critical", card_id=card)
    b.alert("acknowledged", "critical", acknowledged=1)
    warning = b.alert("slow", "warning")
    info = b.alert("fyi", "info")
    b.close()
    source = open_source(tmp_path / "loops.db", read_only=True, user="ann")
    try:
        query = watch_query(source.capabilities)
        assert query is not None
        snapshot = source.snapshot(query, NOW)
        found = {
            e.id: e
            for e in events_in(snapshot, NOW, source_kind=source.kind, database=source.label)
        }
        assert set(found) == {soon, broken, critical}
        p = found[soon].payload
        assert p["options"] == ["keep", "drop"] and p["default"] == "keep"
        assert p["time_left_seconds"] == 300
        assert p["deadline"] == "2026-01-15T12:05:00+00:00"
        assert p["card_id"] == card and p["card_title"] == "Implement login"
        assert found[broken].payload["options"] is None
        assert found[broken].payload["options_raw"] == "[not json"
        assert found[broken].payload["time_left_seconds"] is None
        assert "options (unparsed): [not json" in found[broken].line()
        assert found[critical].payload["severity"] == "critical"
        assert found[critical].line() == f"alert critical {critical}: builder down · card: {card}"
        assert found[soon].line() == (
            f"decision {soon}: Keep the retry? · options: keep | drop · default: keep"
            f" · time left: 5m00s · card: {card}"
        )
        milder = events_in(
            snapshot, NOW, severity="info", source_kind=source.kind, database=source.label
        )
        assert {e.id for e in milder} == {soon, broken, critical, warning, info}
    finally:
        source.close()


def test_a_notifier_finds_what_the_previous_read_had_not(tmp_path: Path) -> None:
    b = DbBuilder(tmp_path / "loops.db")
    first = b.decision("First", ["a"])
    source = open_source(tmp_path / "loops.db", read_only=True, user="ann")
    told: list[tuple[list[str], bool]] = []
    notifier = Notifier(
        source, on_new=lambda events, was_first: told.append(([e.id for e in events], was_first))
    )
    try:
        assert [e.id for e in notifier.check()] == [first]
        assert notifier.check() == []
        second = b.decision("Second", ["a"])
        b.conn.execute("UPDATE decisions SET status = 'decided' WHERE id = ?", (first,))
        assert [e.id for e in notifier.check()] == [second]
        assert told == [([first], True), ([second], False)]
    finally:
        notifier.close()
        source.close()
        b.close()
