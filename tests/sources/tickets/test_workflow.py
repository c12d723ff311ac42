"""Lanes from the plans: one stable merged order when projects order stages differently,
and where a ticket stands in its plan."""

from __future__ import annotations

from pathlib import Path

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.workflow import Intent
from ringmaster_tui.sources.registry import create_source_database, open_source
from ringmaster_tui.sources.tickets.kind import TICKETS
from ringmaster_tui.sources.tickets.plan import position
from ringmaster_tui.sources.tickets.workflow import build_workflow, merged_stage_order
from tests.builders import NOW
from tests.sources.tickets.builders import TicketsBuilder


def test_agreeing_plans_merge_into_their_common_order() -> None:
    plans = [("planner", "coder", "tester"), ("coder", "reviewer", "tester"), ("planner", "docs")]
    assert merged_stage_order(plans) == ("planner", "coder", "reviewer", "tester", "docs")


def test_contradicting_plans_follow_the_stage_seen_first() -> None:
    one, other = ("coder", "reviewer", "tester"), ("coder", "tester", "reviewer")
    assert merged_stage_order([one, other]) == ("coder", "reviewer", "tester")
    assert merged_stage_order([other, one]) == ("coder", "tester", "reviewer")
    # Stable: the same plans give the same order every time.
    assert len({merged_stage_order([one, other, one]) for _ in range(5)}) == 1


def test_a_repeated_stage_and_the_fixed_names_do_not_make_lanes_twice() -> None:
    assert merged_stage_order([("coder", "coder", "Closed", "tester")]) == ("coder", "tester")


def test_projects_ordering_stages_differently_share_one_board(tmp_path: Path) -> None:
    path = tmp_path / "orders.db"
    create_source_database(path, TICKETS)
    b = TicketsBuilder(path)
    b.project("web", "designer", "coder", "reviewer")
    b.project("ops", "coder", "deployer")
    b.project("data", "analyst", "coder", "designer")
    b.ticket("W-1", "web", "Landing page", ["designer", "coder", "reviewer"], "designer")
    b.ticket("O-1", "ops", "Rotate keys", ["coder", "deployer"], "coder")
    # data puts the designer after the coder, against web's plan.
    b.ticket("D-1", "data", "Dashboards", ["analyst", "coder", "designer"], "coder")
    b.ticket("D-2", "data", "Cohorts", ["analyst", "coder", "designer"])
    b.close()
    source = open_source(path, user="ann")
    try:
        assert source.workflow.lane_names == (
            "Planned",
            "analyst",
            "coder",  # data (read first: projects by name) puts it before the designer
            "designer",
            "deployer",
            "reviewer",
            "Done",
            "Closed",
        )
        snapshot = source.snapshot(BoardQuery(), NOW)
        board = {lane.name: [c.id for c in lane.cards] for lane in snapshot.lanes}
        # Each ticket waits for its own plan's next stage, whatever the lanes' order.
        assert board["coder"] == ["W-1"]
        assert board["deployer"] == ["O-1"]
        assert board["designer"] == ["D-1"]
        assert board["analyst"] == ["D-2"]
    finally:
        source.close()


def test_worker_types_no_plan_names_yet_get_lanes_after_the_planned_ones(tmp_path: Path) -> None:
    path = tmp_path / "types.db"
    create_source_database(path, TICKETS)
    b = TicketsBuilder(path)
    b.project("web", "security", "coder")
    b.ticket("W-1", "web", "Landing page", ["coder"])
    b.close()
    source = open_source(path, user="ann")
    try:
        assert source.workflow.lane_names[1:3] == ("coder", "security")
    finally:
        source.close()


def test_positions() -> None:
    plan = '["planner", "coder"]'
    assert position(plan, "Planned", closed=False).state == "planner"
    assert position(plan, "planner", closed=False).state == "coder"
    assert position(plan, "coder", closed=False).state == "Done"
    assert position(plan, "coder", closed=True).state == "Closed"
    assert position("[]", "Planned", closed=False).state == "Planned"
    assert position('{"a": 1}', "Planned", closed=False).state == "plan unreadable"
    assert position(plan, "tester", closed=False).state == "tester (not in plan)"
    at = position(plan, "planner", closed=False)
    assert (at.done, at.total, at.next_stage, at.next_number) == (1, 2, "coder", 2)


def test_the_moves_and_their_keys() -> None:
    workflow = build_workflow(("planner", "coder"))
    comment = workflow.move_for(Intent.COMMENT, "coder")
    assert comment is not None and comment.to_state == "coder" and comment.asks
    close = workflow.move_for(Intent.ARCHIVE, "Done")
    assert close is not None and close.to_state == "Closed"
    assert workflow.move_for(Intent.ARCHIVE, "Closed") is None
    reopen = workflow.move_for(Intent.APPROVE, "Closed")
    assert reopen is not None and reopen.trigger == "reopen"
    back = workflow.move_for(Intent.REJECT, "coder")
    assert back is not None and back.pick_target and back.asks
    assert workflow.move_for(Intent.REJECT, "Planned") is None
