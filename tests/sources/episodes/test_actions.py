"""Archiving and marking failed: compare-and-set on the status the user saw, the stall
guard checked inside the write, who did it recorded in the metadata JSON, and nothing
written (with a plain reason) when the episode changed, is not stalled, has metadata
that is not a JSON object, or the database is read-only."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from ringmaster_tui.sources.episodes.source import EpisodesSource
from tests.sources.episodes.conftest import open_store


def row(db: Path, episode_id: str) -> tuple[str, dict[str, object] | str | None, str | None]:
    with closing(sqlite3.connect(db)) as conn:
        status, metadata, completed = conn.execute(
            "SELECT status, metadata, completed_at FROM episodes WHERE id = ?", (episode_id,)
        ).fetchone()
    try:
        parsed = json.loads(metadata) if metadata else None
    except ValueError:
        parsed = metadata
    return status, parsed, completed


def other_writer(db: Path, sql: str, *params: object) -> None:
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute(sql, params)


def test_archiving_a_completed_episode_records_who_did_it(
    source: EpisodesSource, store: Path
) -> None:
    outcome = source.transition("e-done", "completed", "archive", "archived", "shipped")
    assert outcome.ok, outcome.message
    status, metadata, _ = row(store, "e-done")
    assert status == "archived"
    assert isinstance(metadata, dict)
    assert metadata["archived_by"] == "ann"
    (entry,) = metadata["ringmaster_tui"]  # type: ignore[misc]
    assert entry["action"] == "archive" and entry["by"] == "ann" and entry["note"] == "shipped"
    assert entry["at"] == "2026-01-15 12:00:00" and entry["from"] == "completed"


def test_marking_a_stalled_episode_failed_keeps_its_metadata_and_ends_it(
    source: EpisodesSource, store: Path
) -> None:
    other_writer(store, "UPDATE episodes SET metadata = ? WHERE id = 'e-stuck'", '{"run": 7}')
    outcome = source.transition("e-stuck", "active", "mark_failed", "failed", "loop died")
    assert outcome.ok, outcome.message
    status, metadata, completed = row(store, "e-stuck")
    assert status == "failed" and completed == "2026-01-15 12:00:00"
    assert isinstance(metadata, dict)
    assert metadata["run"] == 7 and metadata["failed_by"] == "ann"
    assert metadata["ringmaster_tui"][0]["note"] == "loop died"  # type: ignore[index]


def test_an_episode_without_steps_is_stalled_from_its_start(source: EpisodesSource) -> None:
    assert source.transition("e-quiet", "active", "mark_failed", "failed", "never began").ok


def test_a_live_episode_is_not_marked_failed(source: EpisodesSource, store: Path) -> None:
    outcome = source.transition("e-login", "active", "mark_failed", "failed", "why not")
    assert not outcome.ok
    assert "its last step was 1m ago" in outcome.message
    assert row(store, "e-login")[0] == "active"


def test_a_step_written_meanwhile_makes_the_stalled_episode_live_again(
    source: EpisodesSource, store: Path
) -> None:
    other_writer(
        store,
        "INSERT INTO steps (id, episode_id, step_number, action, success, timestamp) "
        "VALUES ('late', 'e-stuck', 3, 'run_tests', 1, '2026-01-15 11:59:30')",
    )
    outcome = source.act("loops", "mark_failed", [("e:e-stuck", "stalled")])
    assert not outcome.ok and "30s ago" in outcome.message
    assert row(store, "e-stuck")[0] == "active"


def test_a_status_changed_meanwhile_wins(source: EpisodesSource, store: Path) -> None:
    other_writer(store, "UPDATE episodes SET status = 'completed' WHERE id = 'e-stuck'")
    outcome = source.transition("e-stuck", "active", "mark_failed", "failed", "late")
    assert not outcome.ok
    assert outcome.message == (
        "The episode is completed now (you saw it active); nothing was written."
    )
    assert row(store, "e-stuck")[0] == "completed"


def test_metadata_that_is_not_an_object_is_never_overwritten(
    source: EpisodesSource, store: Path
) -> None:
    outcome = source.transition("e-coupon", "completed", "archive", "archived", "done")
    assert not outcome.ok and "not a JSON object" in outcome.message
    assert row(store, "e-coupon") == ("completed", "{not json", "2026-01-15 06:30:00")


def test_only_finished_episodes_are_archived(source: EpisodesSource) -> None:
    outcome = source.transition("e-login", "active", "archive", "archived", "no")
    assert not outcome.ok and "only one that is completed or failed" in outcome.message


def test_the_table_views_actions_resolve_their_rows_episode(
    source: EpisodesSource, store: Path
) -> None:
    assert source.act("loops", "mark_failed", [("s:e-stuck-s2", "stalled")]).ok
    assert row(store, "e-stuck")[0] == "failed"
    assert source.act("problems", "archive", [("e:e-vat", "failed")]).ok
    assert row(store, "e-vat")[0] == "archived"
    assert not source.act("problems", "archive", [("s:nope", "failed")]).ok
    assert not source.act("patterns", "archive", [("p-seq", None)]).ok


def test_a_read_only_store_refuses_in_words(store: Path) -> None:
    source = open_store(store, read_only=True)
    try:
        outcome = source.transition("e-done", "completed", "archive", "archived", "x")
    finally:
        source.close()
    assert not outcome.ok and outcome.message.startswith("Read-only")
    assert row(store, "e-done")[0] == "completed"
