"""The one way a card changes state: compare-and-set on the state seen, plus its audit row.

Used inside a write transaction by the app's actions and by the simulator alike.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.engines.sql import now_text
from ringmaster_tui.sources.ringmaster.models import TABLES

NOW = now_text()


def _move_statement(stamped: bool) -> sa.Update:
    cards = TABLES["cards"]
    return (
        sa.update(cards)
        .where(cards.c.id == sa.bindparam("moved_card"), cards.c.state == sa.bindparam("seen"))
        .values(
            state=sa.bindparam("target"),
            previous_state=sa.bindparam("seen"),
            state_changed_at=sa.bindparam("stamp") if stamped else NOW,
        )
    )


# Built once (with the database's time, and with a given one): the simulator moves a
# card on most of its steps, and building a statement costs more than running it.
_MOVE = {stamped: _move_statement(stamped) for stamped in (False, True)}
_RECORD = sa.insert(TABLES["state_transitions"])


def move_card(
    conn: Connection,
    card_id: str,
    from_state: str,
    to_state: str,
    trigger: str,
    metadata: dict[str, Any],
    at: datetime | None = None,
) -> bool:
    """Move the card only if it is still in `from_state`; record the move if it happened.

    Stamped with the database's time, or with `at` (a simulator running on its own clock).
    Returns False, having written nothing, when the card has moved meanwhile (or is gone).
    """
    stamp = None if at is None else sqlite_timestamp(at)
    moved = conn.execute(
        _MOVE[stamp is not None],
        {"moved_card": card_id, "seen": from_state, "target": to_state, "stamp": stamp},
    )
    if moved.rowcount != 1:
        return False
    values: dict[str, Any] = {
        "card_id": card_id,
        "from_state": from_state,
        "to_state": to_state,
        "trigger": trigger,
        "metadata": json.dumps(metadata, sort_keys=True),
    }
    if stamp is not None:
        values["created_at"] = stamp
    conn.execute(_RECORD, values)
    return True
