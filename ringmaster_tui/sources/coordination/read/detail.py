"""One test in full: its facts, spec and notes, the chain of tests it depends on and
those that depend on it, its checkpoints, its passing history (a regression: it passed
at some commit and fails now) and its usage."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import (
    DetailSection,
    Fact,
    FactKind,
    SectionedDetail,
    number_fact,
    text_fact,
)
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.engines.sql import ascending, descending
from ringmaster_tui.sources.coordination import workflow as wf
from ringmaster_tui.sources.coordination.read.board import LAST_RESULT_TONES, card_title
from ringmaster_tui.sources.coordination.read.common import (
    CELL_CHARS,
    DETAIL_CHARS,
    TITLE_CHARS,
    Reading,
    cut_text,
)
from ringmaster_tui.sources.coordination.tables import checkpoints, passing_tests, tests, usage

# How far the dependency chain is followed (a cycle stops it sooner).
CHAIN_DEPTH = 20
ROWS_LIMIT = 50

TEST_STATEMENT = sa.select(
    tests.c.id,
    tests.c.loop_id,
    tests.c.category,
    tests.c.status,
    tests.c.attempts,
    tests.c.max_attempts,
    tests.c.last_result,
    tests.c.depends_on,
    tests.c.automatable,
    cut_text(tests.c.notes, DETAIL_CHARS).label("notes"),
    cut_text(tests.c.spec_content, DETAIL_CHARS).label("spec_content"),
    tests.c.last_attempt_at,
    tests.c.passed_at,
    tests.c.verified_at,
    tests.c.created_at,
).where(tests.c.id == sa.bindparam("test_id", type_=sa.String))

LINK_STATEMENT = sa.select(
    tests.c.id,
    tests.c.status,
    tests.c.depends_on,
    cut_text(tests.c.notes, TITLE_CHARS).label("notes"),
).where(tests.c.id == sa.bindparam("test_id", type_=sa.String))

DEPENDENTS_STATEMENT = (
    sa.select(tests.c.id, tests.c.status, cut_text(tests.c.notes, TITLE_CHARS).label("notes"))
    .where(tests.c.depends_on == sa.bindparam("test_id", type_=sa.String))
    .order_by(ascending(tests.c.id))
    .limit(ROWS_LIMIT)
)

CHECKPOINTS_STATEMENT = (
    sa.select(
        cut_text(checkpoints.c.git_ref, CELL_CHARS).label("git_ref"),
        checkpoints.c.checkpoint_type,
        checkpoints.c.loop_id,
        checkpoints.c.created_at,
        checkpoints.c.deleted_at,
    )
    .where(checkpoints.c.test_id == sa.bindparam("test_id", type_=sa.String))
    .order_by(
        descending(checkpoints.c.created_at),
        descending(checkpoints.c.id),
    )
    .limit(ROWS_LIMIT)
)

PASSING_STATEMENT = (
    sa.select(passing_tests.c.commit_hash, passing_tests.c.passed_at)
    .where(passing_tests.c.test_id == sa.bindparam("test_id", type_=sa.String))
    .order_by(
        descending(passing_tests.c.passed_at),
        descending(passing_tests.c.commit_hash),
    )
    .limit(ROWS_LIMIT)
)

USAGE_STATEMENT = (
    sa.select(
        usage.c.loop_id,
        usage.c.tokens_estimated,
        usage.c.duration_seconds,
        cut_text(usage.c.files_modified, CELL_CHARS).label("files_modified"),
        usage.c.recorded_at,
    )
    .where(usage.c.test_id == sa.bindparam("test_id", type_=sa.String))
    .order_by(descending(usage.c.recorded_at), descending(usage.c.id))
    .limit(ROWS_LIMIT)
)


def _when(value: object) -> Fact:
    moment = to_moment(value)
    return text_fact(moment.strftime("%Y-%m-%d %H:%M:%S") if moment else None)


def _status(status: str | None) -> Fact:
    lane = wf.WORKFLOW.lane_of(status or "")
    tones = {lane.name: lane.tone for lane in wf.WORKFLOW.lanes}
    return text_fact(status, tones.get(lane, Tone.UNKNOWN))


def read_test_detail(r: Reading, test_id: str) -> SectionedDetail | None:
    if not r.has("tests"):
        return None
    params = {"test_id": test_id}
    t = r.execute(TEST_STATEMENT, params).first()
    if t is None:
        return None
    passes = list(r.execute(PASSING_STATEMENT, params)) if r.has("passing_tests") else []
    regression = bool(passes) and t.status == wf.FAILED
    facts: list[tuple[str, Fact]] = [
        ("Status", _status(t.status)),
        ("Loop", text_fact(t.loop_id)),
        ("Category", text_fact(t.category)),
        ("Attempts", number_fact(FactKind.PROGRESS, t.attempts, total=t.max_attempts)),
        (
            "Last result",
            text_fact(t.last_result, LAST_RESULT_TONES.get(t.last_result or "", Tone.PLAIN)),
        ),
        ("Depends on", text_fact(t.depends_on)),
        (
            "Automatable",
            text_fact(None if t.automatable is None else ("yes" if t.automatable else "no")),
        ),
        ("Last attempt", _when(t.last_attempt_at)),
        ("Passed", _when(t.passed_at)),
        ("Verified", _when(t.verified_at)),
        ("Created", _when(t.created_at)),
    ]
    if regression:
        facts.insert(
            1, ("Regression", text_fact(f"passed at {passes[0].commit_hash}, fails now", Tone.BAD))
        )
    sections = [
        DetailSection(title="Test", facts=tuple(facts)),
        DetailSection(title="Specification", text=t.spec_content, empty="No specification."),
        DetailSection(title="Notes", text=t.notes, empty="No notes."),
        _chain(r, t),
        _dependents(r, test_id),
        _checkpoints(r, params),
        DetailSection(
            title="Passing history",
            columns=("Commit", "Passed"),
            rows=tuple((text_fact(p.commit_hash), _when(p.passed_at)) for p in passes),
            empty="Never recorded passing.",
        ),
        _usage(r, params),
    ]
    return SectionedDetail(
        id=t.id, title=card_title(t.id, t.notes), state=t.status or "", sections=tuple(sections)
    )


def _chain(r: Reading, t: Any) -> DetailSection:
    """The tests this one waits for, each dependency's own dependency next."""
    rows: list[tuple[Fact, ...]] = []
    seen = {t.id}
    wanted = t.depends_on
    while wanted and len(rows) < CHAIN_DEPTH:
        if wanted in seen:
            rows.append((text_fact(wanted), text_fact("cycle", Tone.BAD), text_fact(None)))
            break
        seen.add(wanted)
        link = r.execute(LINK_STATEMENT, {"test_id": wanted}).first()
        if link is None:
            rows.append((text_fact(wanted), text_fact("missing", Tone.BAD), text_fact(None)))
            break
        rows.append((text_fact(link.id), _status(link.status), text_fact(link.notes)))
        wanted = link.depends_on
    return DetailSection(
        title="Depends on (chain)",
        columns=("Test", "Status", "Notes"),
        rows=tuple(rows),
        empty="Depends on no test.",
    )


