"""What a person does to an episode, as compare-and-set writes: archive a finished one,
mark a stalled active one failed. Each is one write transaction that checks the episode
is still as the user saw it (and, to mark it failed, still stalled), and records who did
it, when and why in the episode's metadata JSON (seed 004 has no audit table).

Metadata that is not a JSON object is never overwritten: the write is refused and says
why, so nothing the agent stored is lost.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.outcome import Outcome
from ringmaster_tui.domain.timefmt import short_duration, sqlite_timestamp
from ringmaster_tui.domain.values import to_json_text, to_moment
from ringmaster_tui.domain.workflow import Move
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.sources.episodes import workflow as wf
from ringmaster_tui.sources.episodes.schema import episodes, steps

log = logging.getLogger(__name__)

APP_NAME = "ringmaster-tui"
# Where in an episode's metadata the dashboard records what a person did.
AUDIT_KEY = "ringmaster_tui"
NOTHING = "nothing was written"


class EpisodeActions:
    def __init__(self, db: Engine, user: str, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.user = user
        self.clock = clock

    def archive(self, episode_id: str, seen_status: str, note: str | None) -> Outcome:
        return self._move(episode_id, seen_status, wf.ARCHIVE, note)

    def mark_failed(self, episode_id: str, seen_status: str, note: str | None) -> Outcome:
        return self._move(episode_id, seen_status, wf.MARK_FAILED, note)

    def _move(self, episode_id: str, seen: str, move: Move, note: str | None) -> Outcome:
        if not self.db.writable:
            reason = self.db.read_only_reason or "writes are disabled"
            return Outcome(ok=False, message=f"Read-only: {reason}.")
        if seen not in move.from_states:
            return Outcome(
                ok=False,
                message=f"Cannot {_verb(move)} an episode that is {seen}; "
                f"only one that is {' or '.join(move.from_states)}.",
            )
        now = self.clock()

        def work(conn: Connection) -> Outcome:
            row = conn.execute(
                sa.select(episodes.c.status, episodes.c.metadata, episodes.c.created_at).where(
                    episodes.c.id == episode_id
                )
            ).first()
            if row is None:
                return Outcome(
                    ok=False, message="The episode no longer exists; nothing was written."
                )
            if row.status != seen:
                return Outcome(
                    ok=False,
                    message=f"The episode is {row.status} now (you saw it {seen}); "
                    "nothing was written.",
                )
            if move.guard is wf.IS_STALLED:
                refusal = _not_stalled(conn, episode_id, row.created_at, now)
                if refusal:
                    return Outcome(ok=False, message=f"Cannot mark it failed: {refusal}.")
            merged = self._recorded(row.metadata, move, seen, note, now)
            if isinstance(merged, Outcome):
                return merged
            values: dict[str, Any] = {"status": move.to_state, "metadata": merged}
            if move is wf.MARK_FAILED:
                values["completed_at"] = sqlite_timestamp(now)
            changed = conn.execute(
                sa.update(episodes)
                .where(
                    episodes.c.id == episode_id,
                    episodes.c.status == seen,
                    _same(episodes.c.metadata, row.metadata),
                )
                .values(**values)
            ).rowcount
            if changed != 1:
                return Outcome(
                    ok=False, message="The episode changed meanwhile; nothing was written."
                )
            return Outcome(ok=True, message=f"Episode {seen} → {move.to_state}.", changed=changed)

        try:
            outcome = self.db.write_with_retry(work)
        except Exception:
            log.exception(
                "%s %s by %s failed; nothing was written", move.trigger, episode_id, self.user
            )
            raise
        log.info("%s %s by %s: %s", move.trigger, episode_id, self.user, outcome.message)
        return outcome

    def _recorded(
        self, stored: object, move: Move, seen: str, note: str | None, now: datetime
    ) -> str | Outcome:
        """The metadata with this action added under AUDIT_KEY, or a refusal."""
        parsed = to_json_text(stored)
        if parsed is None:
            data: dict[str, Any] = {}
        elif isinstance(parsed.value, dict) and parsed.parses:
            data = dict(parsed.value)
        else:
            return Outcome(
                ok=False,
                message="Its metadata is not a JSON object, so what this would record "
                "cannot be added to it; nothing was written.",
            )
        audit = data.get(AUDIT_KEY)
        history = list(audit) if isinstance(audit, list) else ([audit] if audit else [])
        history.append(
            {
                "action": move.trigger,
                "by": self.user,
                "at": sqlite_timestamp(now),
                "from": seen,
                "to": move.to_state,
                "note": note,
                "via": APP_NAME,
                "host": socket.gethostname(),
            }
        )
        data[AUDIT_KEY] = history
        if move is wf.MARK_FAILED:
            data["failed_by"] = self.user
        if move is wf.ARCHIVE:
            data["archived_by"] = self.user
        return json.dumps(data, ensure_ascii=False)


def _verb(move: Move) -> str:
    return str(move.trigger).replace("_", " ")


def _same(column: sa.ColumnElement[Any], value: object) -> sa.ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _not_stalled(
    conn: Connection, episode_id: str, created_at: object, now: datetime
) -> str | None:
    """Why the episode is not stalled now (read in the write), or None when it is."""
    last = conn.execute(
        sa.select(sa.func.max(steps.c.timestamp)).where(steps.c.episode_id == episode_id)
    ).scalar()
    moment = to_moment(last) or to_moment(created_at)
    if wf.is_stalled(moment, now):
        return None
    assert moment is not None  # never heard of counts as stalled
    return (
        f"its last step was {short_duration((now - moment).total_seconds())} ago, "
        f"under the {short_duration(wf.STALL_SECONDS)} that makes an episode stalled"
    )
