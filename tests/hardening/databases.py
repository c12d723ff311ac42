"""The databases the hardening tests drive the app over, built as other tools leave them.

Each builder starts from a real database (schema.sql, or the standard board of
tests/builders.py) and then damages it the way a foreign writer would: tables or columns
missing, values that break the schema's promises, texts far too long or hostile.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.builders import DbBuilder, ago, build_standard_board

# Columns an older copy of Ringmaster's schema lacks: (table, column).
OLD_SCHEMA_MISSING: tuple[tuple[str, str], ...] = (
    ("cards", "priority"),
    ("cards", "total_cost_usd"),
    ("attempts", "diff_stats"),
    ("errors", "category"),
)
# Tables a database may lack: Ringmaster without the coordination tables.
COORDINATION_TABLES: tuple[str, ...] = ("decisions", "alerts")

HUGE_TITLE_CHARS = 100_000
HUGE_DESCRIPTION_BYTES = 5 * 1024 * 1024
HUGE_OUTPUT_BYTES = 50 * 1024 * 1024


@contextmanager
def lawless(b: DbBuilder) -> Iterator[sqlite3.Connection]:
    """Writes that ignore CHECK constraints and foreign keys, as a careless tool's would."""
    b.conn.execute("PRAGMA foreign_keys = OFF")
    b.conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield b.conn
    finally:
        b.conn.execute("PRAGMA ignore_check_constraints = OFF")
        b.conn.execute("PRAGMA foreign_keys = ON")


def without_tables(path: Path, tables: tuple[str, ...] = COORDINATION_TABLES) -> Path:
    """The standard board without `tables`."""
    b = build_standard_board(path)
    for table in tables:
        b.conn.execute(f"DROP TABLE {table}")
    b.close()
    return path


def without_columns(path: Path, missing: tuple[tuple[str, str], ...] = OLD_SCHEMA_MISSING) -> Path:
    """The standard board as an older schema had it: `missing` columns never existed."""
    b = build_standard_board(path)
    fixing = _id(b, "cards", "Fix flaky test")
    b.attempt(fixing, 2, "completed", cost_usd=0.5, commit_sha="0123456789abcdef")
    for table, column in missing:
        # An index or the CHECK on the column itself goes with it.
        indexes = b.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql LIKE ?",
            (table, f"%{column}%"),
        ).fetchall()
        for (index,) in indexes:
            b.conn.execute(f"DROP INDEX {index}")
        b.conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    b.close()
    return path


def _id(b: DbBuilder, table: str, title: str) -> str:
    return str(b.conn.execute(f"SELECT id FROM {table} WHERE title = ?", (title,)).fetchone()[0])


BROKEN_JSON = '{"unclosed": [1, 2'
TIMESTAMPS: tuple[object, ...] = (
    "2026-01-15T11:00:00Z",
    "2026-01-15T11:00:00.123456+02:00",
    1768474800,  # epoch seconds
    1768474800.5,
    "last tuesday",
    "",
    "9999-99-99 99:99:99",
)


