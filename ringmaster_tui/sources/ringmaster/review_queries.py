"""One attempt for the review screen, read in one short transaction it is given.

The output column can hold tens of MB: it is read once per visit (the review screen does
not reload on every commit), and cut in SQL past OUTPUT_MAX_CHARS so a runaway agent's
gigabyte never leaves the database whole.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.review import AttemptCommit, AttemptError, AttemptReviewData
from ringmaster_tui.engines.present import present_schema
from ringmaster_tui.engines.sql import row_order
from ringmaster_tui.sources.ringmaster import models as m
from ringmaster_tui.sources.ringmaster.loader import attempt_view, cut_text, execute

OUTPUT_MAX_CHARS = 64 * 1024 * 1024
TEXT_MAX_CHARS = 200_000
"""Error messages, stack traces, titles."""
SHA_MAX_CHARS = 100
"""A sha is at most 40 characters; a longer value is refused by git's checks anyway."""
LIST_LIMIT = 200
"""Errors and commits listed at most."""

attempts = m.TABLES["attempts"]
cards = m.TABLES["cards"]
projects = m.TABLES["projects"]
errors = m.TABLES["errors"]


def read_attempt_review(conn: Connection, attempt_id: str) -> AttemptReviewData | None:
    """The attempt, its card's paths, its output and errors; None when it is gone."""
    tables = present_schema(conn).tables
    if "attempts" not in tables:
        return None
    row = execute(
        conn,
        sa.select(
            attempts.c.id,
            attempts.c.card_id,
            attempts.c.attempt_number,
            attempts.c.agent_type,
            attempts.c.status,
            attempts.c.tokens_used,
            attempts.c.cost_usd,
            attempts.c.duration_ms,
            attempts.c.started_at,
            cut_text(attempts.c.commit_sha, SHA_MAX_CHARS).label("commit_sha"),
            cut_text(attempts.c.diff_stats, SHA_MAX_CHARS * 10).label("diff_stats"),
            cut_text(attempts.c.error_message, TEXT_MAX_CHARS).label("error_message"),
            # One character past the cap tells whether there was more.
            cut_text(attempts.c.output, OUTPUT_MAX_CHARS + 1).label("output"),
            cut_text(cards.c.title, TEXT_MAX_CHARS).label("card_title"),
            cards.c.worktree_path,
            projects.c.name.label("project_name"),
            projects.c.repository_path,
        )
        .select_from(
            attempts.outerjoin(cards, cards.c.id == attempts.c.card_id).outerjoin(
                projects, projects.c.id == cards.c.project_id
            )
        )
        .where(attempts.c.id == attempt_id),
    ).first()
    if row is None:
        return None
    raw_output = row.output
    if isinstance(raw_output, bytes):  # a BLOB written by some other tool
        raw_output = raw_output.decode("utf-8", "replace")
    output = raw_output if isinstance(raw_output, str) else ""
    output_cut = len(output) > OUTPUT_MAX_CHARS
    return AttemptReviewData(
        attempt=attempt_view(row),
        card_id=row.card_id,
        card_title=row.card_title or "",
        worktree_path=row.worktree_path,
        project_name=row.project_name,
        repository_path=row.repository_path,
        output=output[:OUTPUT_MAX_CHARS] if output_cut else output,
        output_cut=output_cut,
        errors=_errors(conn, attempt_id) if "errors" in tables else (),
        commits=_commits(conn, row.card_id),
    )


def _errors(conn: Connection, attempt_id: str) -> tuple[AttemptError, ...]:
    rows = execute(
        conn,
        sa.select(
            errors.c.error_type,
            errors.c.category,
            errors.c.severity,
            cut_text(errors.c.message, TEXT_MAX_CHARS).label("message"),
            cut_text(errors.c.stack_trace, TEXT_MAX_CHARS).label("stack_trace"),
            errors.c.resolved,
            errors.c.created_at,
        )
        .where(errors.c.attempt_id == attempt_id)
        .order_by(errors.c.created_at, row_order(errors))
        .limit(LIST_LIMIT),
    )
    return tuple(
        AttemptError(
            error_type=r.error_type or "",
            category=r.category,
            severity=r.severity,
            message=r.message or "",
            stack_trace=r.stack_trace,
            resolved=bool(r.resolved),
            created_at=r.created_at,
        )
        for r in rows
    )


def _commits(conn: Connection, card_id: str) -> tuple[AttemptCommit, ...]:
    rows = execute(
        conn,
        sa.select(
            attempts.c.id,
            attempts.c.attempt_number,
            attempts.c.status,
            cut_text(attempts.c.commit_sha, SHA_MAX_CHARS).label("commit_sha"),
            attempts.c.started_at,
        )
        .where(attempts.c.card_id == card_id, attempts.c.commit_sha.is_not(None))
        .order_by(attempts.c.attempt_number)
        .limit(LIST_LIMIT),
    )
    return tuple(
        AttemptCommit(
            id=r.id,
            attempt_number=r.attempt_number,
            status=r.status,
            commit_sha=r.commit_sha,
            started_at=r.started_at,
        )
        for r in rows
        if r.commit_sha
    )
