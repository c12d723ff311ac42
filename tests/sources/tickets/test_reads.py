"""What the ticket source reads: lanes from the plans, cards with their facts, the
workers, problems and events views, a ticket's detail, and bad data read calmly."""

from __future__ import annotations

import os
from pathlib import Path

from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.domain.views import FactKind, SectionedDetail
from ringmaster_tui.domain.workflow import OTHER_LANE
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.tickets.source import TicketsSource
from tests.builders import NOW
from tests.sources.tickets.builders import GONE_PID, TicketsBuilder

ALL_LISTS = BoardQuery(lists=frozenset({"loops", "problems", "events"}))


def lanes(snapshot: Snapshot) -> dict[str, list[str]]:
    return {lane.name: [card.id for card in lane.cards] for lane in snapshot.lanes}


def test_lanes_are_the_stages_in_merged_plan_order(source: TicketsSource) -> None:
    # alpha plans reviewer before tester, beta the other way round: alpha is seen first.
    assert source.workflow.lane_names == (
        "Planned",
        "planner",
        "coder",
        "reviewer",
        "tester",
        "Done",
        "Closed",
    )


def test_each_ticket_waits_in_the_lane_of_its_next_stage(source: TicketsSource) -> None:
    board = lanes(source.snapshot(BoardQuery(), NOW))
    assert board == {
        "Planned": ["A-6"],
        "planner": ["A-1"],
        "coder": ["A-2"],
        "reviewer": ["A-3", "B-2"],  # newest update first
        "tester": ["B-1"],
        "Done": ["A-4"],
        "Closed": ["A-5"],
        OTHER_LANE: ["B-3", "B-4"],
    }


def test_unknown_stage_and_broken_plan_say_so_in_other(source: TicketsSource) -> None:
    snapshot = source.snapshot(BoardQuery(), NOW)
    other = next(lane for lane in snapshot.lanes if lane.name == OTHER_LANE)
    states = {card.id: card.state for card in other.cards}
    assert states == {"B-3": "plan unreadable", "B-4": "designer (not in plan)"}
    broken = next(card for card in other.cards if card.id == "B-3")
    assert "plan?" in [fact.text for fact in broken.facts]


def test_a_card_shows_its_id_progress_age_and_worker(source: TicketsSource) -> None:
    snapshot = source.snapshot(BoardQuery(), NOW)
    card = next(c for lane in snapshot.lanes for c in lane.cards if c.id == "A-2")
    ticket_id, progress, age, worker = card.facts
    assert ticket_id.text == "A-2"
    assert (progress.kind, progress.number, progress.total) == (FactKind.PROGRESS, 1, 4)
    assert (age.kind, age.number) == (FactKind.DURATION, 20 * 60)
    assert (worker.label, worker.text) == ("@", "coder-1")
    # tester-3's queue names B-1 and it is a tester: B-1 waits for the tester.
    b1 = next(c for lane in snapshot.lanes for c in lane.cards if c.id == "B-1")
    assert b1.facts[-1].text == "tester-3"
    # reviewer-2 is idle: nobody is on A-3.
    a3 = next(c for lane in snapshot.lanes for c in lane.cards if c.id == "A-3")
    assert len(a3.facts) == 3


def test_totals_count_tickets_and_active_workers(source: TicketsSource) -> None:
    totals = source.snapshot(BoardQuery(), NOW).totals
    assert (totals.cards, totals.active_loops) == (10, 2)
    assert totals.unresolved_errors is None and totals.pending_decisions is None


def test_the_filter_and_the_project_narrow_the_board(source: TicketsSource) -> None:
    found = lanes(source.snapshot(BoardQuery(text="REFUND"), NOW))
    assert [c for cards in found.values() for c in cards] == ["B-2"]
    by_id = lanes(source.snapshot(BoardQuery(text="a-4"), NOW))
    assert [c for cards in by_id.values() for c in cards] == ["A-4"]
    beta = source.snapshot(BoardQuery(project_id="beta"), NOW)
    assert {c.project_id for lane in beta.lanes for c in lane.cards} == {"beta"}
    assert sum(lane.count for lane in beta.lanes) == 4
    assert [p.id for p in beta.projects] == ["alpha", "beta"]


def test_a_lane_reads_only_its_depth_but_counts_all(tickets_db: Path) -> None:
    b = TicketsBuilder(tickets_db)
    for n in range(30):
        b.ticket(
            f"C-{n:02d}",
            "alpha",
            f"Bulk {n}",
            ["planner", "coder"],
            updated_at=f"2026-01-14 0{n % 10}:00:{n:02d}",
        )
    b.close()
    source = open_source(tickets_db, user="ann")
    try:
        planner = next(
            lane
            for lane in source.snapshot(BoardQuery(per_lane=5), NOW).lanes
            if lane.name == "planner"
        )
    finally:
        source.close()
    assert planner.count == 31 and len(planner.cards) == 5


def test_workers_view_lists_every_worker_with_pid_and_stall(source: TicketsSource) -> None:
    table = source.snapshot(ALL_LISTS, NOW).tables["loops"]
    assert table.total == 6
    rows = {row.id: row for row in table.rows}
    # Last heard from first.
    assert list(rows) == ["coder-1", "coder-5", "reviewer-2", "tester-3", "coder-9", "planner-4"]
    coder = rows["coder-1"].cells
    assert coder["type"].text == "coder" and coder["status"].text == "active"
    assert coder["pid"].text == f"{os.getpid()} alive"
    assert coder["queue"].text == "coder:A-2"
    assert rows["reviewer-2"].cells["pid"].text == f"{GONE_PID} gone"
    assert rows["tester-3"].cells["stalled"].text == "stalled"
    assert rows["coder-1"].cells["stalled"].text == ""
    # A finished or failed worker's pid is not checked: it is history.
    assert rows["coder-9"].cells["pid"].text == str(GONE_PID)
    assert rows["coder-5"].cells["pid"].text is None
    assert "2 active" in table.summary and "1 stalled" in table.summary
    # Enter on a worker opens the ticket its queue names, when there is one.
    assert rows["coder-1"].card_id == "A-2" and rows["reviewer-2"].card_id is None


