"""Everything the dashboard shows of a coordination database, read in one transaction:
the board always, and only the list on screen of the others."""

from __future__ import annotations

from ringmaster_tui.domain.snapshot import Snapshot
from ringmaster_tui.domain.views import TableData
from ringmaster_tui.sources.coordination.read.alerts import read_alerts
from ringmaster_tui.sources.coordination.read.board import BoardReader
from ringmaster_tui.sources.coordination.read.change_requests import VIEW as CHANGES
from ringmaster_tui.sources.coordination.read.change_requests import change_requests_table
from ringmaster_tui.sources.coordination.read.common import Reading
from ringmaster_tui.sources.coordination.read.decisions import read_decisions
from ringmaster_tui.sources.coordination.read.events import VIEW as EVENTS
from ringmaster_tui.sources.coordination.read.events import events_table
from ringmaster_tui.sources.coordination.read.loops import loops_table
from ringmaster_tui.sources.coordination.read.problems import ProblemsReader
from ringmaster_tui.sources.coordination.read.totals import own_counts, read_totals, read_urgent


def read_snapshot(r: Reading) -> Snapshot:
    query = r.query
    board = BoardReader(r)
    has_tests = r.has("tests")
    all_counts = board.state_counts(filtered=False) if has_tests else {}
    counts = board.state_counts(filtered=True) if has_tests and query.text else all_counts
    tables: dict[str, TableData] = {}
    if "loops" in query.lists:
        tables["loops"] = loops_table(r)
    problems = ProblemsReader(r)
    if "problems" in query.lists:
        tables["problems"] = problems.table()
        deadlocks = problems.counts["deadlocks"]
    else:
        deadlocks = len(problems.deadlocks())
    if EVENTS in query.lists:
        tables[EVENTS] = events_table(r)
    if CHANGES in query.lists:
        tables[CHANGES] = change_requests_table(r)
    return Snapshot(
        taken_at=r.now,
        query=query,
        projects=board.loops(),
        lanes=board.lanes(counts) if has_tests else (),
        states=counts,
        decisions=read_decisions(r) if "decisions" in query.lists else (),
        alerts=read_alerts(r) if "alerts" in query.lists else (),
        totals=read_totals(r, all_counts),
        urgent=read_urgent(r),
        unavailable=r.unavailable(),
        tables=tables,
        counts=own_counts(r, deadlocks),
    )
