"""Writes to a coordination database as its loops, monitor and PM would: running loops
pick tests whose dependency passed and take a file lock, attempts pass or fail (a test
that used its attempts is blocked), locks are released, now and then two loops wait for
each other (a deadlock) until one gives way, events go on the bus, decisions are asked
and time out to their default, alerts are raised and heartbeats beaten.

Each change is one write transaction through the engine (SQLAlchemy Core)."""

from __future__ import annotations

import json
import os
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.timefmt import utc_now
from ringmaster_tui.engines import open_engine
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.sources.coordination import workflow as wf
from ringmaster_tui.sources.coordination.actions import iso
from ringmaster_tui.sources.coordination.sim import texts
from ringmaster_tui.sources.coordination.tables import (
    alerts,
    component_health,
    decisions,
    events,
    file_locks,
    loops,
    passing_tests,
    tests,
    transaction_log,
    usage,
    wait_graph,
)

LOCK_MINUTES = 15
PASS_CHANCE = 0.6
CHANGE_WEIGHTS: dict[str, float] = {
    "pick": 5,
    "finish": 5,
    "verify": 2,
    "heartbeat": 4,
    "noise": 3,
    "deadlock": 0.4,
    "decision": 0.6,
    "expire": 1,
    "alert": 0.6,
}


@dataclass
class SimulationReport:
    """What one run wrote, counted by kind of change; `log` names them in order."""

    changes: int = 0
    idle: int = 0
    tally: Counter[str] = field(default_factory=Counter)
    log: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.tally.items()))
        return f"{self.changes} changes ({kinds or 'none'}); {self.idle} found nothing to do"