def with_bad_data(path: Path) -> Path:
    """The standard board plus rows breaking every promise of the schema.

    Broken JSON in every JSON column, NULL in nullable columns, states nobody knows,
    references to rows that do not exist, timestamps in other formats or none, numbers
    negative, absurd, or not numbers at all, BLOBs and invalid UTF-8 where text belongs.
    """
    b = build_standard_board(path)
    alpha = "project-alpha"
    with lawless(b) as conn:
        weird = b.card(
            alpha,
            "Weird state",
            "somewhere_else",
            labels=BROKEN_JSON,
            priority="high",
            loop_iteration=-3,
            total_cost_usd=-12.5,
            total_time_spent_ms=-1,
            error_count=10**15,
            max_retries=-1,
            updated_at="yesterday-ish",
        )
        b.card(
            "project-ghost", "Orphan card", "coding", total_cost_usd=1e308, updated_at=1768474800
        )
        b.card(
            alpha,
            "Null everything",
            "testing",
            description=None,
            labels=None,
            priority=None,
            loop_iteration=None,
            total_cost_usd=None,
            error_count=None,
            max_retries=None,
            total_time_spent_ms=None,
        )
        b.card(
            alpha,
            "Cost as text",
            "coding",
            total_cost_usd="a lot",
            loop_iteration="ten",
            priority=2**62,
        )
        for number, started in enumerate(TIMESTAMPS, start=1):
            b.attempt(
                weird,
                number,
                "exploded" if number % 2 else "running",
                started_at=started,
                diff_stats=BROKEN_JSON if number % 2 else json.dumps([1, "x"]),
                cost_usd=-1.0 if number == 1 else "free",
                tokens_used=-5 if number == 2 else 10**18,
                duration_ms="long" if number == 3 else -100,
                commit_sha="--output=/tmp/x" if number == 1 else "zz-not-hex",
            )
        b.attempt("card-ghost", 1, "completed", output="orphan output")
        b.error(
            weird,
            "Error with junk",
            error_type="",
            category="cosmic",
            severity="doom",
            context=BROKEN_JSON,
            stack_trace=None,
            created_at="not a time",
            attempt_id="attempt-ghost",
            resolved=7,
        )
        b.error("card-ghost", "Error of a card that is gone", created_at=1768474800)
        b.transition(
            weird,
            "nowhere",
            "somewhere_else",
            trigger="teleport",
            metadata=BROKEN_JSON,
            created_at="2026-01-15T10:00:00Z",
        )
        b.insert("loop_snapshots", card_id=weird, iteration="x", state=BROKEN_JSON, created_at="")
        b.insert("acceptance_criteria", card_id=weird, description="Met is text", met="yes")
        b.dependency(weird, "card-ghost", kind="eats")
        b.decision("Broken options", BROKEN_JSON, timeout_minutes=-30, card_id="card-ghost")
        b.decision(
            "Options not a list",
            json.dumps({"a": 1}),
            timeout_minutes=10**12,
            requested_at="soon",
            status="pondering",
        )
        b.decision(
            "Options of odd things",
            json.dumps([None, 3, {"x": [1]}, ["nested"]]),
            timeout_minutes="ninety",
            default_option=None,
            requested_at=1768474800,
        )
        b.alert(
            "Alert of unknown severity",
            "apocalyptic",
            card_id="card-ghost",
            created_at="2026-01-15T11:59:00Z",
            acknowledged=None,
        )
        b.alert("Alert with no source", "", source=None, alert_type="", created_at=1768474800)
        # Text that is not valid UTF-8, and a BLOB where text belongs.
        conn.execute(
            "INSERT INTO cards (id, project_id, title, task_prompt, state, description) "
            "VALUES ('card-bytes', ?, CAST(x'4869ff2062797465' AS TEXT), 'p', 'draft', "
            "x'00ff1b5b32')",
            (alpha,),
        )
        conn.execute(
            "INSERT INTO errors (id, card_id, error_type, message, created_at) "
            "VALUES ('error-bytes', 'card-bytes', 'T', CAST(x'ff1b5d323b78' AS TEXT), ?)",
            (ago(minutes=1),),
        )
    b.close()
    return path


def with_huge_texts(path: Path) -> Path:
    """The standard board plus a 100,000-character title, a 5 MB description and a 50 MB
    attempt output (built in SQL: the test process never holds the output whole)."""
    b = build_standard_board(path)
    title = "Huge " + "title " * (HUGE_TITLE_CHARS // 6)
    huge = b.card(
        "project-alpha",
        title[:HUGE_TITLE_CHARS],
        "coding",
        priority=99,
        description="describe " * (HUGE_DESCRIPTION_BYTES // 9),
    )
    b.conn.execute(
        "INSERT INTO attempts (id, card_id, attempt_number, status, output, started_at) "
        "VALUES ('attempt-huge', ?, 1, 'completed', "
        "replace(hex(zeroblob(?)), '00', 'output line ' || char(10)), ?)",
        (huge, HUGE_OUTPUT_BYTES // 13, ago(hours=1)),
    )
    b.error(huge, "Huge error " * 100_000, stack_trace="frame\n" * 1_000_000)
    b.close()
    return path
