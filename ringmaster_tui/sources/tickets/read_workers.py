"""Workers: the view of every worker (this source's loops), and which worker is on a card.

A worker is on a ticket when it is active, its type is the ticket's next stage, it works
for the ticket's project and its queue names the ticket ("coder:T-12"); a queue that
names no ticket tells nothing, and the card shows no worker.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.rules import silent_too_long
from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import Column, Fact, FactKind, TableData, TableRow, text_fact
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.sources.tickets.filters import AnyRow, matches
from ringmaster_tui.sources.tickets.schema import tickets, workers

VIEW_ID = "loops"
# A live worker (spawning, active, idle) heard from longer ago than this is stalled.
STALLED_WORKER_SECONDS = 10 * 60
LIVE_STATUSES = ("spawning", "active", "idle")
# Active workers read for the board's cards at most (a fleet is far smaller).
ACTIVE_LIMIT = 2000

_QUEUE_WORDS = re.compile(r"[\s:/,;|#@]+")

PidAlive = Callable[[int], bool]


def local_pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (signal 0 checks, sends nothing)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    except OSError:
        return False
    return True


def queue_names(queue: str | None, ticket_id: str) -> bool:
    """The queue names this ticket: it is the ticket's id, or one of its words."""
    if not queue:
        return False
    return queue == ticket_id or ticket_id in queue_words(queue)


@dataclass
class ActiveWorkers:
    """The active workers, by project and type, to find the one on each card."""

    by_kind: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)

    def on(self, ticket_id: str, project_id: str, stage: str) -> str | None:
        for worker_id, queue in self.by_kind.get((project_id, stage), ()):
            if queue_names(queue, ticket_id):
                return worker_id
        return None


def read_active_workers(conn: Connection) -> ActiveWorkers:
    rows = conn.execute(
        sa.select(
            workers.c.worker_id, workers.c.project_id, workers.c.worker_type, workers.c.queue_name
        )
        .where(workers.c.status == "active")
        .order_by(workers.c.status, workers.c.last_activity.desc(), workers.c.worker_id.desc())
        .limit(ACTIVE_LIMIT)
    ).all()
    found = ActiveWorkers()
    for worker_id, project_id, worker_type, queue in rows:
        found.by_kind.setdefault((project_id, worker_type), []).append((worker_id, queue))
    return found


COLUMNS = (
    Column("worker", "worker", 14, flex=True),
    Column("type", "type", 10),
    Column("status", "status", 9),
    Column("pid", "pid", 11, drop=2),
    Column("queue", "queue", 16, drop=3),
    Column("started", "started", 8, drop=1),
    Column("activity", "last seen", 9),
    Column("stalled", "", 8),
)

_STATUS_TONES = {
    "spawning": Tone.WAITING,
    "active": Tone.ACTIVE,
    "idle": Tone.PLAIN,
    "finished": Tone.MUTED,
    "failed": Tone.BAD,
}


def read_workers_table(
    conn: Connection, query: BoardQuery, now: datetime, pid_alive: PidAlive | None
) -> TableData:
    """Every worker, last heard from first; `pid_alive` checks pids (None: not local)."""
    where = []
    text = query.text_of(VIEW_ID)
    if text:
        where.append(
            matches(
                text,
                workers.c.worker_id,
                workers.c.worker_type,
                workers.c.status,
                workers.c.queue_name,
                workers.c.project_id,
            )
        )
    total = conn.execute(sa.select(sa.func.count()).select_from(workers).where(*where)).scalar_one()
    rows = conn.execute(
        sa.select(workers)
        .where(*where)
        .order_by(workers.c.last_activity.desc(), workers.c.worker_id)
        .limit(query.list_limit)
    ).all()
    named = _tickets_named(conn, [str(row.queue_name or "") for row in rows])
    table_rows = tuple(_row(row, now, pid_alive, named) for row in rows)
    stalled = sum(1 for row in table_rows if row.cells["stalled"].text)
    active = sum(1 for row in rows if row.status == "active")
    summary = f"workers · {active} active"
    if stalled:
        summary += f" · {stalled} stalled"
    return TableData(
        columns=COLUMNS,
        rows=table_rows,
        total=total,
        summary=summary,
        empty="No workers." if not text else "No worker matches the filter.",
    )


def _age(value: object, now: datetime) -> Fact:
    moment = to_moment(value)
    if moment is None:
        return text_fact(None)
    return Fact(kind=FactKind.DURATION, number=max((now - moment).total_seconds(), 0.0))


def _pid(pid: int | None, live: bool, pid_alive: PidAlive | None) -> Fact:
    if pid is None:
        return text_fact(None)
    if pid_alive is None or not live:
        return text_fact(str(pid))
    if pid_alive(pid):
        return text_fact(f"{pid} alive", Tone.GOOD)
    return text_fact(f"{pid} gone", Tone.BAD)


def queue_words(queue: str) -> list[str]:
    return [word for word in _QUEUE_WORDS.split(queue) if word]


def _tickets_named(conn: Connection, queues: list[str]) -> set[str]:
    """The tickets (that exist) some of these queues name: enter opens them."""
    words = sorted({word for queue in queues for word in (queue, *queue_words(queue)) if word})
    found: set[str] = set()
    for start in range(0, len(words), 500):  # SQLite's bound parameters, in chunks
        chunk = words[start : start + 500]
        found.update(
            conn.execute(
                sa.select(tickets.c.ticket_id).where(tickets.c.ticket_id.in_(chunk))
            ).scalars()
        )
    return found


def _row(row: AnyRow, now: datetime, pid_alive: PidAlive | None, named: set[str]) -> TableRow:
    queue = str(row.queue_name or "")
    live = row.status in LIVE_STATUSES
    last = to_moment(row.last_activity)
    stalled = live and silent_too_long(last, now, STALLED_WORKER_SECONDS)
    tone = Tone.WAITING if stalled else _STATUS_TONES.get(str(row.status), Tone.UNKNOWN)
    return TableRow(
        id=str(row.worker_id),
        cells={
            "worker": text_fact(row.worker_id),
            "type": text_fact(row.worker_type),
            "status": text_fact(row.status),
            "pid": _pid(row.pid, live, pid_alive),
            "queue": text_fact(row.queue_name),
            "started": _age(row.started_at, now),
            "activity": _age(row.last_activity, now),
            "stalled": text_fact("stalled", Tone.WAITING) if stalled else text_fact(""),
        },
        tone=tone,
        card_id=next((w for w in (queue, *queue_words(queue)) if w in named), None),
        seen=str(row.status),
    )
