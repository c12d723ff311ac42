"""The one way a card changes state: compare-and-set on the state seen, plus its audit row.

Used inside a write transaction by the app's actions and by the simulator alike.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.engines.sql import now_text
from ringmaster_tui.sources.ringmaster.models import TABLES

NOW = now_text()


def move_card(
    conn: Connection,
    card_id: str,
    from_state: str,
    to_state: str,
    trigger: str,
    metadata: dict[str, Any],
) -> bool:
    """Move the card only if it is still in `from_state`; record the move if it happened.

    Returns False, having written nothing, when the card has moved meanwhile (or is gone).
    """
    cards = TABLES["cards"]
    moved = conn.execute(
        sa.update(cards)
        .where(cards.c.id == card_id, cards.c.state == from_state)
        .values(state=to_state, previous_state=from_state, state_changed_at=NOW)
    )
    if moved.rowcount != 1:
        return False
    conn.execute(
        sa.insert(TABLES["state_transitions"]).values(
            card_id=card_id,
            from_state=from_state,
            to_state=to_state,
            trigger=trigger,
            metadata=json.dumps(metadata, sort_keys=True),
        )
    )
    return True
