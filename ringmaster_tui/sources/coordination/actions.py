"""What a person does from the dashboard, as compare-and-set writes on the coordination
database: each one write transaction that changes a row only if it is still as the user
saw it, and publishes an event from `human` (seed 003's audit channel) when it did."""

from __future__ import annotations

import json
import logging
import socket
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.outcome import Moved, Outcome
from ringmaster_tui.domain.timefmt import utc_now
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.sources.coordination import workflow as wf
from ringmaster_tui.sources.coordination.tables import (
    alerts,
    change_requests,
    decisions,
    events,
    tests,
)

log = logging.getLogger(__name__)

APP_NAME = "ringmaster-tui"
HUMAN = "human"
# The bus's priorities: 1 is the highest. A person's moves matter to the loops.
HUMAN_EVENT_PRIORITY = 2
ID_CHUNK = 500


def iso(moment: datetime) -> str:
    """A timestamp as seed 003 stores them: ISO 8601, UTC."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class Actions:
    """The writes one user makes; who they are goes into each one."""

    def __init__(self, db: Engine, user: str, clock: Callable[[], datetime] = utc_now) -> None:
        self.db = db
        self.user = user
        self.clock = clock

    def _event(
        self, conn: Connection, event_type: str, correlation_id: str, **payload: Any
    ) -> None:
        body = {**payload, "by": self.user, "via": APP_NAME, "host": socket.gethostname()}
        conn.execute(
            sa.insert(events).values(
                id=str(uuid.uuid4()),
                timestamp=iso(self.clock()),
                source=HUMAN,
                event_type=event_type,
                payload=json.dumps(body, ensure_ascii=False),
                correlation_id=correlation_id,
                priority=HUMAN_EVENT_PRIORITY,
                acknowledged=0,
            )
        )

    def _run(self, what: str, work: Callable[[Connection], Outcome]) -> Outcome:
        if not self.db.writable:
            log.info("write refused: %s is read-only (%s)", self.db.label, self.db.read_only_reason)
            return Outcome(
                ok=False, message=f"Read-only: {self.db.read_only_reason or 'writes are disabled'}."
            )
        try:
            outcome = self.db.write_with_retry(work)
        except Exception:
            log.exception("%s by %s failed; nothing was written", what, self.user)
            raise
        log.info("%s by %s: %s", what, self.user, outcome.message)
        return outcome

    # --- a test's moves ---

    def transition(
        self, test_id: str, seen: str, trigger: str, to_state: str, note: str | None = None
    ) -> Outcome:
        """Move a test from the status the user saw, if the move (or force) allows it."""
        move = wf.WORKFLOW.move_named(trigger)
        if trigger == wf.FORCE:
            if to_state not in wf.FORCE_TARGETS:
                allowed = ", ".join(sorted(wf.FORCE_TARGETS))
                return Outcome(
                    ok=False,
                    message=f"A test is only forced to {allowed}: {to_state} is a loop's "
                    "to record; nothing was written.",
                )
        elif move is None or to_state != move.to_state:
            return Outcome(ok=False, message=f"No {trigger} move to {to_state} for a test.")

        def work(conn: Connection) -> Outcome:
            row = conn.execute(
                sa.select(tests.c.status, tests.c.attempts, tests.c.max_attempts).where(
                    tests.c.id == test_id
                )
            ).first()
            if row is None:
                return Outcome(
                    ok=False, message=f"{test_id} no longer exists; nothing was written."
                )
            if row.status != seen:
                return Outcome(
                    ok=False,
                    message=f"{test_id} is {row.status} now (you saw {seen}); nothing was written.",
                )
            if move is not None and trigger != wf.FORCE:
                if seen not in move.from_states:
                    return Outcome(ok=False, message=f"Cannot {trigger} {test_id}: it is {seen}.")
                refusal = wf.refusal(trigger, row.attempts, row.max_attempts)
                if refusal:
                    return Outcome(ok=False, message=f"Cannot {trigger} {test_id}: {refusal}.")
            changed = conn.execute(
                sa.update(tests)
                .where(tests.c.id == test_id, tests.c.status == seen)
                .values(status=to_state)
            ).rowcount
            if not changed:
                return Outcome(
                    ok=False, message=f"{test_id} changed meanwhile; nothing was written."
                )
            extra = {"note": note} if note else {}
            self._event(
                conn,
                wf.EVENT_TYPES[trigger],
                test_id,
                test_id=test_id,
                trigger=trigger,
                from_status=seen,
                to_status=to_state,
                attempts=row.attempts,
                max_attempts=row.max_attempts,
                **extra,
            )
            moved = Moved(
                card_id=test_id,
                card_title=test_id,
                from_state=seen,
                to_state=to_state,
                trigger=trigger,
            )
            return Outcome(
                ok=True, message=f"{test_id}: {seen} → {to_state} ({trigger})", moved=moved
            )

        return self._run(f"{trigger} {test_id} ({seen} -> {to_state})", work)

    # --- decisions, alerts, events, change requests ---

    def decide(self, decision_id: str, choice: str, comment: str | None) -> Outcome:
        def work(conn: Connection) -> Outcome:
            changed = conn.execute(
                sa.update(decisions)
                .where(decisions.c.id == decision_id, decisions.c.status == "pending")
                .values(
                    status="decided",
                    decided_at=iso(self.clock()),
                    decided_by=self.user,
                    choice=choice,
                    comment=comment or None,
                )
            ).rowcount
            if not changed:
                return Outcome(
                    ok=False,
                    message="This decision was settled meanwhile (decided, auto-resolved or "
                    "expired); nothing was written.",
                )
            self._event(conn, "decision_made", decision_id, decision_id=decision_id, choice=choice)
            return Outcome(ok=True, message=f"Decided: {choice}", changed=1)

        return self._run(f"decide {decision_id}", work)

    def acknowledge_alerts(self, alert_ids: Sequence[str]) -> Outcome:
        if not alert_ids:
            return Outcome(ok=False, message="No alert to acknowledge.")
        return self._acknowledge(alerts, alert_ids, "alert")

    def acknowledge_events(self, event_ids: Sequence[str]) -> Outcome:
        if not event_ids:
            return Outcome(ok=False, message="No unacknowledged event to acknowledge.")
        return self._acknowledge(events, event_ids, "event")

    def _acknowledge(self, table: sa.Table, ids: Sequence[str], noun: str) -> Outcome:
        unique = list(dict.fromkeys(ids))

        def work(conn: Connection) -> Outcome:
            changed = 0
            for start in range(0, len(unique), ID_CHUNK):
                chunk = unique[start : start + ID_CHUNK]
                changed += conn.execute(
                    sa.update(table)
                    .where(table.c.id.in_(chunk), table.c.acknowledged == 0)
                    .values(
                        acknowledged=1, acknowledged_by=self.user, acknowledged_at=iso(self.clock())
                    )
                ).rowcount
            if not changed:
                which = f"That {noun} was" if len(unique) == 1 else f"Those {noun}s were"
                return Outcome(
                    ok=False, message=f"{which} already acknowledged; nothing was written."
                )
            lost = len(unique) - changed
            more = f"; {lost} had been acknowledged meanwhile" if lost else ""
            return Outcome(
                ok=True, message=f"Acknowledged {changed} {noun}(s){more}.", changed=changed
            )

        return self._run(f"acknowledge {noun}s {', '.join(unique[:20])}", work)

    def resolve_change_request(self, request_id: str, seen: str | None, status: str) -> Outcome:
        """Approve or reject a pending change request (resolved_by `human`, as seed 003 says)."""
        if seen != "pending":
            return Outcome(ok=False, message=f"Only a pending change request can be {status}.")

        def work(conn: Connection) -> Outcome:
            changed = conn.execute(
                sa.update(change_requests)
                .where(change_requests.c.id == request_id, change_requests.c.status == "pending")
                .values(status=status, resolved_at=iso(self.clock()), resolved_by=HUMAN)
            ).rowcount
            if not changed:
                return Outcome(
                    ok=False,
                    message="This change request was resolved meanwhile; nothing was written.",
                )
            self._event(conn, f"change_request_{status}", request_id, change_request_id=request_id)
            return Outcome(ok=True, message=f"Change request {request_id} {status}.", changed=1)

        return self._run(f"{status} change request {request_id}", work)
