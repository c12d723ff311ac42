"""The loops view: every loop with its status, current test, branch and pid, its progress
(seed 003's loop-progress query), its tokens and time from `usage`, and its heartbeat."""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.rules import silent_too_long
from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import (
    Column,
    FactKind,
    TableData,
    TableRow,
    number_fact,
    text_fact,
)
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.engines.sql import ascending
from ringmaster_tui.sources.coordination.read.common import (
    CELL_CHARS,
    Reading,
    cut_text,
    like_pattern,
    matches,
)
from ringmaster_tui.sources.coordination.tables import component_health, loops, tests, usage

# A running loop whose heartbeat is older than this is marked silent.
HEARTBEAT_STALE_SECONDS = 120.0
LOOPS_LIMIT = 500
STATUS_TONES: dict[str, Tone] = {
    "running": Tone.ACTIVE,
    "paused": Tone.WAITING,
    "stopped": Tone.MUTED,
    "error": Tone.BAD,
}

COLUMNS = (
    Column("loop", "Loop", 20, flex=True),
    Column("status", "Status", 8),
    Column("test", "Current test", 14, drop=2),
    Column("branch", "Branch", 14, drop=4),
    Column("pid", "Pid", 12, drop=5),
    Column("progress", "Passed", 9),
    Column("blocked", "Blocked", 7, drop=3),
    Column("tokens", "Tokens", 9, drop=6),
    Column("time", "Time", 7, drop=7),
    Column("heartbeat", "Heartbeat", 10, drop=1),
)


def progress_statement(size: int, with_usage: bool) -> sa.Select[Any]:
    """Each of `size` loops' progress (seed 003's loop-progress numbers: tests in all,
    passed, blocked), and its tokens and time from `usage` when asked: counted and summed
    over each loop's own range of the (loop, status) and usage indexes."""
    ids = [sa.bindparam(f"loop_{n}", type_=sa.String) for n in range(size)]

    def counted(*where: sa.ColumnElement[bool]) -> sa.ScalarSelect[Any]:
        return (
            sa.select(sa.func.count())
            .select_from(tests)
            .where(tests.c.loop_id == loops.c.id, *where)
            .scalar_subquery()
        )

    def summed(column: sa.Column[Any]) -> sa.ScalarSelect[Any]:
        # As a float: PostgreSQL sums bigints as numeric (a Decimal), SQLite as integers.
        total = sa.cast(sa.func.sum(column), sa.Float)
        return sa.select(total).where(usage.c.loop_id == loops.c.id).scalar_subquery()

    columns: list[Any] = [
        loops.c.id,
        counted().label("total"),
        counted(tests.c.status == "passed").label("passed"),
        counted(tests.c.status == "blocked").label("blocked"),
    ]
    if with_usage:
        columns += [
            summed(usage.c.tokens_estimated).label("tokens"),
            summed(usage.c.duration_seconds).label("seconds"),
        ]
    return sa.select(*columns).where(loops.c.id.in_(ids))


def loops_statement(by_text: bool) -> sa.Select[Any]:
    filters = []
    if by_text:
        pattern = sa.bindparam("loop_pattern", type_=sa.String)
        filters.append(
            matches(pattern, loops.c.id, loops.c.name, loops.c.branch, loops.c.current_test_id)
        )
    return (
        sa.select(
            loops.c.id,
            cut_text(loops.c.name, CELL_CHARS).label("name"),
            loops.c.priority,
            cut_text(loops.c.branch, CELL_CHARS).label("branch"),
            loops.c.status,
            cut_text(loops.c.current_test_id, CELL_CHARS).label("current_test_id"),
            loops.c.pid,
            loops.c.updated_at,
        )
        .where(*filters)
        .order_by(ascending(loops.c.priority), ascending(loops.c.id))
        .limit(LOOPS_LIMIT)
    )


def heartbeats_statement(size: int) -> sa.Select[Any]:
    names = [sa.bindparam(f"component_{n}", type_=sa.String) for n in range(size)]
    return sa.select(
        component_health.c.component, component_health.c.last_heartbeat, component_health.c.status
    ).where(component_health.c.component.in_(names))


