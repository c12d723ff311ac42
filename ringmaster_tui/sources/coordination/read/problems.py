"""The problems view, most urgent first: deadlocks in the wait graph, transactions stuck
in progress, expired file locks, then failed and blocked tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import (
    Column,
    Fact,
    FactKind,
    TableData,
    TableRow,
    number_fact,
    text_fact,
)
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.engines.sql import ascending
from ringmaster_tui.sources.coordination import workflow as wf
from ringmaster_tui.sources.coordination.read.board import card_title
from ringmaster_tui.sources.coordination.read.common import (
    CELL_CHARS,
    TITLE_CHARS,
    Reading,
    cut_text,
    like_pattern,
    matches,
)
from ringmaster_tui.sources.coordination.read.deadlocks import Deadlock, Wait, find_deadlocks
from ringmaster_tui.sources.coordination.tables import (
    file_locks,
    tests,
    transaction_log,
    wait_graph,
)

# The wait graph is small (a loop waits for a few files at once); beyond this it is cut.
WAIT_LIMIT = 5000
LIST_LIMIT = 200
# A transaction in progress for longer than this is stuck (a step takes seconds).
STUCK_SECONDS = 300.0

NO_PROBLEMS = "No problems: no deadlock, stuck transaction, expired lock, failed or blocked test."

COLUMNS = (
    Column("kind", "Problem", 12),
    Column("what", "What", 24, flex=True),
    Column("loops", "Loops", 18, drop=2),
    Column("since", "For", 7, drop=1),
)

WAITS_STATEMENT = (
    sa.select(
        cut_text(wait_graph.c.waiter, CELL_CHARS).label("waiter"),
        cut_text(wait_graph.c.holder, CELL_CHARS).label("holder"),
        cut_text(wait_graph.c.resource, CELL_CHARS).label("resource"),
        wait_graph.c.waiting_since,
    )
    .order_by(
        ascending(wait_graph.c.waiter),
        ascending(wait_graph.c.holder),
        ascending(wait_graph.c.resource),
    )
    .limit(WAIT_LIMIT)
)

IN_PROGRESS_STATEMENT = (
    sa.select(
        transaction_log.c.id,
        cut_text(transaction_log.c.operation, CELL_CHARS).label("operation"),
        transaction_log.c.loop_id,
        transaction_log.c.started_at,
    )
    .where(transaction_log.c.status == "in_progress")
    .order_by(ascending(transaction_log.c.started_at), ascending(transaction_log.c.id))
    .limit(LIST_LIMIT)
)

# Oldest expiry first: the expired ones lead (times compare in Python, whatever format).
LOCKS_STATEMENT = (
    sa.select(
        cut_text(file_locks.c.file_path, CELL_CHARS).label("file_path"),
        file_locks.c.locked_by,
        file_locks.c.expires_at,
        file_locks.c.test_id,
    )
    .where(file_locks.c.expires_at.is_not(None))
    .order_by(ascending(file_locks.c.expires_at), ascending(file_locks.c.file_path))
    .limit(LIST_LIMIT)
)


def tests_statement(by_text: bool) -> sa.Select[Any]:
    filters = [tests.c.status == sa.bindparam("status", type_=sa.String)]
    if by_text:
        pattern = sa.bindparam("problem_pattern", type_=sa.String)
        filters.append(
            matches(pattern, tests.c.id, tests.c.category, tests.c.notes, tests.c.loop_id)
        )
    return (
        sa.select(
            tests.c.id,
            tests.c.loop_id,
            tests.c.attempts,
            tests.c.max_attempts,
            tests.c.last_result,
            cut_text(tests.c.notes, TITLE_CHARS).label("notes"),
            tests.c.last_attempt_at,
        )
        .where(*filters)
        .order_by(ascending(tests.c.id))
        .limit(sa.bindparam("remaining", type_=sa.Integer))
    )


def tests_count_statement(by_text: bool) -> sa.Select[Any]:
    inner = tests_statement(by_text).with_only_columns(tests.c.id).limit(None).order_by(None)
    return sa.select(sa.func.count()).select_from(inner.subquery())


def _age(now: datetime, since: datetime | None) -> Fact:
    seconds = None if since is None else max((now - since).total_seconds(), 0.0)
    return number_fact(FactKind.DURATION, seconds)


class ProblemsReader:
    def __init__(self, reading: Reading) -> None:
        self.r = reading
        self.text = reading.query.text_of("problems")
        self.counts: dict[str, int] = {}
        """How many of each kind of problem there are (deadlocks, failed ...)."""

    def _shown(self, *texts: object) -> bool:
        """The filter lets a row with these texts through."""
        # lower(), not casefold(): the SQL filters' folding (engines/text.py).
        wanted = self.text.lower()
        return not wanted or any(wanted in str(t).lower() for t in texts if t is not None)

    def deadlocks(self) -> list[Deadlock]:
        if not self.r.has("wait_graph"):
            return []
        waits = (
            Wait(w.waiter or "", w.holder or "", w.resource or "", to_moment(w.waiting_since))
            for w in self.r.execute(WAITS_STATEMENT)
        )
        return find_deadlocks(waits)

    def table(self) -> TableData:
        rows: list[TableRow] = []
        deadlocks = self.deadlocks()
        self.counts["deadlocks"] = len(deadlocks)
        for deadlock in deadlocks:
            ring = " → ".join((*deadlock.loops, deadlock.loops[0]))
            what = f"{ring} over {', '.join(deadlock.resources) or 'unnamed resources'}"
            if self._shown(what):
                rows.append(
                    TableRow(
                        id=f"deadlock:{','.join(deadlock.loops)}",
                        cells={
                            "kind": text_fact("DEADLOCK", Tone.BAD),
                            "what": text_fact(what),
                            "loops": text_fact(", ".join(deadlock.loops)),
                            "since": _age(self.r.now, deadlock.since),
                        },
                        tone=Tone.BAD,
                    )
                )
        rows += self._stuck_transactions()
        rows += self._expired_locks()
        for status, label, tone in (
            (wf.FAILED, "failed", Tone.BAD),
            (wf.BLOCKED, "blocked", Tone.WAITING),
        ):
            rows += self._tests(status, label, tone, self.r.query.list_limit - len(rows))
        # The tests' counts follow the filter; the other rows are all read.
        listed_tests = sum(1 for row in rows if row.seen is not None)
        total = len(rows) - listed_tests + self.counts["failed"] + self.counts["blocked"]
        named = [_plural(n, kind) for kind, n in self.counts.items() if n]
        return TableData(
            columns=COLUMNS,
            rows=tuple(rows),
            total=total,
            summary="problems" + (f" · {' · '.join(named)}" if named else ""),
            empty=NO_PROBLEMS if not self.text else "No problem matches the filter.",
        )

    def _stuck_transactions(self) -> list[TableRow]:
        if not self.r.has("transaction_log"):
            return []
        found = []
        for t in self.r.execute(IN_PROGRESS_STATEMENT):
            started = to_moment(t.started_at)
            if started is not None and (self.r.now - started).total_seconds() < STUCK_SECONDS:
                continue
            found.append(t)
        self.counts["stuck transactions"] = len(found)
        return [
            TableRow(
                id=f"transaction:{t.id}",
                cells={
                    "kind": text_fact("stuck txn", Tone.BAD),
                    "what": text_fact(f"{t.operation or '?'} ({t.id}) still in progress"),
                    "loops": text_fact(t.loop_id),
                    "since": _age(self.r.now, to_moment(t.started_at)),
                },
                tone=Tone.BAD,
            )
            for t in found
            if self._shown(t.operation, t.id, t.loop_id)
        ]

    def _expired_locks(self) -> list[TableRow]:
        if not self.r.has("file_locks"):
            return []
        found = []
        for lock in self.r.execute(LOCKS_STATEMENT):
            expires = to_moment(lock.expires_at)
            if expires is not None and expires < self.r.now:
                found.append((lock, expires))
        self.counts["expired locks"] = len(found)
        return [
            TableRow(
                id=f"lock:{lock.file_path}",
                cells={
                    "kind": text_fact("expired lock", Tone.WAITING),
                    "what": text_fact(
                        f"{lock.file_path} still held"
                        + (f" for {lock.test_id}" if lock.test_id else "")
                    ),
                    "loops": text_fact(lock.locked_by),
                    "since": _age(self.r.now, expires),
                },
                tone=Tone.WAITING,
                card_id=lock.test_id or None,
            )
            for lock, expires in found
            if self._shown(lock.file_path, lock.locked_by, lock.test_id)
        ]

    def _tests(self, status: str, label: str, tone: Tone, remaining: int) -> list[TableRow]:
        """Tests of one status, as many as the list has room left for (all counted)."""
        if not self.r.has("tests"):
            self.counts[label] = 0
            return []
        by_text = bool(self.text)
        params = {"status": status, "problem_pattern": like_pattern(self.text)}
        self.counts[label] = int(
            self.r.execute(tests_count_statement(by_text), params).scalar_one()
        )
        return [
            TableRow(
                id=f"test:{t.id}",
                cells={
                    "kind": text_fact(label, tone),
                    "what": text_fact(_test_what(t)),
                    "loops": text_fact(t.loop_id),
                    "since": _age(self.r.now, to_moment(t.last_attempt_at)),
                },
                tone=tone,
                card_id=t.id,
                seen=status,
            )
            for t in (
                self.r.execute(tests_statement(by_text), {**params, "remaining": remaining})
                if remaining > 0
                else ()
            )
        ]


def _plural(n: int, kind: str) -> str:
    """ "1 deadlock", "2 deadlocks", "1 stuck transaction", "3 failed" """
    if n == 1 and kind.endswith("s"):
        kind = kind[:-1]
    return f"{n} {kind}"


def _test_what(t: Any) -> str:
    attempts = f" · att {t.attempts}/{t.max_attempts}" if t.attempts is not None else ""
    return f"{card_title(t.id, t.notes)}{attempts}"