class _Simulator:
    def __init__(self, db: Engine, rnd: random.Random, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.rnd = rnd
        self.clock = clock

    def now(self) -> str:
        return iso(self.clock())

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rnd.getrandbits(128)))

    def _event(
        self,
        conn: Connection,
        source: str,
        event_type: str,
        correlation: str | None,
        **payload: Any,
    ) -> None:
        conn.execute(
            sa.insert(events).values(
                id=self._uuid(),
                timestamp=self.now(),
                source=source,
                event_type=event_type,
                payload=json.dumps(payload),
                correlation_id=correlation,
                priority=self.rnd.choice([2, 3]),
                acknowledged=0,
            )
        )

    def claim_loops(self, conn: Connection) -> None:
        """The running loops are this process now: their pid is alive while it runs."""
        conn.execute(sa.update(loops).where(loops.c.status == "running").values(pid=os.getpid()))

    def change(self, kind: str) -> bool:
        work: Callable[[Connection], bool] = getattr(self, f"_{kind}")
        return self.db.write_with_retry(work)

    def _running_loop(self, conn: Connection, *, busy: bool) -> Any:
        on_test = loops.c.current_test_id.is_not(None)
        rows = conn.execute(
            sa.select(loops.c.id, loops.c.current_test_id)
            .where(
                loops.c.status == "running", on_test if busy else loops.c.current_test_id.is_(None)
            )
            .order_by(loops.c.id)
        ).all()
        return self.rnd.choice(rows) if rows else None

    def _pick(self, conn: Connection) -> bool:
        loop = self._running_loop(conn, busy=False)
        if loop is None:
            return False
        passed = sa.select(tests.c.id).where(tests.c.status == wf.PASSED)
        # Seed 003's "pending tests for a loop", failed ones retried too.
        candidates = conn.execute(
            sa.select(tests.c.id)
            .where(
                tests.c.loop_id == loop.id,
                tests.c.status.in_([wf.PENDING, wf.FAILED]),
                sa.or_(tests.c.depends_on.is_(None), tests.c.depends_on.in_(passed)),
            )
            .order_by(tests.c.id)
            .limit(5)
        ).all()
        if not candidates:
            return False
        test_id = self.rnd.choice(candidates).id
        conn.execute(
            sa.update(tests)
            .where(tests.c.id == test_id)
            .values(status=wf.IN_PROGRESS, last_attempt_at=self.now())
        )
        conn.execute(
            sa.update(loops)
            .where(loops.c.id == loop.id)
            .values(current_test_id=test_id, updated_at=self.now())
        )
        path = self.rnd.choice(texts.FILES)
        held = conn.execute(
            sa.select(file_locks.c.file_path).where(file_locks.c.file_path == path)
        ).first()
        if held is None:
            conn.execute(
                sa.insert(file_locks).values(
                    file_path=path,
                    locked_by=loop.id,
                    locked_at=self.now(),
                    lock_reason=f"working on {test_id}",
                    expires_at=iso(self.clock() + timedelta(minutes=LOCK_MINUTES)),
                    test_id=test_id,
                )
            )
        conn.execute(
            sa.insert(transaction_log).values(
                id=self._uuid(),
                operation="test_pass",
                loop_id=loop.id,
                steps=json.dumps(["lock", "write"]),
                status="in_progress",
                started_at=self.now(),
            )
        )
        self._event(conn, loop.id, "test_started", test_id, test_id=test_id)
        return True

    def _finish(self, conn: Connection) -> bool:
        loop = self._running_loop(conn, busy=True)
        if loop is None:
            return False
        test = conn.execute(
            sa.select(tests.c.id, tests.c.attempts, tests.c.max_attempts, tests.c.status).where(
                tests.c.id == loop.current_test_id
            )
        ).first()
        conn.execute(
            sa.update(loops)
            .where(loops.c.id == loop.id)
            .values(current_test_id=None, updated_at=self.now())
        )
        if test is None or test.status != wf.IN_PROGRESS:
            return True  # a person moved it meanwhile: the loop lets it go
        attempts = (test.attempts or 0) + 1
        if self.rnd.random() < PASS_CHANCE:
            values: dict[str, Any] = {
                "status": wf.PASSED,
                "last_result": "pass",
                "passed_at": self.now(),
            }
            commit = f"{self.rnd.getrandbits(28):07x}"
            conn.execute(
                sa.delete(passing_tests).where(
                    passing_tests.c.test_id == test.id, passing_tests.c.commit_hash == commit
                )
            )
            conn.execute(
                sa.insert(passing_tests).values(
                    test_id=test.id, commit_hash=commit, passed_at=self.now()
                )
            )
            kind = "test_passed"
        elif attempts >= (test.max_attempts or 3):
            values = {"status": wf.BLOCKED, "last_result": "blocked"}
            kind = "test_blocked"
        else:
            values = {"status": wf.FAILED, "last_result": "fail"}
            kind = "test_failed"
        conn.execute(
            sa.update(tests).where(tests.c.id == test.id).values(attempts=attempts, **values)
        )
        conn.execute(sa.delete(file_locks).where(file_locks.c.locked_by == loop.id))
        conn.execute(sa.delete(wait_graph).where(wait_graph.c.waiter == loop.id))
        conn.execute(
            sa.update(transaction_log)
            .where(transaction_log.c.loop_id == loop.id, transaction_log.c.status == "in_progress")
            .values(status="committed", completed_at=self.now())
        )
        conn.execute(
            sa.insert(usage).values(
                id=self._uuid(),
                loop_id=loop.id,
                test_id=test.id,
                tokens_estimated=self.rnd.randint(4_000, 60_000),
                duration_seconds=self.rnd.randint(40, 900),
                files_modified=json.dumps(self.rnd.sample(texts.FILES, 2)),
                recorded_at=self.now(),
            )
        )
        self._event(conn, loop.id, kind, test.id, test_id=test.id, attempts=attempts)
        return True

    def _verify(self, conn: Connection) -> bool:
        row = conn.execute(
            sa.select(tests.c.id)
            .where(tests.c.status == wf.PASSED, tests.c.verified_at.is_(None))
            .limit(1)
        ).first()
        if row is None:
            return False
        conn.execute(sa.update(tests).where(tests.c.id == row.id).values(verified_at=self.now()))
        self._event(conn, "verifier", "test_verified", row.id, test_id=row.id)
        return True

    def _heartbeat(self, conn: Connection) -> bool:
        names = [
            r.id for r in conn.execute(sa.select(loops.c.id).where(loops.c.status == "running"))
        ]
        for name in [*names, "monitor"]:
            updated = conn.execute(
                sa.update(component_health)
                .where(component_health.c.component == name)
                .values(last_heartbeat=self.now(), status="healthy")
            ).rowcount
            if not updated:
                conn.execute(
                    sa.insert(component_health).values(
                        component=name, last_heartbeat=self.now(), status="healthy", metadata="{}"
                    )
                )
        return True

    def _noise(self, conn: Connection) -> bool:
        source = self.rnd.choice([*(loop[0] for loop in texts.LOOPS), "monitor", "pm"])
        self._event(conn, source, self.rnd.choice(texts.EVENT_TYPES), None, note="routine")
        return True

    def _deadlock(self, conn: Connection) -> bool:
        """Two running loops wait for each other; an existing deadlock is broken instead."""
        if conn.execute(sa.select(sa.func.count()).select_from(wait_graph)).scalar_one():
            conn.execute(sa.delete(wait_graph))
            self._event(conn, "monitor", "deadlock_resolved", None)
            return True
        running = [
            r.id
            for r in conn.execute(
                sa.select(loops.c.id).where(loops.c.status == "running").order_by(loops.c.id)
            )
        ]
        if len(running) < 2:
            return False
        a, b = self.rnd.sample(running, 2)
        first, second = self.rnd.sample(texts.FILES, 2)
        conn.execute(
            sa.insert(wait_graph),
            [
                {"waiter": a, "holder": b, "resource": first, "waiting_since": self.now()},
                {"waiter": b, "holder": a, "resource": second, "waiting_since": self.now()},
            ],
        )
        self._event(conn, "monitor", "deadlock_detected", None, loops=[a, b])
        return True

    def _decision(self, conn: Connection) -> bool:
        kind, summary, options, default = self.rnd.choice(texts.DECISIONS)
        decision_id = f"dec-{self.rnd.getrandbits(32):08x}"
        conn.execute(
            sa.insert(decisions).values(
                id=decision_id,
                decision_type=kind,
                summary=summary,
                options=json.dumps(list(options)),
                default_option=default,
                context=json.dumps({"asked_by": "pm"}),
                timeout_minutes=self.rnd.choice([5, 15, 30]),
                status="pending",
                requested_at=self.now(),
                requested_by="pm",
            )
        )
        self._event(conn, "pm", "decision_requested", decision_id, decision_id=decision_id)
        return True

    def _expire(self, conn: Connection) -> bool:
        """Pending decisions past their timeout resolve to their default."""
        now = self.clock()
        pending = conn.execute(
            sa.select(
                decisions.c.id,
                decisions.c.requested_at,
                decisions.c.timeout_minutes,
                decisions.c.default_option,
            ).where(decisions.c.status == "pending")
        ).all()
        expired = 0
        for d in pending:
            try:
                asked = datetime.fromisoformat(str(d.requested_at).replace("Z", "+00:00"))
            except ValueError:
                continue
            if asked.tzinfo is None:
                asked = asked.replace(tzinfo=UTC)
            if d.timeout_minutes is not None and asked + timedelta(minutes=d.timeout_minutes) < now:
                expired += conn.execute(
                    sa.update(decisions)
                    .where(decisions.c.id == d.id, decisions.c.status == "pending")
                    .values(
                        status="auto_resolved",
                        decided_at=self.now(),
                        decided_by="auto",
                        choice=d.default_option,
                    )
                ).rowcount
        return bool(expired)

    def _alert(self, conn: Connection) -> bool:
        severity, kind, source, message = self.rnd.choice(texts.ALERTS)
        conn.execute(
            sa.insert(alerts).values(
                id=f"alert-{self.rnd.getrandbits(32):08x}",
                severity=severity,
                alert_type=kind,
                source=source,
                message=message,
                context="{}",
                acknowledged=0,
                created_at=self.now(),
            )
        )
        return True