def test_workers_filter(source: TicketsSource) -> None:
    query = ALL_LISTS.model_copy(update={"view_text": (("loops", "TESTER"),)})
    table = source.snapshot(query, NOW).tables["loops"]
    assert [row.id for row in table.rows] == ["tester-3"]


def test_problems_are_failed_workers_stopped_workers_and_stalled_tickets(
    source: TicketsSource,
) -> None:
    table = source.snapshot(ALL_LISTS, NOW).tables["problems"]
    kinds = [(row.cells["kind"].text, row.cells["subject"].text) for row in table.rows]
    assert kinds == [
        ("worker failed", "coder-9"),
        ("worker stopped", "coder-9"),
        ("ticket stalled", "A-1"),
    ]
    stopped = table.rows[1]
    assert stopped.cells["detail"].text == "exited with code 1: tests failed"
    assert stopped.card_id == "A-3"
    assert table.rows[2].card_id == "A-1" and table.total == 3


def test_events_unprocessed_first(source: TicketsSource) -> None:
    table = source.snapshot(ALL_LISTS, NOW).tables["events"]
    assert [(row.cells["type"].text, row.seen) for row in table.rows] == [
        ("worker_stopped", "unprocessed"),
        ("ticket_stage_completed", "processed"),
    ]
    assert "1 unprocessed" in table.summary


def test_only_the_lists_asked_for_are_read(source: TicketsSource) -> None:
    snapshot = source.snapshot(BoardQuery(lists=frozenset({"events"})), NOW)
    assert set(snapshot.tables) == {"events"}


def test_ticket_detail_has_plan_comments_by_stage_and_events(source: TicketsSource) -> None:
    detail = source.card_detail("A-2", NOW)
    assert isinstance(detail, SectionedDetail)
    assert (detail.id, detail.title, detail.state) == ("A-2", "Add password reset", "coder")
    titles = [section.title for section in detail.sections]
    assert titles == [
        "Ticket",
        "Execution plan (1 of 4 done)",
        "Comments · 1 · planner (1)",
        "Comments · 2 · coder (2)",
        "Events naming it (1)",
    ]
    facts = dict(detail.sections[0].facts)
    assert facts["worker on it"].text == "coder-1"
    plan = detail.sections[1].rows
    assert [(row[1].text, row[2].text) for row in plan] == [
        ("planner", "done"),
        ("coder", "next"),
        ("reviewer", "to do"),
        ("tester", "to do"),
    ]
    coder_thread = detail.sections[3].text or ""
    assert "coder · coder-1" in coder_thread
    assert coder_thread.index("Token model") < coder_thread.index("Email sent")
    assert detail.sections[4].rows[0][1].text == "ticket_stage_completed"


def test_detail_of_a_broken_plan_shows_the_stored_text(source: TicketsSource) -> None:
    detail = source.card_detail("B-3", NOW)
    assert isinstance(detail, SectionedDetail)
    assert detail.sections[1].text == "{not json"
    assert dict(detail.sections[0].facts)["progress"].text == "plan unreadable"
    assert source.card_detail("no-such", NOW) is None


def test_hostile_and_missing_values_read_as_they_are(tickets_db: Path) -> None:
    b = TicketsBuilder(tickets_db)
    hostile = "\x1b]2;owned\x07[bold]x[/bold] " + "long " * 2000
    b.ticket("H-1", "alpha", hostile, ["planner", 3], updated_at="not a time")
    b.comment("A-1", "planner", "p", 99, "\x1b[31mred\x1b[0m")
    b.conn.execute("INSERT INTO comments (ticket_id, content) VALUES ('A-1', 'no stage')")
    b.close()
    source = open_source(tickets_db, user="ann")
    try:
        snapshot = source.snapshot(BoardQuery(), NOW)
        card = next(c for lane in snapshot.lanes for c in lane.cards if c.id == "H-1")
        assert card.title == hostile and card.state == "plan unreadable"
        assert card.updated_at is None
        detail = source.card_detail("A-1", NOW)
        assert isinstance(detail, SectionedDetail)
        titles = [s.title for s in detail.sections]
        assert "Comments · stage 99 (1)" in titles and "Comments · no stage (1)" in titles
    finally:
        source.close()


def test_a_database_without_events_or_projects_says_so(tmp_path: Path) -> None:
    import sqlite3

    from ringmaster_tui.sources.tickets.schema import SEED_DDL

    path = tmp_path / "older.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(SEED_DDL)
    conn.executescript("DROP TABLE events; DROP TABLE projects;")
    conn.execute(
        "INSERT INTO tickets (ticket_id, project_id, title, execution_plan) "
        "VALUES ('X-1', 'gone', 'Orphan', '[\"coder\"]')"
    )
    conn.close()
    source = open_source(path, user="ann")
    try:
        snapshot = source.snapshot(ALL_LISTS, NOW)
        assert snapshot.unavailable == ("projects", "events")
        assert snapshot.projects == ()
        assert snapshot.tables["events"].missing is not None
        assert snapshot.tables["problems"].total == 0
        assert [c.id for lane in snapshot.lanes for c in lane.cards] == ["X-1"]
        detail = source.card_detail("X-1", NOW)
        assert isinstance(detail, SectionedDetail)
        assert detail.sections[-1].empty == "This database has no events table."
    finally:
        source.close()