def _dependents(r: Reading, test_id: str) -> DetailSection:
    rows = r.execute(DEPENDENTS_STATEMENT, {"test_id": test_id})
    return DetailSection(
        title="Needed by",
        columns=("Test", "Status", "Notes"),
        rows=tuple((text_fact(d.id), _status(d.status), text_fact(d.notes)) for d in rows),
        empty="No test depends on this one.",
    )


def _checkpoints(r: Reading, params: dict[str, str]) -> DetailSection:
    rows = list(r.execute(CHECKPOINTS_STATEMENT, params)) if r.has("checkpoints") else []
    return DetailSection(
        title="Checkpoints",
        columns=("Ref", "Type", "Loop", "Created", "Deleted"),
        rows=tuple(
            (
                text_fact(c.git_ref),
                text_fact(c.checkpoint_type),
                text_fact(c.loop_id),
                _when(c.created_at),
                _when(c.deleted_at),
            )
            for c in rows
        ),
        empty="No checkpoints.",
    )


def _usage(r: Reading, params: dict[str, str]) -> DetailSection:
    rows = list(r.execute(USAGE_STATEMENT, params)) if r.has("usage") else []
    return DetailSection(
        title="Usage",
        columns=("Recorded", "Loop", "Tokens", "Time", "Files"),
        rows=tuple(
            (
                _when(u.recorded_at),
                text_fact(u.loop_id),
                number_fact(FactKind.COUNT, u.tokens_estimated),
                number_fact(FactKind.DURATION, u.duration_seconds),
                text_fact(u.files_modified),
            )
            for u in rows
        ),
        empty="No usage recorded.",
    )
