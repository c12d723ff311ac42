"""What the Ralph source reads: the board's lanes and cards, the picker's groups with
their progress, the loops and problems tables, a story's detail; secrets never read."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from ringmaster_tui.commands import status_object
from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW
from tests.sources.ralph.ralph_db import SECRET_HASH, story_pk

ALL = BoardQuery(lists=frozenset({"loops", "problems"}))


def _cards(source: Source, query: BoardQuery = ALL) -> dict[str, list[str]]:
    snapshot = source.snapshot(query, NOW)
    return {lane.name: [c.title for c in lane.cards] for lane in snapshot.lanes if lane.count}


def test_stories_sit_in_lanes_by_status_and_unknown_ones_in_other(source: Source) -> None:
    assert _cards(source) == {
        "PENDING": ["Sync queue"],
        "IN PROGRESS": ["Checkout form"],
        "REVIEW": ["Payment intent endpoint"],
        "TESTING": ["Search API [red]filters[/red]"],
        "REWORK": ["Local job cache"],
        "DONE": ["Cart totals with tax", "Search index"],
        "FAILED": ["Receipt email"],
        "OTHER": ["Conflict banner"],
    }


def test_a_card_shows_its_facts_and_a_mark_when_a_dependency_is_not_done(source: Source) -> None:
    snapshot = source.snapshot(ALL, NOW)
    cards = {c.title: c for lane in snapshot.lanes for c in lane.cards}
    form = cards["Checkout form"]
    assert [f.text or f.number for f in form.facts] == ["US-003", "developer", 2, "frontend"]
    assert form.priority == 2 and form.project_id == "feature:1"
    assert form.blocked  # US-002 is in review
    assert not cards["Payment intent endpoint"].blocked  # US-001 is done
    assert cards["Sync queue"].blocked  # its dependency is in rework
    assert not cards["Conflict banner"].blocked  # dependencies that are no JSON array


def test_the_picker_lists_projects_and_features_with_progress_marked_where_they_disagree(
    source: Source,
) -> None:
    groups = {g.id: g.name for g in source.snapshot(ALL, NOW).projects}
    assert groups == {
        "project:1": "Shopfront (all)",
        "feature:1": "Shopfront / Checkout · 1/4",
        "feature:2": "Shopfront / Search · 0/3 ≠ stories 1/2",
        "project:2": "Field App (all)",
        "feature:3": "Field App / Offline jobs · 0/3",
    }


def test_the_board_filters_by_feature_project_and_text(source: Source) -> None:
    assert sum(map(len, _cards(source, BoardQuery(project_id="feature:2")).values())) == 2
    assert sum(map(len, _cards(source, BoardQuery(project_id="project:1")).values())) == 6
    assert _cards(source, BoardQuery(project_id="feature:x")) == {}
    assert _cards(source, BoardQuery(text="CHECKOUT")) == {"IN PROGRESS": ["Checkout form"]}
    assert _cards(source, BoardQuery(text="us-004")) == {"FAILED": ["Receipt email"]}
    assert _cards(source, BoardQuery(text="100%_")) == {}


def test_loops_lists_running_and_paused_projects_with_features_and_runs(source: Source) -> None:
    table = source.snapshot(ALL, NOW).tables["loops"]
    assert [(r.id, r.seen) for r in table.rows] == [
        ("project:1", "running"),
        ("feature:1", "feature"),
        ("feature:2", "feature"),
        ("execution:2", "execution"),
        ("project:2", "paused"),
        ("feature:3", "feature"),
    ]
    run = table.rows[3]
    assert run.card_id == story_pk_of(source, "US-003")
    assert run.cells["time"].number == 25 * 60  # running for 25 minutes at NOW
    assert table.rows[0].cells["runs"].number == 1


def story_pk_of(source: Source, story_id: str) -> str:
    snapshot = source.snapshot(ALL, NOW)
    return next(c.id for lane in snapshot.lanes for c in lane.cards if c.facts[0].text == story_id)


def test_problems_are_newest_first_of_every_kind(source: Source) -> None:
    table = source.snapshot(ALL, NOW).tables["problems"]
    assert [r.seen for r in table.rows] == [
        "ERROR log",
        "gate failed",
        "run failed",
        "story rework",
        "story failed",
    ]
    assert table.total == 5
    filtered = source.snapshot(
        BoardQuery(lists=frozenset({"problems"}), view_text=(("problems", "timed out"),)), NOW
    ).tables["problems"]
    assert [r.id for r in filtered.rows] == ["run:3"]


def test_the_story_detail_has_every_section(source: Source, ralph_db: Path) -> None:
    detail = source.card_detail(story_pk(ralph_db, "US-002", 1), NOW)
    assert isinstance(detail, SectionedDetail)
    sections = {s.title: s for s in detail.sections}
    assert list(sections) == [
        "Story",
        "Description",
        "Acceptance criteria (2)",
        "Dependencies (1, 0 not done)",
        "History, newest first",
        "Agent executions (1), newest first",
        "Run 1 · developer · success",
        "Quality gates (1, 0 failed)",
        "Commits (1), newest first; enter reviews one",
        "Progress logs, newest first",
    ]
    history = sections["History, newest first"].rows
    assert [row[1].text for row in history] == [
        "implementation_completed",
        "implementation_started",
    ]
    run = sections["Run 1 · developer · success"].text or ""
    assert '"summary": "Added POST /payments"' in run and '"task": "implement US-002"' in run
    (commit,) = sections["Commits (1), newest first; enter reviews one"].rows
    assert [f.text for f in commit] == [
        "0123456789a…",
        "backend",
        "2026-01-15 08:00",
        "feat: US-002 payment intent",
        "src/payments.py, tests/test_payments.py",
    ]
    logs = [row[3].text for row in sections["Progress logs, newest first"].rows]
    assert logs == [
        "US-002 needs the idempotency key documented",
        "The sandbox rejects amounts under 50 cents",
    ]
    (dependency,) = sections["Dependencies (1, 0 not done)"].rows
    assert [f.text for f in dependency] == ["US-001", "Cart totals with tax", "done"]


def test_broken_criteria_are_shown_as_stored(source: Source, ralph_db: Path) -> None:
    detail = source.card_detail(story_pk(ralph_db, "US-001", 3), NOW)
    assert isinstance(detail, SectionedDetail)
    criteria = next(s for s in detail.sections if s.title.startswith("Acceptance"))
    assert criteria.json_value is not None and criteria.json_value.broken == "[broken"
    banner = source.card_detail(story_pk(ralph_db, "US-003", 3), NOW)
    assert isinstance(banner, SectionedDetail)
    dependencies = next(s for s in banner.sections if s.title.startswith("Dependencies"))
    assert dependencies.json_value is not None and dependencies.json_value.broken == "not json"
    assert source.card_detail("999", NOW) is None
    assert source.card_detail("not-a-number", NOW) is None


def test_the_password_hash_is_never_read(source: Source, ralph_db: Path) -> None:
    seen = [source.snapshot(ALL, NOW).model_dump_json()]
    for lane in source.snapshot(ALL, NOW).lanes:
        for card in lane.cards:
            detail = source.card_detail(card.id, NOW)
            assert detail is not None
            seen.append(detail.model_dump_json())
    seen.append(json.dumps(status_object(source.snapshot(ALL, NOW), source)))
    seen.append(str(source.health()))
    assert not any(SECRET_HASH in text or "$2b$" in text for text in seen)


def test_a_database_without_optional_tables_still_reads(ralph_db: Path) -> None:
    with closing(sqlite3.connect(ralph_db)) as conn:
        conn.execute("DROP TABLE git_commits")
        conn.execute("DROP TABLE system_logs")
        conn.execute("ALTER TABLE stories DROP COLUMN assigned_agent")
    source = open_source(ralph_db, user="ann")
    try:
        snapshot = source.snapshot(ALL, NOW)
        assert {"git_commits", "system_logs", "stories.assigned_agent"} <= set(snapshot.unavailable)
        assert sum(lane.count for lane in snapshot.lanes) == 9
        detail = source.card_detail(story_pk(ralph_db, "US-002", 1), NOW)
        assert isinstance(detail, SectionedDetail)
        commits = next(s for s in detail.sections if s.title == "Commits")
        assert commits.empty == "This database has no git_commits table."
    finally:
        source.close()


def test_huge_texts_are_cut_where_they_are_shown(ralph_db: Path) -> None:
    huge = "word " * 200_000
    with closing(sqlite3.connect(ralph_db)) as conn, conn:
        conn.execute(
            "UPDATE stories SET title = ?, description = ? WHERE story_id = 'US-001'"
            " AND feature_id = 1",
            (huge, huge),
        )
    source = open_source(ralph_db, user="ann")
    try:
        snapshot = source.snapshot(ALL, NOW)
        done = next(lane for lane in snapshot.lanes if lane.name == "DONE")
        assert max(len(card.title) for card in done.cards) <= 300
        detail = source.card_detail(story_pk(ralph_db, "US-001", 1), NOW)
        assert isinstance(detail, SectionedDetail)
        description = next(s for s in detail.sections if s.title == "Description")
        assert description.text is not None and len(description.text) <= 20_000
        assert description.text.endswith("…")
    finally:
        source.close()
