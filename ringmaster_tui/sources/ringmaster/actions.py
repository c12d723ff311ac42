"""What a person does from the dashboard, as compare-and-set writes on Ringmaster's schema.

Each action is one write transaction. It checks that the row is still as the user saw it;
if the orchestrator got there first nothing is written and the outcome says so.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from ringmaster_tui.domain.outcome import Moved, Outcome
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.sources.ringmaster import models as m
from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.transitions import NOW, move_card

cards = m.TABLES["cards"]
criteria = m.TABLES["acceptance_criteria"]
errors = m.TABLES["errors"]
alerts = m.TABLES["alerts"]
decisions = m.TABLES["decisions"]

log = logging.getLogger(__name__)

AnyRow: TypeAlias = Row[*tuple[Any, ...]]

APP_NAME = "ringmaster-tui"


class Actions:
    """The writes one user makes; who they are is recorded with each."""

    def __init__(self, db: Engine, user: str) -> None:
        self.db = db
        self.user = user

    def _metadata(self, **extra: Any) -> dict[str, Any]:
        return {"by": self.user, "via": APP_NAME, "host": socket.gethostname(), **extra}

    def transition(
        self, card_id: str, seen_state: str, trigger: str, to_state: str, **extra: Any
    ) -> Outcome:
        """Move a card from the state the user saw, if the trigger's guard allows it."""
        if not self.db.writable:
            return _read_only(self.db)

        def work(conn: Connection) -> Outcome:
            card = conn.execute(
                sa.select(cards.c.state, cards.c.title, cards.c.pull_request_url).where(
                    cards.c.id == card_id
                )
            ).first()
            if card is None:
                return Outcome(ok=False, message="The card no longer exists; nothing was written.")
            title = (card.title or "")[:80]
            if card.state != seen_state:
                return Outcome(
                    ok=False,
                    message=f"“{title}” moved to {card.state} meanwhile "
                    f"(you saw {seen_state}); nothing was written.",
                )
            refusal = self._refusal(conn, card_id, trigger, card.pull_request_url)
            if refusal:
                return Outcome(ok=False, message=f"Cannot {trigger} “{title}”: {refusal}.")
            if not move_card(conn, card_id, seen_state, to_state, trigger, self._metadata(**extra)):
                return Outcome(ok=False, message="The card moved meanwhile; nothing was written.")
            moved = Moved(
                card_id=card_id,
                card_title=title,
                from_state=seen_state,
                to_state=to_state,
                trigger=trigger,
            )
            return Outcome(ok=True, message=f"“{title}”: {seen_state} → {to_state}", moved=moved)

        return self._run(f"{trigger} {card_id} ({seen_state} -> {to_state})", work)

    def _run(self, what: str, work: Callable[[Connection], Outcome]) -> Outcome:
        """One compare-and-set write, logged with its outcome (or its error)."""
        try:
            outcome = self.db.write_with_retry(work)
        except Exception:
            log.exception("%s by %s failed; nothing was written", what, self.user)
            raise
        log.info("%s by %s: %s", what, self.user, outcome.message)
        return outcome

    def _refusal(
        self, conn: Connection, card_id: str, trigger: str, pull_request_url: str | None
    ) -> str | None:
        move = sm.WORKFLOW.move_named(trigger)
        if move is None:
            return None  # force and undo carry their own confirmation
        criteria_count = conn.execute(
            sa.select(sa.func.count()).where(criteria.c.card_id == card_id)
        ).scalar_one()
        facts = sm.CardFacts(acceptance_criteria=criteria_count, pull_request_url=pull_request_url)
        return sm.refusal(move, facts)

    def undo(self, moved: Moved) -> Outcome:
        """Move the card back, if it is still where this app put it; recorded as `undo`."""
        return self.transition(
            moved.card_id, moved.to_state, sm.UNDO, moved.from_state, undoes=moved.trigger
        )

    def resolve_error(self, error_id: str) -> Outcome:
        return self._update_where(
            f"resolve error {error_id}",
            errors,
            [errors.c.id == error_id, errors.c.resolved == 0],
            {"resolved": 1, "resolved_at": NOW},
            done="Error marked resolved.",
            lost="The error was already resolved; nothing was written.",
        )

    def acknowledge_alerts(self, alert_ids: Sequence[str]) -> Outcome:
        """Acknowledge exactly the alerts the user was shown, each only where it is still
        unacknowledged; the outcome says how many changed and what became of the rest."""
        ids = tuple(dict.fromkeys(alert_ids))
        if not ids:
            return Outcome(ok=False, message="No alert to acknowledge.")
        if not self.db.writable:
            return _read_only(self.db)

        def work(conn: Connection) -> Outcome:
            # Read under the write lock, so what was found is what the update then meets.
            found: dict[str, AnyRow] = {}
            changed = 0
            for chunk in _chunks(ids):
                rows = conn.execute(
                    sa.select(alerts.c.id, alerts.c.acknowledged, alerts.c.acknowledged_by).where(
                        alerts.c.id.in_(chunk)
                    )
                ).all()
                found.update((row.id, row) for row in rows)
                changed += conn.execute(
                    sa.update(alerts)
                    .where(alerts.c.id.in_(chunk), alerts.c.acknowledged == 0)
                    .values(acknowledged=1, acknowledged_by=self.user, acknowledged_at=NOW)
                ).rowcount
            earlier = [row for row in found.values() if row.acknowledged != 0]
            gone = len(ids) - len(found)
            return _acknowledged_outcome(len(ids), changed, earlier, gone)

        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        return self._run(f"acknowledge {len(ids)} alert(s) ({shown})", work)

    def decide(self, decision_id: str, choice: str, comment: str | None) -> Outcome:
        return self._update_where(
            f"decide {decision_id}",
            decisions,
            [decisions.c.id == decision_id, decisions.c.status == "pending"],
            {
                "status": "decided",
                "decided_at": NOW,
                "decided_by": self.user,
                "choice": choice,
                "comment": comment or None,
            },
            done=f"Decided: {choice}",
            lost="This decision was settled meanwhile (decided or auto-resolved); "
            "nothing was written.",
        )

    def _update_where(
        self,
        what: str,
        table: sa.Table,
        where: list[sa.ColumnElement[bool]],
        values: dict[str, Any],
        *,
        done: str,
        lost: str,
    ) -> Outcome:
        """One compare-and-set UPDATE: `where` holds the state the user saw."""
        if not self.db.writable:
            return _read_only(self.db)

        def work(conn: Connection) -> Outcome:
            changed = conn.execute(sa.update(table).where(*where).values(**values)).rowcount
            if not changed:
                return Outcome(ok=False, message=lost)
            return Outcome(ok=True, message=done.format(n=changed), changed=changed)

        return self._run(what, work)