def run_simulation(
    db_path: Path,
    *,
    rate: float = 5.0,
    duration: float | None = None,
    seed: int | None = None,
    stop: threading.Event | None = None,
    steps: int | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> SimulationReport:
    """About `rate` changes a second until `duration` passes, `steps` changes (idle ones
    included) are made, or `stop` is set. Timestamps come from `clock`."""
    if rate <= 0:
        raise ValueError("rate must be a positive number of changes per second")
    rnd = random.Random(seed)
    stop = stop or threading.Event()
    db = open_engine(db_path)
    report = SimulationReport()
    kinds, weights = list(CHANGE_WEIGHTS), list(CHANGE_WEIGHTS.values())
    interval = 1.0 / rate
    started = time.monotonic()
    deadline = None if duration is None else started + duration
    next_at = started
    try:
        simulator = _Simulator(db, rnd, clock)
        db.write_with_retry(simulator.claim_loops)
        while not stop.is_set() and (steps is None or len(report.log) < steps):
            if deadline is not None and time.monotonic() >= deadline:
                break
            kind = rnd.choices(kinds, weights)[0]
            if simulator.change(kind):
                report.changes += 1
                report.tally[kind] += 1
            else:
                report.idle += 1
            report.log.append(kind)
            next_at += interval
            stop.wait(max(0.0, next_at - time.monotonic()))
    finally:
        db.dispose()
    return report
