"""A demo coordination database, as five loops would have left it a few hours into a
run: tests in every status (some waiting on others, one a regression), loops running,
paused and silent, a deadlock in the wait graph, a stuck transaction, an expired lock,
events on the bus, decisions waiting with different times left, alerts, change requests,
usage, checkpoints and heartbeats."""

from __future__ import annotations

import json
import random
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ringmaster_tui.engines import create_database
from ringmaster_tui.sources.coordination import workflow as wf
from ringmaster_tui.sources.coordination.actions import iso
from ringmaster_tui.sources.coordination.schema import schema_sql
from ringmaster_tui.sources.coordination.sim import texts

# Rounds of each area's tests: every description comes back as another case.
ROUNDS = 3
# A pid no process can have (above Linux's largest pid_max): the loop that crashed.
GONE_PID = 4_194_400
AREA_LOOPS = {
    "CP-UFS": "loop-1-critical-path",
    "ST-SPEC": "loop-2-storage",
    "API": "loop-3-api",
    "UI": "loop-4-ui",
    "BLD": "loop-1-critical-path",
    "MIG": "loop-5-migrations",
}
LOOP_STATUS = {
    "loop-1-critical-path": "running",
    "loop-2-storage": "running",
    "loop-3-api": "running",
    "loop-4-ui": "running",
    "loop-5-migrations": "paused",
}
STATUS_WEIGHTS = {
    wf.PASSED: 40,
    wf.PENDING: 25,
    wf.FAILED: 12,
    wf.BLOCKED: 10,
    wf.SKIPPED: 4,
}
HOSTILE_NOTES = "[bold red]Fake[/] alert \x1b]2;owned\x07 and \x1b[31mred\x1b[0m text"