# How much of a name read from the database an outcome quotes.
NAME_CHARS = 40
# Ids per `IN (...)`: well under every engine's limit on parameters.
IDS_PER_STATEMENT = 500


def _chunks(ids: Sequence[str]) -> list[Sequence[str]]:
    return [ids[i : i + IDS_PER_STATEMENT] for i in range(0, len(ids), IDS_PER_STATEMENT)]


def _alerts(number: int) -> str:
    return f"{number:,} alert{'' if number == 1 else 's'}"


def _the(number: int) -> str:
    return "the alert" if number == 1 else f"the {_alerts(number)}"


def _acknowledged_outcome(
    asked: int, changed: int, earlier: Sequence[AnyRow], gone: int
) -> Outcome:
    """What acknowledging `asked` alerts did: `changed` of them, the `earlier` ones were
    acknowledged by someone else meanwhile, `gone` no longer exist."""
    if changed == asked:
        return Outcome(ok=True, message=f"Acknowledged {_alerts(changed)}.", changed=changed)
    if asked == 1:
        if earlier:
            who = (earlier[0].acknowledged_by or "someone else")[:NAME_CHARS]
            return Outcome(
                ok=False,
                message=f"That alert was already acknowledged by {who}; nothing was written.",
            )
        return Outcome(ok=False, message="That alert no longer exists; nothing was written.")
    rest: list[str] = []
    if earlier:
        names = sorted({(row.acknowledged_by or "someone")[:NAME_CHARS] for row in earlier})
        who = ", ".join(names[:3]) + (" and others" if len(names) > 3 else "")
        verb = "was" if len(earlier) == 1 else "were"
        rest.append(f"{len(earlier):,} {verb} already acknowledged by someone else ({who})")
    if gone:
        rest.append(f"{gone:,} no longer exist{'s' if gone == 1 else ''}")
    if not changed:
        return Outcome(
            ok=False,
            message=f"Nothing was written: of {_the(asked)}, " + "; ".join(rest) + ".",
        )
    return Outcome(
        ok=True,
        message=f"Acknowledged {changed:,} of {_the(asked)}; " + "; ".join(rest) + ".",
        changed=changed,
    )


def _read_only(db: Engine) -> Outcome:
    log.info("write refused: %s is read-only (%s)", db.label, db.read_only_reason)
    return Outcome(ok=False, message=f"Read-only: {db.read_only_reason or 'writes are disabled'}.")