def pid_alive(pid: object) -> bool | None:
    """Whether a process of this id runs here; None when that cannot be told."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, alive
    except (OverflowError, OSError):
        return None
    return True


def loops_table(r: Reading) -> TableData:
    if not r.has("loops"):
        return TableData(
            columns=COLUMNS, rows=(), total=0, missing="This database has no loops table."
        )
    text = r.query.text_of("loops")
    rows = list(r.execute(loops_statement(bool(text)), {"loop_pattern": like_pattern(text)}))
    progress: dict[str, Any] = {}
    if r.has("tests") and rows:
        params = {f"loop_{n}": row.id for n, row in enumerate(rows)}
        statement = progress_statement(len(rows), with_usage=r.has("usage"))
        progress = {p.id: p for p in r.execute(statement, params)}
    beats: dict[str, Any] = {}
    if r.has("component_health") and rows:
        params = {f"component_{n}": row.id for n, row in enumerate(rows)}
        beats = {b.component: b for b in r.execute(heartbeats_statement(len(rows)), params)}
    table_rows = []
    silent = 0
    for row in rows:
        made, is_silent = _row(r, row, progress.get(row.id), beats.get(row.id))
        silent += is_silent
        table_rows.append(made)
    running = sum(1 for row in rows if row.status == "running")
    summary = f"loops · {running} running" + (f" · {silent} silent" if silent else "")
    return TableData(
        columns=COLUMNS,
        rows=tuple(table_rows),
        total=len(table_rows),
        summary=summary,
        empty="No loop has registered." if not text else "No loop matches the filter.",
    )


def _row(r: Reading, row: Any, progress: Any, beat: Any) -> tuple[TableRow, bool]:
    status = row.status or ""
    tone = STATUS_TONES.get(status, Tone.UNKNOWN)
    last_beat = to_moment(beat.last_heartbeat) if beat is not None else None
    running = status == "running"
    is_silent = running and silent_too_long(last_beat, r.now, HEARTBEAT_STALE_SECONDS)
    alive = pid_alive(row.pid) if (r.local and running) else None
    if running and alive is False:
        pid_cell = text_fact(f"{row.pid} gone", Tone.BAD)
        tone = Tone.BAD
    elif row.pid is None:
        pid_cell = text_fact(None)
    else:
        pid_cell = text_fact(str(row.pid), Tone.GOOD if alive else Tone.PLAIN)
    if is_silent and tone is not Tone.BAD:
        tone = Tone.WAITING
    if last_beat is None:
        beat_cell = text_fact("never" if running else None, Tone.WAITING if running else Tone.PLAIN)
    else:
        age = max((r.now - last_beat).total_seconds(), 0.0)
        beat_cell = number_fact(
            FactKind.DURATION,
            age,
            tone=Tone.WAITING if is_silent else Tone.PLAIN,
            label="silent " if is_silent else "",
        )
    cells = {
        "loop": text_fact(f"{row.id} · {row.name}" if row.name and row.name != row.id else row.id),
        "status": text_fact(status or None, STATUS_TONES.get(status, Tone.UNKNOWN)),
        "test": text_fact(row.current_test_id),
        "branch": text_fact(row.branch),
        "pid": pid_cell,
        "progress": number_fact(
            FactKind.PROGRESS,
            progress.passed if progress is not None else 0,
            total=progress.total if progress is not None else 0,
        ),
        "blocked": number_fact(
            FactKind.COUNT,
            progress.blocked if progress is not None else 0,
            tone=Tone.WAITING if progress is not None and progress.blocked else Tone.PLAIN,
        ),
        "tokens": number_fact(FactKind.COUNT, getattr(progress, "tokens", None)),
        "time": number_fact(FactKind.DURATION, getattr(progress, "seconds", None)),
        "heartbeat": beat_cell,
    }
    made = TableRow(
        id=row.id,
        cells=cells,
        tone=tone,
        card_id=row.current_test_id or None,
        seen=status,
    )
    return made, is_silent