def insert(conn: sqlite3.Connection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Rows of one table (the keys of the first row name the columns)."""
    if not rows:
        return
    columns = list(rows[0])
    marks = ", ".join("?" for _ in columns)
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
        [tuple(row.get(c) for c in columns) for row in rows],
    )


def _sha(rnd: random.Random) -> str:
    return f"{rnd.getrandbits(28):07x}"


def create_demo_database(path: Path, *, seed: int = 7, now: datetime | None = None) -> None:
    """A new demo database at `path` (refused where a database exists)."""
    create_database(path, schema_sql()).dispose()
    now = now or datetime.now(UTC).replace(microsecond=0)
    rnd = random.Random(seed)
    with closing(sqlite3.connect(path)) as conn, conn:
        fill(conn, rnd, now)


def fill(conn: sqlite3.Connection, rnd: random.Random, now: datetime) -> None:
    def ago(**delta: float) -> str:
        return iso(now - timedelta(**delta))

    loops = []
    for priority, (loop_id, name, branch) in enumerate(texts.LOOPS, start=1):
        loops.append(
            {
                "id": loop_id,
                "name": name,
                "priority": priority,
                "branch": branch,
                "status": LOOP_STATUS[loop_id],
                "current_test_id": None,
                "pid": GONE_PID if loop_id == "loop-4-ui" else None,
                "created_at": ago(hours=7),
                "updated_at": ago(minutes=rnd.randint(1, 30)),
            }
        )

    tests: list[dict[str, Any]] = []
    states = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    for prefix, category, descriptions in texts.AREAS:
        previous: dict[str, Any] | None = None
        for n in range(len(descriptions) * ROUNDS):
            status = rnd.choices(states, weights)[0]
            case = n // len(descriptions)
            notes = descriptions[n % len(descriptions)] + (f" (case {case + 1})" if case else "")
            attempts = {wf.PENDING: 0, wf.SKIPPED: 0}.get(status, rnd.randint(1, 3))
            depends = previous["id"] if previous is not None and rnd.random() < 0.35 else None
            started = now - timedelta(minutes=rnd.randint(5, 400))
            test = {
                "id": f"{prefix}-{n + 1:03d}",
                "loop_id": AREA_LOOPS[prefix],
                "category": category,
                "status": status,
                "attempts": attempts,
                "max_attempts": 3,
                "last_result": {wf.PASSED: "pass", wf.FAILED: "fail", wf.BLOCKED: "blocked"}.get(
                    status
                ),
                "depends_on": depends,
                "automatable": 0 if category == "specification" else 1,
                "notes": notes,
                "spec_content": f"Given the service is running\nWhen {notes.lower()}\n"
                "Then it completes without data loss\nAnd the audit log records it",
                "last_attempt_at": iso(started) if attempts else None,
                "passed_at": iso(started + timedelta(minutes=3)) if status == wf.PASSED else None,
                "verified_at": (
                    iso(started + timedelta(minutes=9))
                    if status == wf.PASSED and rnd.random() < 0.6
                    else None
                ),
                "created_at": ago(hours=7),
            }
            tests.append(test)
            previous = test
    by_id = {t["id"]: t for t in tests}
    # Every lane has cards; the running loops are each on a test.
    for loop in loops:
        if loop["status"] != "running":
            continue
        mine = [t for t in tests if t["loop_id"] == loop["id"] and t["status"] == wf.PENDING]
        if not mine:
            mine = [t for t in tests if t["loop_id"] == loop["id"]]
        current = mine[0]
        current.update(status=wf.IN_PROGRESS, last_attempt_at=ago(minutes=4), last_result=None)
        current["attempts"] = max(current["attempts"], 1)
        loop["current_test_id"] = current["id"]
    # A regression: it passed at a commit and fails now.
    regression = by_id["CP-UFS-003"]
    regression.update(status=wf.FAILED, last_result="fail", attempts=3, passed_at=None)
    regression["verified_at"] = None
    by_id["CP-UFS-004"].update(notes=HOSTILE_NOTES)
    # A blocked test waiting on one that has not passed.
    by_id["API-002"].update(status=wf.BLOCKED, depends_on="API-001", last_result="blocked")
    if by_id["API-001"]["status"] == wf.PASSED:
        by_id["API-001"].update(
            status=wf.FAILED, last_result="fail", passed_at=None, verified_at=None
        )
    insert(conn, "loops", loops)
    insert(conn, "tests", tests)

    passing = [
        {"test_id": t["id"], "commit_hash": _sha(rnd), "passed_at": t["passed_at"]}
        for t in tests
        if t["status"] == wf.PASSED
    ]
    passing.append({"test_id": "CP-UFS-003", "commit_hash": "4c1e9a2", "passed_at": ago(hours=3)})
    insert(conn, "passing_tests", passing)

    usage = []
    checkpoints = []
    for t in tests:
        for attempt in range(t["attempts"] or 0):
            usage.append(
                {
                    "id": str(uuid.UUID(int=rnd.getrandbits(128))),
                    "loop_id": t["loop_id"],
                    "test_id": t["id"],
                    "tokens_estimated": rnd.randint(4_000, 60_000),
                    "duration_seconds": rnd.randint(40, 900),
                    "files_modified": json.dumps(rnd.sample(texts.FILES, 2)),
                    "recorded_at": ago(minutes=400 - attempt * 30 - rnd.randint(0, 20)),
                }
            )
        if t["status"] in (wf.IN_PROGRESS, wf.FAILED):
            checkpoints.append(
                {
                    "id": f"cp-{t['id']}",
                    "loop_id": t["loop_id"],
                    "test_id": t["id"],
                    "git_ref": f"checkpoint/{t['id'].lower()}",
                    "checkpoint_type": "branch",
                    "created_at": ago(minutes=rnd.randint(5, 200)),
                    "deleted_at": None,
                }
            )
    insert(conn, "usage", usage)
    insert(conn, "checkpoints", checkpoints)

    heartbeats = [
        {
            "component": loop["id"],
            "last_heartbeat": ago(minutes=9) if loop["id"] == "loop-4-ui" else ago(seconds=20),
            "status": "degraded" if loop["id"] == "loop-4-ui" else "healthy",
            "metadata": json.dumps({"pid": loop["pid"]}),
        }
        for loop in loops
    ]
    heartbeats += [
        {
            "component": "monitor",
            "last_heartbeat": ago(seconds=10),
            "status": "healthy",
            "metadata": "{}",
        },
        {
            "component": "pm",
            "last_heartbeat": ago(seconds=40),
            "status": "healthy",
            "metadata": "{broken",
        },
    ]
    insert(conn, "component_health", heartbeats)

    resources = [
        {
            "path": path,
            "owner_loop": texts.LOOPS[i % len(texts.LOOPS)][0],
            "resource_type": "migration" if path.startswith("migrations") else "file",
            "description": f"Owned module {path}",
            "created_at": ago(hours=7),
        }
        for i, path in enumerate(texts.FILES)
    ]
    insert(conn, "resources", resources)
    locks: list[dict[str, Any]] = [
        {
            "file_path": "src/ui/upload.tsx",
            "locked_by": "loop-4-ui",
            "locked_at": ago(minutes=50),
            "lock_reason": "editing the upload progress bar",
            "expires_at": ago(minutes=20),
            "test_id": loops[3]["current_test_id"],
        },
        {
            "file_path": "src/common/types.py",
            "locked_by": "loop-3-api",
            "locked_at": ago(minutes=6),
            "lock_reason": "adding ShareToken",
            "expires_at": iso(now + timedelta(minutes=24)),
            "test_id": loops[2]["current_test_id"],
        },
        {
            "file_path": "src/storage/index.py",
            "locked_by": "loop-2-storage",
            "locked_at": ago(minutes=5),
            "lock_reason": "rebuilding the index",
            "expires_at": iso(now + timedelta(minutes=25)),
            "test_id": loops[1]["current_test_id"],
        },
        {
            "file_path": "migrations/0042_file_versions.sql",
            "locked_by": "loop-5-migrations",
            "locked_at": ago(minutes=30),
            "lock_reason": "allocating migration 0042",
            "expires_at": None,
            "test_id": None,
        },
    ]
    insert(conn, "file_locks", locks)
    insert(
        conn,
        "wait_graph",
        [
            {
                "waiter": "loop-2-storage",
                "holder": "loop-3-api",
                "resource": "src/common/types.py",
                "waiting_since": ago(minutes=4),
            },
            {
                "waiter": "loop-3-api",
                "holder": "loop-2-storage",
                "resource": "src/storage/index.py",
                "waiting_since": ago(minutes=3),
            },
            {
                "waiter": "loop-1-critical-path",
                "holder": "loop-5-migrations",
                "resource": "migrations/0042_file_versions.sql",
                "waiting_since": ago(minutes=12),
            },
        ],
    )
    insert(
        conn,
        "transaction_log",
        [
            {
                "id": "tx-0091",
                "operation": "test_pass",
                "loop_id": "loop-4-ui",
                "steps": json.dumps(["write", "commit"]),
                "status": "in_progress",
                "started_at": ago(minutes=40),
                "completed_at": None,
            },
            {
                "id": "tx-0104",
                "operation": "file_write",
                "loop_id": "loop-1-critical-path",
                "steps": json.dumps(["lock", "write"]),
                "status": "in_progress",
                "started_at": ago(seconds=30),
                "completed_at": None,
            },
            *(
                {
                    "id": f"tx-{n:04d}",
                    "operation": rnd.choice(["test_pass", "file_write"]),
                    "loop_id": texts.LOOPS[n % 4][0],
                    "steps": "[]",
                    "status": "committed",
                    "started_at": ago(minutes=200 - n),
                    "completed_at": ago(minutes=199 - n),
                }
                for n in range(60, 90)
            ),
        ],
    )

    event_rows = []
    for n in range(160):
        loop_id = texts.LOOPS[n % len(texts.LOOPS)][0]
        event_type = texts.EVENT_TYPES[n % len(texts.EVENT_TYPES)]
        test = tests[n % len(tests)]
        acknowledged = n >= 24
        event_rows.append(
            {
                "id": str(uuid.UUID(int=rnd.getrandbits(128))),
                "timestamp": ago(minutes=n * 2 + 1),
                "source": rnd.choice([loop_id, loop_id, "monitor", "pm"]),
                "event_type": event_type,
                "payload": json.dumps({"test_id": test["id"], "loop": loop_id})
                if n != 5
                else "{not json",
                "correlation_id": test["id"],
                "priority": 1 if event_type == "heartbeat_missed" else rnd.choice([2, 3]),
                "acknowledged": 1 if acknowledged else 0,
                "acknowledged_by": rnd.choice(["monitor", "pm", loop_id]) if acknowledged else None,
                "acknowledged_at": ago(minutes=n * 2) if acknowledged else None,
            }
        )
    insert(conn, "events", event_rows)
    insert(
        conn,
        "subscriptions",
        [
            {
                "id": f"sub-{loop[0]}",
                "subscriber": loop[0],
                "event_types": json.dumps(["test_unblocked", "decision_made"]),
                "filter_sources": None,
                "last_poll_at": ago(seconds=30),
                "active": 1,
            }
            for loop in texts.LOOPS
        ],
    )

    decisions = []
    timings = (
        (10, 30, "pending"),
        (100, 180, "pending"),
        (300, 60, "decided"),
        (400, 30, "auto_resolved"),
    )
    for n, ((kind, summary, options, default), (asked, timeout, status)) in enumerate(
        zip(texts.DECISIONS, timings, strict=True)
    ):
        decisions.append(
            {
                "id": f"dec-{n + 1:03d}",
                "decision_type": kind,
                "summary": summary,
                "options": json.dumps(list(options)),
                "default_option": default,
                "context": json.dumps(
                    {"loops": [texts.LOOPS[n][0]], "files": list(texts.FILES[n : n + 2])}
                ),
                "timeout_minutes": timeout,
                "status": status,
                "requested_at": ago(minutes=asked),
                "requested_by": texts.LOOPS[n][0],
                "decided_at": ago(minutes=asked - 10) if status != "pending" else None,
                "decided_by": {"decided": "human", "auto_resolved": "auto"}.get(status),
                "choice": default if status != "pending" else None,
                "comment": "Keep the loops apart" if status == "decided" else None,
            }
        )
    insert(conn, "decisions", decisions)
    insert(
        conn,
        "alerts",
        [
            {
                "id": f"alert-{n + 1:03d}",
                "severity": severity,
                "alert_type": kind,
                "source": source,
                "message": message,
                "context": json.dumps({"n": n}),
                "acknowledged": 0 if n < 3 else 1,
                "acknowledged_by": None if n < 3 else "ann",
                "acknowledged_at": None if n < 3 else ago(minutes=30),
                "created_at": ago(minutes=5 + n * 25),
            }
            for n, (severity, kind, source, message) in enumerate(texts.ALERTS)
        ],
    )
    insert(
        conn,
        "change_requests",
        [
            {
                "id": "cr-001",
                "resource_path": "src/common/types.py",
                "requestor_loop": "loop-2-storage",
                "owner_loop": resources[8]["owner_loop"],
                "request_type": "extend",
                "description": "Add a VersionId type next to FileId",
                "status": "pending",
                "requested_at": ago(minutes=25),
                "resolved_at": None,
                "resolved_by": None,
            },
            {
                "id": "cr-002",
                "resource_path": "src/auth/tokens.py",
                "requestor_loop": "loop-3-api",
                "owner_loop": resources[7]["owner_loop"],
                "request_type": "modify",
                "description": "Tokens carry the share's expiry",
                "status": "pending",
                "requested_at": ago(minutes=70),
                "resolved_at": None,
                "resolved_by": None,
            },
            {
                "id": "cr-003",
                "resource_path": "src/storage/index.py",
                "requestor_loop": "loop-1-critical-path",
                "owner_loop": resources[1]["owner_loop"],
                "request_type": "modify",
                "description": "Expose the index's rebuild hook",
                "status": "approved",
                "requested_at": ago(hours=3),
                "resolved_at": ago(hours=2),
                "resolved_by": "pm",
            },
        ],
    )
    insert(
        conn,
        "knowledge",
        [
            {
                "id": "k-1",
                "loop_id": "loop-2-storage",
                "item_type": "pattern",
                "topic": "chunks",
                "content": "Chunks are 8 MiB; the last may be shorter",
                "confidence": 0.9,
                "evidence": "CP-UFS-001",
                "affected_areas": json.dumps(["src/storage/*"]),
                "superseded_by": None,
                "created_at": ago(hours=5),
            },
            {
                "id": "k-2",
                "loop_id": "loop-3-api",
                "item_type": "warning",
                "topic": "tokens",
                "content": "Never log a share token",
                "confidence": 1.0,
                "evidence": None,
                "affected_areas": json.dumps(["src/auth/*"]),
                "superseded_by": None,
                "created_at": ago(hours=4),
            },
        ],
    )
    insert(
        conn,
        "migrations",
        [
            {
                "number": 41,
                "name": "file_index",
                "loop_id": "loop-5-migrations",
                "file_path": "migrations/0041_file_index.sql",
                "status": "applied",
                "allocated_at": ago(hours=6),
                "applied_at": ago(hours=5),
            },
            {
                "number": 42,
                "name": "file_versions",
                "loop_id": "loop-5-migrations",
                "file_path": "migrations/0042_file_versions.sql",
                "status": "pending",
                "allocated_at": ago(minutes=30),
                "applied_at": None,
            },
        ],
    )


def rows_of(conn: sqlite3.Connection, table: str) -> Iterable[tuple[Any, ...]]:
    return conn.execute(f"SELECT * FROM {table}")
