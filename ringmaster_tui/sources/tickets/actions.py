"""What a person does to a ticket: comment, close, reopen, send back to an earlier stage.

Each is one write transaction. It reads the ticket again, holding its row, and goes on
only if it is still where the user saw it (its board state); the UPDATE itself repeats
the columns it read (compare-and-set), and a comment records who did it and why
(worker_type `human`, the user as worker_id). If the orchestrator got there first
nothing is written and the outcome says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.outcome import Outcome
from ringmaster_tui.domain.timefmt import utc_now
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.sources.tickets.filters import AnyRow, stored_time
from ringmaster_tui.sources.tickets.plan import Position, parse_plan, position, stage_before
from ringmaster_tui.sources.tickets.schema import comments, tickets
from ringmaster_tui.sources.tickets.workflow import CLOSE, COMMENT, REOPEN, SEND_BACK

log = logging.getLogger(__name__)

HUMAN = "human"
"""The worker_type of a comment a person wrote from the dashboard."""
TITLE_CHARS = 80


def earlier_stages(plan_text: str | None, at: Position) -> tuple[str, ...]:
    """The stages a ticket can be sent back to: those its plan has already done."""
    stages = parse_plan(plan_text)
    if stages is None or at.state == "Closed":
        return ()
    return tuple(dict.fromkeys(stages[: at.done]))


class Actions:
    def __init__(self, db: Engine, user: str, clock: Callable[[], datetime] = utc_now) -> None:
        self.db = db
        self.user = user
        self.clock = clock

    def move_targets(self, ticket_id: str, trigger: str) -> tuple[str, ...]:
        if trigger != SEND_BACK:
            return ()
        with self.db.read() as conn:
            ticket = _ticket(conn, ticket_id)
        if ticket is None:
            return ()
        return earlier_stages(ticket.execution_plan, _position(ticket))

    def transition(
        self, ticket_id: str, seen_state: str, trigger: str, to_state: str, note: str | None
    ) -> Outcome:
        if not self.db.writable:
            reason = self.db.read_only_reason or "writes are disabled"
            return Outcome(ok=False, message=f"Read-only: {reason}.")
        if trigger not in (COMMENT, CLOSE, REOPEN, SEND_BACK):
            return Outcome(ok=False, message=f"A ticket has no {trigger} move.")
        why = (note or "").strip()

        def work(conn: Connection) -> Outcome:
            ticket = _ticket(conn, ticket_id, lock=True)
            if ticket is None:
                return Outcome(ok=False, message=_lost("The ticket no longer exists", why))
            title = str(ticket.title)[:TITLE_CHARS]
            at = _position(ticket)
            if at.state != seen_state:
                return Outcome(
                    ok=False,
                    message=_lost(
                        f"“{title}” moved to {at.state} meanwhile (you saw {seen_state})", why
                    ),
                )
            now = stored_time(self.clock())
            if trigger == COMMENT:
                self._comment(conn, ticket_id, at, why, now)
                return Outcome(ok=True, message=f"Comment added to “{title}”.")
            values: dict[str, str | None]
            if trigger == SEND_BACK:
                targets = earlier_stages(ticket.execution_plan, at)
                if to_state not in targets:
                    return Outcome(
                        ok=False,
                        message=f"Cannot send “{title}” back to {to_state}: its plan has "
                        f"done {', '.join(targets) or 'no stage'} so far; nothing was written.",
                    )
                stages = parse_plan(ticket.execution_plan) or ()
                values = {"last_completed_stage": stage_before(stages, to_state)}
                done, record = f"“{title}” sent back to {to_state}.", f"Sent back to {to_state}"
            elif trigger == CLOSE:
                values = {"closed_at": now}
                done, record = f"“{title}” closed.", "Closed"
            else:
                values = {"closed_at": None}
                done, record = f"“{title}” reopened.", "Reopened"
            changed = conn.execute(
                sa.update(tickets)
                .where(
                    tickets.c.ticket_id == ticket_id,
                    tickets.c.execution_plan == ticket.execution_plan,
                    tickets.c.last_completed_stage == ticket.last_completed_stage,
                    tickets.c.closed_at.is_(None)
                    if ticket.closed_at is None
                    else tickets.c.closed_at == ticket.closed_at,
                )
                .values(updated_at=now, **values)
            ).rowcount
            if changed != 1:
                return Outcome(ok=False, message=_lost(f"“{title}” changed meanwhile", why))
            moved = _position(_ticket(conn, ticket_id))
            content = f"{record} by {self.user}" + (f": {why}" if why else ".")
            self._comment(conn, ticket_id, moved, content, now)
            return Outcome(ok=True, message=f"{done} Now in {moved.state}.", changed=1)

        try:
            outcome = self.db.write_with_retry(work)
        except Exception:
            log.exception("%s %s by %s failed; nothing was written", trigger, ticket_id, self.user)
            raise
        log.info("%s %s by %s: %s", trigger, ticket_id, self.user, outcome.message)
        return outcome

    def _comment(self, conn: Connection, ticket_id: str, at: Position, text: str, now: str) -> None:
        conn.execute(
            sa.insert(comments).values(
                ticket_id=ticket_id,
                worker_type=HUMAN,
                worker_id=self.user,
                stage_number=at.current_number,
                content=text or f"(empty comment by {self.user})",
                created_at=now,
            )
        )


def _ticket(conn: Connection, ticket_id: str, *, lock: bool = False) -> AnyRow | None:
    """The ticket's columns the actions compare; `lock`: hold its row until the write
    transaction ends (FOR UPDATE on PostgreSQL, where another writer could otherwise move
    it between this read and the comment written about it; SQLite's write transaction
    holds the whole database already and takes no such clause)."""
    statement = sa.select(
        tickets.c.title,
        tickets.c.execution_plan,
        tickets.c.last_completed_stage,
        tickets.c.closed_at,
    ).where(tickets.c.ticket_id == ticket_id)
    if lock:
        statement = statement.with_for_update()
    return conn.execute(statement).first()


def _position(ticket: AnyRow | None) -> Position:
    assert ticket is not None  # read in the same transaction that just changed it
    return position(
        ticket.execution_plan, ticket.last_completed_stage, closed=ticket.closed_at is not None
    )


def _lost(what: str, why: str) -> str:
    """Nothing written; what the user typed is repeated so it is not lost."""
    kept = f" What you wrote: {why}" if why else ""
    return f"{what}; nothing was written.{kept}"
