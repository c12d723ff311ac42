"""backup, prune and check, on real databases with answers known by hand."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from ringmaster_tui.engines.sqlite.engine import open_sqlite
from ringmaster_tui.sources.retention_policy import RetentionPolicy
from ringmaster_tui.sources.ringmaster.retention import apply_retention
from tests.builders import NOW, DbBuilder, ago, build_standard_board
from tests.test_status import run_cli

# Each transaction adds one alert and writes the new alert count into a project, so a
# consistent copy always has the two equal.
WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
deadline = time.monotonic() + float(sys.argv[2])
n = conn.execute("SELECT count(*) FROM alerts").fetchone()[0]
while time.monotonic() < deadline:
    n += 1
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO alerts (severity, alert_type, message) VALUES ('info', 't', ?)",
                 ("x" * 2000,))
    conn.execute("UPDATE projects SET description = ? WHERE id = 'project-alpha'", (str(n),))
    conn.execute("COMMIT")
"""


def test_backup_while_a_second_process_writes(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    build_standard_board(db).close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), "6"])
    time.sleep(1.0)

    result = run_cli("backup", db, tmp_path / "copy.db")

    writer.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert "passed PRAGMA integrity_check" in result.stdout
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    alerts = copy.execute("SELECT count(*) FROM alerts").fetchone()[0]
    (counter,) = copy.execute("SELECT description FROM projects WHERE id = 'project-alpha'")
    assert alerts > 3, "the copy was taken while the writer was running"
    assert int(counter[0]) == alerts


def test_backup_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    build_standard_board(db).close()
    dest = tmp_path / "copy.db"
    dest.write_text("keep me")

    refused = run_cli("backup", db, dest)
    assert refused.returncode != 0
    assert "--force" in refused.stderr
    assert dest.read_text() == "keep me"

    forced = run_cli("backup", db, dest, "--force")
    assert forced.returncode == 0, forced.stderr
    assert sqlite3.connect(dest).execute("SELECT count(*) FROM cards").fetchone()[0] == 15


def _retention_fixture(db: Path) -> DbBuilder:
    b = DbBuilder(db)
    p = b.project()
    b.card(p, "old done", "completed", id="old-done", updated_at=ago(days=40))
    b.card(p, "recent done", "completed", id="recent-done", updated_at=ago(days=3))
    b.card(p, "old failed", "failed", id="old-failed", updated_at=ago(days=90))
    many = b.card(p, "many snapshots", "coding", id="many")
    few = b.card(p, "few snapshots", "coding", id="few")
    for i in range(1, 16):
        b.insert("loop_snapshots", id=f"many-{i}", card_id=many, iteration=i, state="{}")
    for i in range(1, 4):
        b.insert("loop_snapshots", id=f"few-{i}", card_id=few, iteration=i, state="{}")
    for metric_id, days in (("m-old", 8), ("m-new", 1)):
        b.insert(
            "prompt_metrics",
            id=metric_id,
            card_id=many,
            layer_name="system",
            tokens_added=1,
            processing_time_ms=1,
            created_at=ago(days=days),
        )
    for sub_id, minutes in (("ws-stale", 10), ("ws-live", 1)):
        b.insert(
            "websocket_subscriptions",
            id=sub_id,
            connection_id=sub_id,
            last_heartbeat=ago(minutes=minutes),
        )
    return b


def _ids(db: Path, table: str) -> set[str]:
    return {r[0] for r in sqlite3.connect(db).execute(f"SELECT id FROM {table}")}


def test_prune_dry_run_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    _retention_fixture(db).close()
    before = db.read_bytes()

    result = run_cli("prune", db)

    assert result.returncode == 0, result.stderr
    assert "Dry run" in result.stdout
    assert "loop snapshots to delete: 5" in result.stdout
    assert db.read_bytes() == before


def test_prune_apply_removes_exactly_the_expired_rows(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    _retention_fixture(db).close()

    plan = apply_retention(open_sqlite(db), RetentionPolicy(), NOW + timedelta(seconds=1))

    assert plan.archive_cards == ["old-done"]
    assert sorted(plan.delete_snapshots) == sorted(f"many-{i}" for i in range(1, 6))
    conn = sqlite3.connect(db)
    states = dict(conn.execute("SELECT id, state FROM cards"))
    assert states["old-done"] == "archived"
    assert states["recent-done"] == "completed"
    assert states["old-failed"] == "failed"
    (trigger, metadata) = conn.execute(
        "SELECT trigger, metadata FROM state_transitions WHERE card_id = 'old-done'"
    ).fetchone()
    assert trigger == "archive"
    assert json.loads(metadata) == {"by": "retention"}
    kept = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT card_id, group_concat(iteration) FROM loop_snapshots GROUP BY card_id"
        )
    }
    assert sorted(map(int, kept["many"].split(","))) == list(range(6, 16))
    assert sorted(map(int, kept["few"].split(","))) == [1, 2, 3]
    assert _ids(db, "prompt_metrics") == {"m-new"}
    assert _ids(db, "websocket_subscriptions") == {"ws-live"}


def test_check_a_healthy_database(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    build_standard_board(db).close()

    result = run_cli("check", db, "--json")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["healthy"] is True
    assert report["integrity"] == ["ok"]
    assert report["row_counts"]["cards"] == 15
    assert report["missing"] == []


def test_check_names_what_is_missing_and_dangling(tmp_path: Path) -> None:
    db = tmp_path / "broken.db"
    build_standard_board(db).close()
    conn = sqlite3.connect(db)
    conn.executescript(
        """
        DROP TABLE alerts;
        DROP INDEX idx_cards_priority;
        ALTER TABLE deployments DROP COLUMN image_digest;
        INSERT INTO errors (id, card_id, error_type, message) VALUES ('e', 'ghost', 't', 'm');
        """
    )
    conn.close()

    result = run_cli("check", db)

    assert result.returncode != 0
    assert "missing: table alerts" in result.stdout
    assert "missing: index idx_cards_priority" in result.stdout
    assert "missing: column deployments.image_digest" in result.stdout
    assert "errors row" in result.stdout and "missing cards row" in result.stdout
    assert "NOT healthy" in result.stdout
