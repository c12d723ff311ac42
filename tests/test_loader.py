"""The loader reads what the dashboard shows, in order, bounded, from indexes."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import event
from sqlalchemy.engine.interfaces import CacheStats

from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.domain.values import JsonText
from ringmaster_tui.engines.text import register_text_functions
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.ringmaster.sim.demo import create_demo_database
from tests.builders import NOW, DbBuilder, ago, build_standard_board

T = TypeVar("T")


@pytest.fixture
def board(tmp_path: Path) -> Source:
    build_standard_board(tmp_path / "board.db").close()
    return open_source(tmp_path / "board.db", user="tester")


def lane(snapshot: Snapshot, name: str) -> list[str]:
    return [c.title for c in next(x for x in snapshot.lanes if x.name == name).cards]


def test_lanes_in_board_order_with_counts(board: Source) -> None:
    snapshot = board.snapshot(BoardQuery(), NOW)

    assert [(x.name, x.count) for x in snapshot.lanes] == [
        ("DRAFT", 2),
        ("PLANNING", 2),
        ("CODING", 2),
        ("REVIEW", 2),
        ("TESTING", 1),
        ("BUILD", 2),
        ("DEPLOY", 1),
        ("DONE", 1),
        ("FAILED", 1),
    ]
    assert "Old news" not in {c.title for x in snapshot.lanes for c in x.cards}


def test_cards_by_priority_then_recency_across_a_lanes_states(tmp_path: Path) -> None:
    b = DbBuilder(tmp_path / "order.db")
    p = b.project()
    b.card(p, "low, recent", "building", priority=1, updated_at=ago(minutes=1))
    b.card(p, "high, old", "build_queue", priority=9, updated_at=ago(days=3))
    b.card(p, "low, old", "build_failed", priority=1, updated_at=ago(days=1))
    b.card(p, "high, recent", "build_success", priority=9, updated_at=ago(minutes=5))
    b.close()

    snapshot = open_source(b.path, user="t").snapshot(BoardQuery(), NOW)

    assert lane(snapshot, "BUILD") == ["high, recent", "high, old", "low, recent", "low, old"]


def test_per_lane_limit_keeps_the_count_whole(tmp_path: Path) -> None:
    b = DbBuilder(tmp_path / "many.db")
    p = b.project()
    for i in range(30):
        b.card(p, f"card {i:02d}", "coding" if i % 2 else "error_fixing", priority=i)
    b.close()

    snapshot = open_source(b.path, user="t").snapshot(BoardQuery(per_lane=5), NOW)

    coding = next(x for x in snapshot.lanes if x.name == "CODING")
    assert coding.count == 30
    assert [c.title for c in coding.cards] == [f"card {i:02d}" for i in (29, 28, 27, 26, 25)]
    assert snapshot.totals.active_loops == 30


def test_a_lane_read_deeper_than_the_others(tmp_path: Path) -> None:
    b = DbBuilder(tmp_path / "many.db")
    p = b.project()
    for i in range(30):
        b.card(p, f"card {i:02d}", "coding" if i % 2 else "error_fixing", priority=i)
        b.card(p, f"draft {i:02d}", priority=i)
    b.close()

    query = BoardQuery(per_lane=5, lane_depths=(("CODING", 12),))
    snapshot = open_source(b.path, user="t").snapshot(query, NOW)

    # Both of the lane's states are read as deep as the lane, then merged.
    assert lane(snapshot, "CODING") == [f"card {i:02d}" for i in range(29, 17, -1)]
    assert lane(snapshot, "DRAFT") == [f"draft {i:02d}" for i in range(29, 24, -1)]


def test_marks_errors_and_blockers(board: Source) -> None:
    snapshot = board.snapshot(BoardQuery(), NOW)
    coding = {c.title: c for c in next(x for x in snapshot.lanes if x.name == "CODING").cards}

    assert coding["Fix flaky test"].unresolved_errors == 2
    assert coding["Fix flaky test"].blocked is True  # depends on "Implement login" (coding)
    assert coding["Implement login"].unresolved_errors == 0  # its one error is resolved
    assert coding["Implement login"].blocked is False  # depends on "Shipped" (completed)


def test_text_filter_matches_title_and_description(board: Source, tmp_path: Path) -> None:
    conn = sqlite3.connect(board.engine.path)
    conn.execute("UPDATE cards SET description = 'uses 100% of the CPU' WHERE title = 'Deploying'")
    conn.commit()

    by_title = board.snapshot(BoardQuery(text="REVIEW"), NOW)
    by_description = board.snapshot(BoardQuery(text="100%"), NOW)
    wildcard_is_literal = board.snapshot(BoardQuery(text="_"), NOW)

    assert [c.title for x in by_title.lanes for c in x.cards] == [
        "Review me",
        "Review without PR",
    ]
    assert [c.title for x in by_description.lanes for c in x.cards] == ["Deploying"]
    assert [c.title for x in wildcard_is_literal.lanes for c in x.cards] == []
    # The header's totals do not change with the text filter.
    assert by_title.totals.active_loops == 2


def test_project_filter(board: Source) -> None:
    snapshot = board.snapshot(BoardQuery(project_id="project-beta"), NOW)

    titles = {c.title for x in snapshot.lanes for c in x.cards}
    assert titles == {
        "Fix flaky test",
        "Run the tests",
        "Queued build",
        "Broken build",
        "Deploying",
        "Gave up",
    }
    assert snapshot.totals.unresolved_errors == 2
    assert snapshot.totals.active_loops == 1
    assert [p.name for p in snapshot.projects] == ["alpha", "beta"]


def test_archived_only_when_asked(board: Source) -> None:
    snapshot = board.snapshot(BoardQuery(show_archived=True), NOW)

    assert lane(snapshot, "ARCHIVED") == ["Old news"]


def test_loops_errors_decisions_alerts(board: Source) -> None:
    snapshot = board.snapshot(BoardQuery(), NOW)

    assert [loop.title for loop in snapshot.loops] == ["Implement login", "Fix flaky test"]
    login = snapshot.loops[0]
    assert login.attempt_costs == pytest.approx((0.5, 0.6, 0.7))
    assert login.latest_attempt_status == "completed"
    assert [e.message for e in snapshot.errors] == ["Timeout in CI", "AssertionError: expected 200"]
    assert snapshot.errors[1].attempt_number == 1
    # Least time left first: 15 minutes timeout beats 60.
    assert [d.summary for d in snapshot.decisions] == ["Retry or abandon?", "Pick a database"]
    assert snapshot.decisions[0].deadline == NOW + timedelta(minutes=5)
    assert snapshot.decisions[0].options == ("retry", "abandon")
    assert [a.severity for a in snapshot.alerts] == ["critical", "warning"]


def test_loops_carry_their_card_and_attempt_tokens(board: Source) -> None:
    fixing, login = sorted(board.snapshot(BoardQuery(), NOW).loops, key=lambda loop: loop.title)

    assert login.attempt_tokens == (1000, 2000, 3000)
    assert (fixing.unresolved_errors, fixing.blocked, fixing.project_id) == (
        2,
        True,
        "project-beta",
    )
    card = fixing.card()
    assert (card.id, card.title, card.state, card.priority) == (
        fixing.card_id,
        "Fix flaky test",
        "error_fixing",
        4,
    )


def test_list_filters(board: Source) -> None:
    snapshot = board.snapshot(FILTERED_LISTS, NOW)

    assert [loop.title for loop in snapshot.loops] == ["Fix flaky test"]
    assert [e.message for e in snapshot.errors] == ["Timeout in CI"]
    assert [d.summary for d in snapshot.decisions] == ["Retry or abandon?"]
    assert [a.message for a in snapshot.alerts] == ["Loop stuck for 30 minutes"]
    # The header counts follow the project, never the lists' text filters.
    assert snapshot.totals.unresolved_errors == 2
    by_category = board.snapshot(BoardQuery(error_category="test"), NOW).errors
    assert [e.category for e in by_category] == ["test"]
    # LIKE's wildcards are taken literally.
    assert board.snapshot(BoardQuery(error_text="%"), NOW).errors == ()


def test_project_filter_reaches_decisions_and_alerts(board: Source) -> None:
    snapshot = board.snapshot(BoardQuery(project_id="project-alpha"), NOW)

    assert [d.summary for d in snapshot.decisions] == ["Pick a database"]
    assert snapshot.alerts == ()
    assert snapshot.totals.pending_decisions == 1


def test_urgent_holds_pending_decisions_and_critical_alerts_whatever_the_filters(
    board: Source,
) -> None:
    urgent = board.snapshot(BoardQuery(decision_text="nothing", alert_text="nothing"), NOW).urgent

    assert sorted((u.kind, u.text) for u in urgent) == [
        ("alert", "Loop stuck for 30 minutes"),
        ("decision", "Pick a database"),
        ("decision", "Retry or abandon?"),
    ]


def test_error_and_decision_in_full(board: Source) -> None:
    conn = sqlite3.connect(board.engine.path)
    conn.execute(
        "UPDATE errors SET stack_trace = ?, context = ? WHERE message = 'Timeout in CI'",
        ("Traceback (most recent call last):\n  ...", '{"job": 7'),
    )
    conn.execute(
        "UPDATE decisions SET context = ?, comment = ? WHERE summary = 'Old question'",
        ('{"why": "speed"}', "a is faster"),
    )
    conn.commit()
    error_id, decision_id = (
        conn.execute("SELECT id FROM errors WHERE message = 'Timeout in CI'").fetchone()[0],
        conn.execute("SELECT id FROM decisions WHERE summary = 'Old question'").fetchone()[0],
    )

    error = board.error_detail(error_id, NOW)
    decision = board.decision_detail(decision_id, NOW)

    assert error is not None
    assert error.error.message == "Timeout in CI"
    assert error.stack_trace is not None and error.stack_trace.startswith("Traceback")
    assert error.context == JsonText(broken='{"job": 7')
    assert decision is not None
    assert (decision.decision.status, decision.decision.choice) == ("decided", "a")
    assert (decision.context, decision.comment) == (JsonText(value={"why": "speed"}), "a is faster")
    assert board.error_detail("no-such-error", NOW) is None
    assert board.decision_detail("no-such-decision", NOW) is None


def test_settled_decisions_and_acknowledged_alerts_on_request(board: Source) -> None:
    snapshot = board.snapshot(BoardQuery(show_decided=True, show_acknowledged=True), NOW)

    assert [d.status for d in snapshot.decisions] == ["pending", "pending", "decided"]
    assert [a.acknowledged for a in snapshot.alerts] == [False, False, True]


def test_broken_json_options_are_kept_raw(tmp_path: Path) -> None:
    b = DbBuilder(tmp_path / "json.db")
    b.decision("Broken", '["a", "b"', default_option="a")
    b.decision("Objects", '[{"label": "Keep"}, {"value": "Drop"}, 3]')
    b.close()

    decisions = open_source(b.path, user="t").snapshot(BoardQuery(), NOW).decisions

    broken = next(d for d in decisions if d.summary == "Broken")
    assert broken.options is None
    assert broken.options_raw == '["a", "b"'
    assert next(d for d in decisions if d.summary == "Objects").options == ("Keep", "Drop", "3")


def test_database_without_coordination_tables(board: Source) -> None:
    conn = sqlite3.connect(board.engine.path)
    conn.execute("DROP TABLE decisions")
    conn.execute("DROP TABLE alerts")
    conn.commit()

    snapshot = board.snapshot(BoardQuery(), NOW)

    assert snapshot.unavailable == ("decisions", "alerts")
    assert snapshot.decisions == ()
    assert snapshot.totals.pending_decisions == 0
    assert snapshot.totals.active_loops == 2


def test_card_detail_has_everything_newest_history_first(board: Source) -> None:
    b = DbBuilder(board.engine.path)
    b.transition("card-8", "planning", "coding", trigger="approve_plan", created_at=ago(hours=5))
    b.transition("card-8", "draft", "planning", trigger="start_planning", created_at=ago(hours=6))
    b.close()

    detail = board.card_detail("card-8", NOW)

    assert detail is not None
    assert detail.title == "Implement login"
    assert [a.attempt_number for a in detail.attempts] == [3, 2, 1]
    assert [(d.title, d.state) for d in detail.blocked_by] == [("Shipped", "completed")]
    assert [(d.title, d.state) for d in detail.blocks] == [("Fix flaky test", "error_fixing")]
    assert [h.trigger for h in detail.history] == ["approve_plan", "start_planning"]
    assert board.card_detail("no-such-card", NOW) is None


def test_huge_titles_are_cut_in_sql(tmp_path: Path) -> None:
    b = DbBuilder(tmp_path / "huge.db")
    b.card(b.project(), "x" * 100_000, "coding")
    b.close()

    snapshot = open_source(b.path, user="t").snapshot(BoardQuery(), NOW)

    assert len(next(x for x in snapshot.lanes if x.name == "CODING").cards[0].title) == 300


def _sent_by_a_snapshot(
    source: Source, query: BoardQuery, pick: Callable[[str, Any, Any], T | None]
) -> list[T]:
    """What `pick` makes of each statement (text, parameters, execution context) that a
    snapshot of `query` sends; None leaves it out."""
    picked: list[T] = []

    def record(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any, *_: Any
    ) -> None:
        if (item := pick(statement, parameters, context)) is not None:
            picked.append(item)

    event.listen(source.engine.reader, "before_cursor_execute", record)
    try:
        source.snapshot(query, NOW)
    finally:
        event.remove(source.engine.reader, "before_cursor_execute", record)
    return picked


def _refresh_statements(source: Source, query: BoardQuery) -> list[tuple[str, Any]]:
    return _sent_by_a_snapshot(
        source,
        query,
        lambda sql, params, _: (sql, params) if sql.lstrip().upper().startswith("SELECT") else None,
    )


FILTERED_LISTS = BoardQuery(
    project_id="project-beta",
    show_decided=True,
    show_acknowledged=True,
    loop_text="flaky",
    error_text="ci",
    error_category="build",
    decision_text="retry",
    alert_text="stuck",
)


@pytest.mark.parametrize(
    "query",
    [
        BoardQuery(),
        BoardQuery(project_id="project-alpha"),
        BoardQuery(show_decided=True),
        FILTERED_LISTS,
    ],
    ids=["plain", "project", "decided", "filtered-lists"],
)
def test_every_refresh_query_uses_an_index(board: Source, query: BoardQuery) -> None:
    """No query on the refresh path walks a whole table of history."""
    statements = _refresh_statements(board, query)
    assert len(statements) > 10
    conn = sqlite3.connect(board.engine.path)
    register_text_functions(conn)  # the filters fold case as the engine does
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for statement, parameters in statements:
        plan = conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
        for row in plan:
            words = row[3].split()
            # Subqueries are scanned after being built from an index search; tables never.
            if words[0] == "SCAN" and words[1] in tables:
                assert "INDEX" in row[3], f"{row[3]}\n  in {statement}"


def test_same_content_ignores_when_a_snapshot_was_taken_and_nothing_else(
    board: Source, tmp_path: Path
) -> None:
    first = board.snapshot(BoardQuery(), NOW)
    later = board.snapshot(BoardQuery(), NOW + timedelta(seconds=1))
    assert later.same_content(first)

    b = DbBuilder(tmp_path / "board.db")  # a row no view shows: still the same content
    card = first.lanes[0].cards[0].id
    b.insert(
        "prompt_metrics", card_id=card, layer_name="base", tokens_added=5, processing_time_ms=9
    )
    assert board.snapshot(BoardQuery(), NOW).same_content(first)

    b.alert("Disk almost full")  # an alert the header counts: different
    b.close()
    assert not board.snapshot(BoardQuery(), NOW).same_content(first)


@pytest.mark.parametrize("text", ["REVIEW", "100%", "review", "a_b", 'say "hi"', "bi"])
def test_text_filter_same_with_and_without_the_trigram_index(tmp_path: Path, text: str) -> None:
    """The index only narrows what LIKE checks: an orchestrator's database without it,
    scanned, shows the same board."""
    build_standard_board(tmp_path / "board.db").close()
    indexed = open_source(tmp_path / "board.db", user="t").snapshot(BoardQuery(text=text), NOW)
    conn = sqlite3.connect(tmp_path / "board.db")
    conn.executescript(
        "DROP TRIGGER cards_fts_insert; DROP TRIGGER cards_fts_delete; "
        "DROP TRIGGER cards_fts_update; DROP TABLE cards_fts;"
    )
    conn.close()
    scanned = open_source(tmp_path / "board.db", user="t").snapshot(BoardQuery(text=text), NOW)

    assert indexed.lanes == scanned.lanes
    assert indexed.states == scanned.states


def test_only_the_lists_asked_for_are_read(board: Source) -> None:
    everything = board.snapshot(BoardQuery(), NOW)
    board_only = board.snapshot(BoardQuery(lists=frozenset()), NOW)
    loops_only = board.snapshot(BoardQuery(lists=frozenset({"loops"})), NOW)

    assert everything.loops and everything.errors and everything.decisions and everything.alerts
    assert (board_only.loops, board_only.errors, board_only.decisions, board_only.alerts) == (
        (),
        (),
        (),
        (),
    )
    assert board_only.lanes == everything.lanes and board_only.totals == everything.totals
    assert loops_only.loops == everything.loops and loops_only.errors == ()


@pytest.mark.parametrize(
    "query",
    [
        BoardQuery(),
        BoardQuery(show_archived=True),
        BoardQuery(project_id="project-beta"),
        BoardQuery(project_id="project-beta", show_archived=True),
        BoardQuery(project_id="no-such-project"),
    ],
)
def test_counts_by_state_match_a_group_by(tmp_path: Path, query: BoardQuery) -> None:
    """Counting state by state (skipping through the index) finds every state a GROUP BY
    does, states nobody knows and ones sorting before and after all known states too."""
    build_standard_board(tmp_path / "board.db").close()
    conn = sqlite3.connect(tmp_path / "board.db")
    conn.execute("PRAGMA ignore_check_constraints = ON")
    for title, state in (("Fix flaky test", "aaa_first"), ("Gave up", "zzz_last")):
        conn.execute("UPDATE cards SET state = ? WHERE title = ?", (state, title))
    conn.commit()
    where = "WHERE project_id = ?" if query.project_id else ""
    params = (query.project_id,) if query.project_id else ()
    expected = dict(
        conn.execute(f"SELECT state, count(*) FROM cards {where} GROUP BY state", params)
    )
    conn.close()
    if not query.show_archived:
        expected.pop("archived", None)

    snapshot = open_source(tmp_path / "board.db", user="t").snapshot(query, NOW)

    assert snapshot.states == expected
    other = [x for x in snapshot.lanes if x.name == "OTHER"]
    unknown = {"aaa_first", "zzz_last"} & set(expected)
    assert sum(x.count for x in other) == sum(expected[s] for s in unknown)


def test_unchanged_cards_are_the_same_objects_in_the_next_snapshot(tmp_path: Path) -> None:
    b = build_standard_board(tmp_path / "board.db")
    source = open_source(b.path, user="t")
    first = source.snapshot(BoardQuery(), NOW)
    b.conn.execute("UPDATE cards SET title = 'Renamed' WHERE title = 'Fix flaky test'")
    second = source.snapshot(BoardQuery(), NOW)

    before = {c.id: c for x in first.lanes for c in x.cards}
    after = {c.id: c for x in second.lanes for c in x.cards}
    renamed = next(c for c in after.values() if c.title == "Renamed")
    assert before[renamed.id] is not after[renamed.id]
    assert all(after[i] is card for i, card in before.items() if i != renamed.id)
    assert second == open_source(b.path, user="t").snapshot(BoardQuery(), NOW)
    b.close()


def _compiled_anew(source: Source, query: BoardQuery) -> list[str]:
    """The statements a snapshot of `query` had to compile: not in SQLAlchemy's cache."""

    def missed(sql: str, _params: Any, context: Any) -> str | None:
        return sql if context.cache_hit is CacheStats.CACHE_MISS else None

    return _sent_by_a_snapshot(source, query, missed)


def test_a_filter_emptying_and_filling_lanes_compiles_nothing_new(tmp_path: Path) -> None:
    """Each filter leaves other lanes with cards; the lanes' statement keeps one shape, so
    a keystroke costs its reading, not a compilation (about 14 ms on the demo board)."""
    create_demo_database(tmp_path / "demo.db", seed=11, repo_root=tmp_path / "repos")
    demo = open_source(tmp_path / "demo.db", user="tester")
    first, *others = ["checkout", "gallery", "webhook", "fix", "add"]
    demo.snapshot(BoardQuery(text=first), NOW)  # the filtered board's statements, compiled
    states_with_cards: set[int] = set()
    for word in others:
        assert _compiled_anew(demo, BoardQuery(text=word)) == [], word
        snapshot = demo.snapshot(BoardQuery(text=word), NOW)
        states_with_cards.add(len([n for n in snapshot.states.values() if n]))
    assert len(states_with_cards) > 1, "the filters leave cards in more or fewer states"
