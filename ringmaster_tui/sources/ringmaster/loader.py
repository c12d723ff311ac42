"""Ringmaster's schema -> Snapshot, in one short read transaction.

It reads only what is shown: counts by aggregate over indexes, the top N cards of each
lane by index order, bounded lists; no query here walks a card's whole history.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from ringmaster_tui.domain.rules import running_too_long
from ringmaster_tui.domain.snapshot import (
    AlertView,
    AttemptView,
    BoardQuery,
    CardDetail,
    CardSummary,
    Criterion,
    DecisionDetail,
    DecisionView,
    Dependency,
    DeploymentView,
    ErrorDetail,
    ErrorView,
    LaneView,
    ListCount,
    LoopSnapshotView,
    LoopView,
    Project,
    Snapshot,
    Totals,
    TransitionView,
    Urgent,
)
from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.engines.present import null_missing, present_schema
from ringmaster_tui.engines.sql import (
    index_counts_read_the_table,
    json_text_array,
    row_order,
    values_present,
)
from ringmaster_tui.engines.text import contains_folded
from ringmaster_tui.sources.attention_rows import alert_view, decision_view
from ringmaster_tui.sources.ringmaster import models as m
from ringmaster_tui.sources.ringmaster import workflow as sm

# Long texts are cut in SQL so a 100,000-character title never leaves the database whole.
TITLE_CHARS = 300
MESSAGE_CHARS = 1000
DETAIL_TEXT_CHARS = 200_000
LONG_CARD_TEXTS = frozenset({"title", "description", "task_prompt"})
# How many attempts a loop's sparkline shows.
SPARK_ATTEMPTS = 20
# Ties in created_at (one-second resolution) fall back to insertion order.
_ROWID = row_order(m.TABLES["state_transitions"])
# How many of the newest pending decisions and critical alerts each snapshot carries.
URGENT_LIMIT = 20
SEVERITY_ORDER: tuple[str, ...] = ("critical", "error", "warning", "info")
SETTLED_DECISION_STATUSES: tuple[str, ...] = ("decided", "auto_resolved", "expired")
OPTIONAL_TABLES: tuple[str, ...] = (
    "decisions",
    "alerts",
    "errors",
    "attempts",
    "loop_snapshots",
    "card_dependencies",
)

AnyRow: TypeAlias = Row[*tuple[Any, ...]]
AnyResult: TypeAlias = sa.CursorResult[*tuple[Any, ...]]

# The board filter's trigram index (schema.sql); a database without it is scanned.
TEXT_INDEX = "cards_fts"
TRIGRAM = 3
_CARDS_FTS = sa.table(TEXT_INDEX)
_FTS_ROWID: sa.ColumnClause[Any] = sa.literal_column(f"{TEXT_INDEX}.rowid")
_FTS_MATCH: sa.ColumnClause[Any] = sa.literal_column(TEXT_INDEX)
_CARDS_ROWID: sa.ColumnClause[Any] = sa.literal_column("cards.rowid")

cards = m.TABLES["cards"]
projects = m.TABLES["projects"]
errors = m.TABLES["errors"]
attempts = m.TABLES["attempts"]
# What a card's sparkline of recent attempts reads of each.
_SPARK_COLUMNS = (
    attempts.c.card_id,
    attempts.c.attempt_number,
    attempts.c.status,
    attempts.c.started_at,
    attempts.c.duration_ms,
    attempts.c.cost_usd,
    attempts.c.tokens_used,
)
decisions = m.TABLES["decisions"]
alerts = m.TABLES["alerts"]
deps = m.TABLES["card_dependencies"]
snapshots = m.TABLES["loop_snapshots"]
criteria = m.TABLES["acceptance_criteria"]
deployments = m.TABLES["deployments"]
transitions = m.TABLES["state_transitions"]


def cut_text(column: sa.ColumnElement[Any], chars: int) -> sa.ColumnElement[Any]:
    """The first `chars` characters of a text column, cut by SQLite before it is read."""
    return sa.func.substr(column, 1, chars)


def missing_columns(conn: Connection) -> frozenset[tuple[str, str]]:
    """The columns of schema.sql's tables that this database's copies of them lack."""
    return present_schema(conn).missing_columns(m.TABLES.values())


def execute(
    conn: Connection, statement: sa.Executable, params: dict[str, Any] | None = None
) -> AnyResult:
    """Run a query of ours on a database that may lack some columns (read as NULL)."""
    return conn.execute(null_missing(statement, missing_columns(conn)), params)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(text: str) -> str:
    """`text` as one FTS5 phrase: its characters in a row, quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def _uses_text_index(text: str, tables: set[str]) -> bool:
    """Whether the trigram index can find `text`: it exists and `text` has a trigram."""
    return TEXT_INDEX in tables and len(text) >= TRIGRAM


def _card_text_filter(
    pattern: sa.BindParameter[str], phrase: sa.BindParameter[str] | None
) -> sa.ColumnElement[bool]:
    """A card's title or description contains the filter text.

    With `phrase`, the trigram index narrows the cards to those holding every trigram
    of the text in a row (the trigram index folds case as `contains_folded` does); the
    folded LIKE then checks just those, so the result is the same either way and a stale
    index can never add a card.
    """
    like = _like_any(pattern, cards.c.title, cards.c.description)
    if phrase is None:
        return like
    # A named subquery (WITH), so that the lanes' statement, which checks the filter once
    # per state, looks the text up in the index once: a common word matches many cards.
    indexed = (
        sa.select(_FTS_ROWID.label("card_rowid"))
        .select_from(_CARDS_FTS)
        .where(_FTS_MATCH.op("MATCH")(phrase))
        .cte("text_matches")
    )
    return sa.and_(_CARDS_ROWID.in_(sa.select(indexed.c.card_rowid)), like)


@functools.lru_cache(maxsize=64)
def _top_cards_statement(
    state_count: int, by_project: bool, by_text: bool, text_indexed: bool = False
) -> sa.CompoundSelect[Any] | sa.Select[Any]:
    """One UNION ALL of per-state top-N selects, each walking the lane index.

    Built and compiled once per shape: building and compiling it costs more than running
    it on a board this size (about 14 ms against 1). Values come as parameters (state_0,
    limit_0, state_1, limit_1, … for each state, project_id, pattern, phrase).
    """
    filters: list[sa.ColumnElement[bool]] = []
    if by_project:
        filters.append(cards.c.project_id == sa.bindparam("project_id"))
    if by_text:
        filters.append(
            _card_text_filter(
                sa.bindparam("pattern", type_=sa.String),
                sa.bindparam("phrase", type_=sa.String) if text_indexed else None,
            )
        )
    selects = [
        sa.select(
            sa.select(
                cards.c.id,
                cards.c.project_id,
                cut_text(cards.c.title, TITLE_CHARS).label("title"),
                cards.c.state,
                cards.c.priority,
                cards.c.loop_iteration,
                cards.c.total_cost_usd,
                cards.c.updated_at,
            )
            .where(cards.c.state == sa.bindparam(f"state_{index}", type_=sa.String), *filters)
            .order_by(cards.c.priority.desc(), cards.c.updated_at.desc())
            .limit(sa.bindparam(f"limit_{index}", type_=sa.Integer))
            .subquery(f"top_{index}")
        )
        for index in range(state_count)
    ]
    return selects[0] if len(selects) == 1 else sa.union_all(*selects)


@functools.lru_cache(maxsize=4)
def _counts_by_state_statement(by_project: bool, with_archived: bool) -> sa.Select[Any]:
    """Each state's number of cards, counted over its own range of the state index.

    The states present are found by skipping from one to the next in the index (a seek
    per state); counting each state's range then costs about a fifth of a GROUP BY over
    every entry, and archived cards, most of an old board, are not read unless shown.
    """
    present = values_present(cards.c.state, "present_states")
    counted = (
        sa.select(sa.func.count())
        .select_from(cards)
        .where(cards.c.state == present.c.value, *_by_project(by_project))
        .scalar_subquery()
    )
    shown: list[sa.ColumnElement[bool]] = [present.c.value.is_not(None)]
    if not with_archived:
        shown.append(present.c.value != sm.ARCHIVED)
    return sa.select(present.c.value, counted).where(*shown)


@functools.lru_cache(maxsize=4)
def _counts_in_one_pass_statement(by_project: bool, with_archived: bool) -> sa.Select[Any]:
    """Each state's number of cards in one pass over the table, for when the index alone
    cannot count (`index_counts_read_the_table`)."""
    shown = [cards.c.state.is_not(None) if with_archived else cards.c.state != sm.ARCHIVED]
    return (
        sa.select(cards.c.state, sa.func.count())
        .where(*shown, *_by_project(by_project))
        .group_by(cards.c.state)
    )


# --- cached statements of the refresh path ---
#
# Building a SQLAlchemy statement costs more than running it on a board this size, and it
# would happen inside the read transaction, where every millisecond keeps the writer's
# checkpoints from restarting the -wal. So each statement of the refresh path is built
# once per shape (which filters apply, which tables exist) and takes its values as
# parameters; `_list_params` names them all, a statement picks those it uses.


def _list_params(query: BoardQuery) -> dict[str, Any]:
    return {
        "project_id": query.project_id,
        "list_limit": query.list_limit,
        "loop_pattern": _like_pattern(query.loop_text),
        "error_category": query.error_category,
        "error_pattern": _like_pattern(query.error_text),
        "decision_pattern": _like_pattern(query.decision_text),
        "alert_pattern": _like_pattern(query.alert_text),
        "urgent_limit": URGENT_LIMIT,
    }


def _like_any(
    param: str | sa.BindParameter[str], *columns: sa.ColumnElement[Any]
) -> sa.ColumnElement[bool]:
    """The pattern parameter `param` (or its name) anywhere in any of `columns`, letters
    in any case, beyond ASCII (`ärger` finds `Ärger`)."""
    pattern = sa.bindparam(param, type_=sa.String) if isinstance(param, str) else param
    return contains_folded(pattern, *columns)


def _by_project(by_project: bool) -> list[sa.ColumnElement[bool]]:
    """The project picker, for lists joined to their card."""
    return [cards.c.project_id == sa.bindparam("project_id")] if by_project else []


def _card_ids() -> sa.Select[Any]:
    """The cards shown, as one JSON array parameter (see `_ids_param`): the statement's
    text stays the same whatever their number, so it is neither re-rendered nor
    re-prepared at each load, as a list of `IN` parameters would be."""
    shown = json_text_array(sa.bindparam("card_ids", type_=sa.String)).table_valued("value")
    return sa.select(shown.c.value)


def _fixed(values: Sequence[str]) -> list[sa.BindParameter[str]]:
    """Constant values for `IN`, one parameter each: a plain list would be an expanding
    parameter, rendered again at every execution."""
    return [sa.literal(value, type_=sa.String) for value in values]


def _ids_param(card_ids: Sequence[str]) -> dict[str, str]:
    return {"card_ids": json.dumps(list(card_ids))}


def _padded_size(count: int) -> int:
    """Round up to a power of two: few statement shapes, however many cards are shown."""
    size = 1
    while size < count:
        size *= 2
    return size


@functools.cache
def _unresolved_by_card_statement() -> sa.Select[Any]:
    return (
        sa.select(errors.c.card_id, sa.func.count())
        .where(errors.c.card_id.in_(_card_ids()), errors.c.resolved == 0)
        .group_by(errors.c.card_id)
    )


@functools.cache
def _blocked_statement() -> sa.Select[Any]:
    blocker = cards.alias("blocker")
    return (
        sa.select(deps.c.card_id)
        .distinct()
        .join(blocker, blocker.c.id == deps.c.depends_on_card_id)
        .where(
            deps.c.card_id.in_(_card_ids()),
            sa.func.coalesce(deps.c.dependency_type, "blocks") == "blocks",
            blocker.c.state.not_in(_fixed(sm.FINISHED_STATES)),
        )
    )


@functools.lru_cache(maxsize=8)
def _loops_statement(by_project: bool, by_text: bool) -> sa.CompoundSelect[Any]:
    """Each loop state's top cards by the lane index, in one UNION ALL."""
    filters = _by_project(by_project)
    if by_text:
        filters.append(_like_any("loop_pattern", cards.c.title))
    return sa.union_all(
        *(
            sa.select(
                sa.select(
                    cards.c.id,
                    cut_text(cards.c.title, TITLE_CHARS).label("title"),
                    cards.c.project_id,
                    projects.c.name.label("project_name"),
                    cards.c.state,
                    cards.c.loop_iteration,
                    cards.c.error_count,
                    cards.c.max_retries,
                    cards.c.total_cost_usd,
                    cards.c.total_time_spent_ms,
                    cards.c.priority,
                    cards.c.updated_at,
                )
                .select_from(cards.outerjoin(projects, projects.c.id == cards.c.project_id))
                .where(cards.c.state == state, *filters)
                .order_by(cards.c.priority.desc(), cards.c.updated_at.desc())
                .limit(sa.bindparam("list_limit", type_=sa.Integer))
                .subquery(f"loops_{index}")
            )
            for index, state in enumerate(sm.ACTIVE_LOOP_STATES)
        )
    )


@functools.lru_cache(maxsize=16)
def _recent_attempts_statement(size: int) -> sa.CompoundSelect[Any] | sa.Select[Any]:
    """Per-card `LIMIT` subqueries for `size` cards (parameters card_0, card_1, ...): each
    walks the (card_id, attempt_number) index backwards and stops, however long the
    card's history. Unused slots get NULL, which matches nothing."""
    per_card = [
        sa.select(
            sa.select(*_SPARK_COLUMNS)
            .where(attempts.c.card_id == sa.bindparam(f"card_{slot}"))
            .order_by(attempts.c.attempt_number.desc())
            .limit(SPARK_ATTEMPTS)
            .subquery()
        )
        for slot in range(size)
    ]
    return per_card[0] if size == 1 else sa.union_all(*per_card)


@functools.cache
def _recent_attempts_lateral_statement() -> sa.Select[Any]:
    """The same on PostgreSQL, as one LATERAL join over the shown cards (parameter
    card_ids): a UNION ALL of hundreds of branches costs PostgreSQL more to plan than to
    run; SQLite has no LATERAL."""
    shown = json_text_array(sa.bindparam("card_ids", type_=sa.String)).table_valued("value")
    latest = (
        sa.select(*_SPARK_COLUMNS)
        .where(attempts.c.card_id == shown.c.value)
        .order_by(attempts.c.attempt_number.desc())
        .limit(SPARK_ATTEMPTS)
        .lateral("latest")
    )
    return sa.select(latest).select_from(shown).join(latest, sa.true())


@functools.cache
def _latest_snapshot_iterations_statement() -> sa.Select[Any]:
    return (
        sa.select(snapshots.c.card_id, sa.func.max(snapshots.c.iteration))
        .where(snapshots.c.card_id.in_(_card_ids()))
        .group_by(snapshots.c.card_id)
    )


def _card_title() -> sa.ColumnElement[Any]:
    return cut_text(cards.c.title, TITLE_CHARS).label("card_title")


@functools.lru_cache(maxsize=4)
def _error_select(has_attempts: bool, message_chars: int = MESSAGE_CHARS) -> sa.Select[Any]:
    attempt_number: sa.ColumnElement[Any] = sa.null()
    source = errors.outerjoin(cards, cards.c.id == errors.c.card_id)
    if has_attempts:
        source = source.outerjoin(attempts, attempts.c.id == errors.c.attempt_id)
        attempt_number = attempts.c.attempt_number
    return sa.select(
        errors.c.id,
        errors.c.card_id,
        _card_title(),
        errors.c.attempt_id,
        attempt_number.label("attempt_number"),
        errors.c.error_type,
        errors.c.category,
        errors.c.severity,
        cut_text(errors.c.message, message_chars).label("message"),
        errors.c.resolved,
        errors.c.created_at,
    ).select_from(source)


@functools.lru_cache(maxsize=16)
def _unresolved_errors_statement(
    has_attempts: bool, by_project: bool, by_category: bool, by_text: bool
) -> sa.Select[Any]:
    filters = [errors.c.resolved == 0, *_by_project(by_project)]
    if by_category:
        filters.append(errors.c.category == sa.bindparam("error_category"))
    if by_text:
        filters.append(
            _like_any("error_pattern", errors.c.message, errors.c.error_type, cards.c.title)
        )
    return (
        _error_select(has_attempts)
        .where(*filters)
        .order_by(errors.c.created_at.desc())
        .limit(sa.bindparam("list_limit", type_=sa.Integer))
    )


@functools.lru_cache(maxsize=2)
def _decision_select(summary_chars: int = MESSAGE_CHARS) -> sa.Select[Any]:
    return sa.select(
        decisions.c.id,
        decisions.c.decision_type,
        cut_text(decisions.c.summary, summary_chars).label("summary"),
        decisions.c.options,
        decisions.c.default_option,
        decisions.c.timeout_minutes,
        decisions.c.status,
        decisions.c.requested_at,
        decisions.c.requested_by,
        decisions.c.decided_at,
        decisions.c.decided_by,
        decisions.c.choice,
        decisions.c.card_id,
        _card_title(),
    ).select_from(decisions.outerjoin(cards, cards.c.id == decisions.c.card_id))


@functools.lru_cache(maxsize=32)
def _decisions_statement(status: str, by_project: bool, by_text: bool) -> sa.Select[Any]:
    """Decisions in one status: pending ones oldest first, settled ones newest first."""
    filters = _by_project(by_project)
    if by_text:
        filters.append(
            _like_any(
                "decision_pattern",
                decisions.c.summary,
                decisions.c.decision_type,
                decisions.c.requested_by,
            )
        )
    requested = decisions.c.requested_at
    return (
        _decision_select()
        .where(decisions.c.status == status, *filters)
        .order_by(requested if status == "pending" else requested.desc())
        .limit(sa.bindparam("list_limit", type_=sa.Integer))
    )


@functools.lru_cache(maxsize=32)
def _alerts_statement(
    acknowledged: int, severity: str | None, by_project: bool, by_text: bool
) -> sa.Select[Any]:
    """Alerts of one severity (None: any other or none), newest first, by the index."""
    if severity is None:
        severity_filter = sa.or_(
            alerts.c.severity.is_(None), alerts.c.severity.not_in(_fixed(SEVERITY_ORDER))
        )
    else:
        severity_filter = alerts.c.severity == severity
    filters = _by_project(by_project)
    if by_text:
        filters.append(
            _like_any("alert_pattern", alerts.c.message, alerts.c.alert_type, alerts.c.source)
        )
    return (
        sa.select(
            alerts.c.id,
            alerts.c.severity,
            alerts.c.alert_type,
            alerts.c.source,
            cut_text(alerts.c.message, MESSAGE_CHARS).label("message"),
            alerts.c.acknowledged,
            alerts.c.acknowledged_by,
            alerts.c.created_at,
            alerts.c.card_id,
            _card_title(),
        )
        .select_from(alerts.outerjoin(cards, cards.c.id == alerts.c.card_id))
        .where(alerts.c.acknowledged == acknowledged, severity_filter, *filters)
        .order_by(alerts.c.created_at.desc())
        .limit(sa.bindparam("remaining", type_=sa.Integer))
    )


# --- how many rows each list matches in all, beside the few it reads ---
#
# Each counts what its list's statement would return without a limit: the same filters,
# over the same index (covering when no text is typed). A count with a text filter reads
# the rows of that status, as the filter itself must.


def _count(source: sa.FromClause, *where: sa.ColumnElement[bool]) -> sa.ScalarSelect[Any]:
    return sa.select(sa.func.count()).select_from(source).where(*where).scalar_subquery()


def _with_cards(table: sa.Table, joined: bool) -> sa.FromClause:
    """`table`, joined to its card when a filter reads the card (project, title)."""
    return table.outerjoin(cards, cards.c.id == table.c.card_id) if joined else table


@functools.lru_cache(maxsize=8)
def _loops_count_statement(by_project: bool, by_text: bool) -> sa.Select[Any]:
    filters = [cards.c.state.in_(_fixed(sm.ACTIVE_LOOP_STATES)), *_by_project(by_project)]
    if by_text:
        filters.append(_like_any("loop_pattern", cards.c.title))
    return sa.select(_count(cards, *filters).label("matching"))


@functools.lru_cache(maxsize=16)
def _errors_count_statement(by_project: bool, by_category: bool, by_text: bool) -> sa.Select[Any]:
    filters = [errors.c.resolved == 0, *_by_project(by_project)]
    if by_category:
        filters.append(errors.c.category == sa.bindparam("error_category"))
    if by_text:
        filters.append(
            _like_any("error_pattern", errors.c.message, errors.c.error_type, cards.c.title)
        )
    source = _with_cards(errors, by_project or by_text)
    return sa.select(_count(source, *filters).label("matching"))


@functools.lru_cache(maxsize=16)
def _decisions_count_statement(
    with_settled: bool, by_project: bool, by_text: bool
) -> sa.Select[Any]:
    filters = _by_project(by_project)
    if by_text:
        filters.append(
            _like_any(
                "decision_pattern",
                decisions.c.summary,
                decisions.c.decision_type,
                decisions.c.requested_by,
            )
        )
    source = _with_cards(decisions, by_project)
    status = decisions.c.status
    settled: sa.ColumnElement[Any] = sa.literal(0)
    if with_settled:
        settled = _count(source, status.in_(_fixed(SETTLED_DECISION_STATUSES)), *filters)
    return sa.select(
        _count(source, status == "pending", *filters).label("pending"),
        settled.label("settled"),
    )


@functools.lru_cache(maxsize=16)
def _alerts_count_statement(
    with_acknowledged: bool, by_project: bool, by_text: bool
) -> sa.Select[Any]:
    filters = _by_project(by_project)
    if by_text:
        filters.append(
            _like_any("alert_pattern", alerts.c.message, alerts.c.alert_type, alerts.c.source)
        )
    source = _with_cards(alerts, by_project)
    open_alert = alerts.c.acknowledged == 0
    acknowledged: sa.ColumnElement[Any] = sa.literal(0)
    if with_acknowledged:
        acknowledged = _count(source, alerts.c.acknowledged == 1, *filters)
    return sa.select(
        _count(source, open_alert, *filters).label("unacknowledged"),
        _count(source, open_alert, alerts.c.severity == "critical", *filters).label("critical"),
        acknowledged.label("acknowledged"),
    )


@functools.lru_cache(maxsize=16)
def _header_counts_statement(by_project: bool, present: frozenset[str]) -> sa.Select[Any]:
    """The header's counts in one statement; a table the database lacks counts 0."""

    def count(table: sa.Table, *where: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        if table.name not in present:
            return sa.literal(0)
        source: sa.FromClause = table
        filters = list(where)
        if by_project:
            source = table.join(cards, cards.c.id == table.c.card_id)
            filters += _by_project(by_project)
        return sa.select(sa.func.count()).select_from(source).where(*filters).scalar_subquery()

    unacknowledged = alerts.c.acknowledged == 0
    return sa.select(
        count(errors, errors.c.resolved == 0).label("unresolved_errors"),
        count(decisions, decisions.c.status == "pending").label("pending_decisions"),
        count(alerts, unacknowledged).label("unacknowledged_alerts"),
        count(alerts, unacknowledged, alerts.c.severity == "critical").label("critical_alerts"),
    )


@functools.lru_cache(maxsize=4)
def _urgent_statements(by_project: bool) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The newest pending decisions, and the newest unacknowledged critical alerts."""
    pending = (
        sa.select(decisions.c.id, cut_text(decisions.c.summary, TITLE_CHARS).label("text"))
        .select_from(decisions.outerjoin(cards, cards.c.id == decisions.c.card_id))
        .where(decisions.c.status == "pending", *_by_project(by_project))
        .order_by(decisions.c.requested_at.desc())
        .limit(sa.bindparam("urgent_limit", type_=sa.Integer))
    )
    critical = (
        sa.select(alerts.c.id, cut_text(alerts.c.message, TITLE_CHARS).label("text"))
        .select_from(alerts.outerjoin(cards, cards.c.id == alerts.c.card_id))
        .where(
            alerts.c.acknowledged == 0,
            alerts.c.severity == "critical",
            *_by_project(by_project),
        )
        .order_by(alerts.c.created_at.desc())
        .limit(sa.bindparam("urgent_limit", type_=sa.Integer))
    )
    return pending, critical


class SummaryCache:
    """Lane cards by the row each was built from, kept from one snapshot to the next.

    Most cards are unchanged between two loads: they are not built (and cleaned) again,
    and the screen, finding the very same objects, compares them at no cost.
    """

    def __init__(self) -> None:
        self._previous: dict[tuple[Any, ...], CardSummary] = {}
        self._current: dict[tuple[Any, ...], CardSummary] = {}

    def summary(
        self, row: tuple[Any, ...], build: Callable[[tuple[Any, ...]], CardSummary]
    ) -> CardSummary:
        card = self._current.get(row) or self._previous.get(row) or build(row)
        self._current[row] = card
        return card

    def next_snapshot(self) -> None:
        """What the last snapshot used is kept; everything older is let go."""
        self._previous, self._current = self._current, {}


class SnapshotReader:
    """Reads one Snapshot (or one CardDetail) inside a transaction it is given."""

    def __init__(
        self,
        conn: Connection,
        query: BoardQuery,
        now: datetime,
        summaries: SummaryCache | None = None,
    ) -> None:
        self.conn = conn
        self.query = query
        self.now = now
        self.summaries = summaries
        schema = present_schema(conn)
        self.tables = set(schema.tables)
        self.missing = schema.missing_columns(m.TABLES.values())
        self.params = _list_params(query)

    def has(self, table: str) -> bool:
        return table in self.tables

    def _execute(self, statement: sa.Executable, params: dict[str, Any] | None = None) -> AnyResult:
        return self.conn.execute(null_missing(statement, self.missing), params)

    # --- the card filter shared by counts and lanes ---

    def _card_filters(self) -> list[sa.ColumnElement[bool]]:
        filters: list[sa.ColumnElement[bool]] = []
        if self.query.project_id:
            filters.append(cards.c.project_id == self.query.project_id)
        if self.query.text:
            params = self._text_params()
            phrase = params.get("phrase")
            filters.append(
                _card_text_filter(
                    sa.bindparam("pattern", params["pattern"], type_=sa.String),
                    None if phrase is None else sa.bindparam("phrase", phrase, type_=sa.String),
                )
            )
        return filters

    def _text_params(self) -> dict[str, str]:
        """The text filter's parameters: a LIKE pattern, and an FTS phrase when indexed."""
        text = self.query.text
        params = {"pattern": _like_pattern(text)}
        if _uses_text_index(text, self.tables):
            params["phrase"] = _fts_phrase(text)
        return params

    def state_counts(self) -> dict[str, int]:
        """Cards by state, under the filters; archived ones only when they are shown."""
        if self.query.text:  # few matches: group them (the text decides which are read)
            rows = self._execute(
                sa.select(cards.c.state, sa.func.count())
                .where(*self._card_filters())
                .group_by(cards.c.state)
            )
        else:
            counts_by_state = (
                _counts_in_one_pass_statement
                if index_counts_read_the_table(self.conn, "cards")
                else _counts_by_state_statement
            )
            statement = counts_by_state(bool(self.query.project_id), self.query.show_archived)
            rows = self._execute(statement, {"project_id": self.query.project_id})
        return {str(state): int(count) for state, count in rows if count}

    def _top_cards(self, limits: dict[str, int]) -> dict[str, list[AnyRow]]:
        """Each state's top cards by the lane index (as many as `limits` says for it), all
        in one statement."""
        if not any(limits.values()):
            return {}
        states = tuple(limits)
        params: dict[str, Any] = {}
        for i, state in enumerate(states):
            params[f"state_{i}"], params[f"limit_{i}"] = state, limits[state]
        if self.query.project_id:
            params["project_id"] = self.query.project_id
        if self.query.text:
            params.update(self._text_params())
        statement = _top_cards_statement(
            len(states), bool(self.query.project_id), bool(self.query.text), "phrase" in params
        )
        by_state: dict[str, list[AnyRow]] = {state: [] for state in states}
        for row in self._execute(statement, params):
            by_state[row.state].append(row)
        return by_state

    @staticmethod
    def _merge(
        rows_by_state: dict[str, list[AnyRow]], lane_states: Iterable[str], limit: int
    ) -> list[AnyRow]:
        """A lane's top N: its states' top N merged in the index's order."""
        rows = [row for state in lane_states for row in rows_by_state.get(state, ())]
        rows.sort(key=lambda r: (r.priority or 0, r.updated_at or ""), reverse=True)
        return rows[:limit]

    def lanes(self, counts: dict[str, int]) -> tuple[LaneView, ...]:
        groups = sm.WORKFLOW.lane_groups(counts, show_hidden=self.query.show_archived)
        depths = {name: self.query.depth_of(name) for name, _ in groups}
        # Every lane's states, those without cards read to depth 0: the statement keeps its
        # shape (and its compiled form) as a filter empties and fills lanes. A board read
        # to no depth at all (`status` counts, it shows no card) sends no statement.
        limits = {s: depths[name] if counts.get(s) else 0 for name, st in groups for s in st}
        by_state = self._top_cards(limits)
        lane_rows = [(name, st, self._merge(by_state, st, depths[name])) for name, st in groups]
        shown = [r.id for _, _, rows in lane_rows for r in rows]
        error_counts = self._unresolved_by_card(shown)
        blocked = self._blocked(shown)
        summaries = self.summaries or SummaryCache()
        return tuple(
            LaneView(
                name=name,
                count=sum(counts.get(s, 0) for s in lane_states),
                cards=tuple(
                    summaries.summary(
                        (*r, error_counts.get(r.id, 0), r.id in blocked), self._card_summary
                    )
                    for r in rows
                ),
            )
            for name, lane_states, rows in lane_rows
        )

    @staticmethod
    def _card_summary(row: tuple[Any, ...]) -> CardSummary:
        """A lane card from its `_top_cards` row, unresolved errors and blocked mark."""
        (id_, project_id, title, state, priority, loop, cost, updated, errors_, blocked) = row
        return CardSummary(
            id=id_,
            project_id=project_id,
            title=title or "",
            state=state,
            priority=priority,
            loop_iteration=loop,
            total_cost_usd=cost,
            unresolved_errors=errors_,
            blocked=blocked,
            updated_at=updated,
        )

    def _unresolved_by_card(self, card_ids: Sequence[str]) -> dict[str, int]:
        if not card_ids or not self.has("errors"):
            return {}
        rows = self._execute(_unresolved_by_card_statement(), _ids_param(card_ids))
        return {str(card_id): int(count) for card_id, count in rows}

    def _blocked(self, card_ids: Sequence[str]) -> set[str]:
        if not card_ids or not self.has("card_dependencies"):
            return set()
        rows = self._execute(_blocked_statement(), _ids_param(card_ids))
        return {str(r[0]) for r in rows}

    # --- loops ---

    def loops(self) -> tuple[LoopView, ...]:
        limit = self.query.list_limit
        statement = _loops_statement(bool(self.query.project_id), bool(self.query.loop_text))
        rows = list(self._execute(statement, self.params))
        rows.sort(key=lambda r: (r.priority or 0, r.updated_at or ""), reverse=True)
        rows = rows[:limit]
        shown = [r.id for r in rows]
        recent = self._recent_attempts(shown)
        iterations = self._latest_snapshot_iterations(shown)
        error_counts = self._unresolved_by_card(shown)
        blocked = self._blocked(shown)
        return tuple(
            self._loop_view(
                r,
                recent.get(r.id, []),
                snapshot_iteration=iterations.get(r.id),
                unresolved_errors=error_counts.get(r.id, 0),
                blocked=r.id in blocked,
            )
            for r in rows
        )

    def _recent_attempts(self, card_ids: Sequence[str]) -> dict[str, list[AnyRow]]:
        """Each card's latest attempts, newest first."""
        if not card_ids or not self.has("attempts"):
            return {}
        statement: sa.Executable
        params: dict[str, Any]
        if self.conn.dialect.name == "postgresql":
            statement, params = _recent_attempts_lateral_statement(), _ids_param(card_ids)
        else:
            size = _padded_size(len(card_ids))
            slots: list[str | None] = [*card_ids, *([None] * (size - len(card_ids)))]
            params = {f"card_{slot}": card_id for slot, card_id in enumerate(slots)}
            statement = _recent_attempts_statement(size)
        found: dict[str, list[AnyRow]] = {}
        for row in self._execute(statement, params):
            found.setdefault(row.card_id, []).append(row)
        for rows in found.values():
            rows.sort(key=lambda r: r.attempt_number, reverse=True)  # SQL keeps no order here
        return found

    def _latest_snapshot_iterations(self, card_ids: Sequence[str]) -> dict[str, int]:
        if not card_ids or not self.has("loop_snapshots"):
            return {}
        rows = self._execute(_latest_snapshot_iterations_statement(), _ids_param(card_ids))
        return {str(card_id): int(iteration) for card_id, iteration in rows}

    def _loop_view(
        self,
        card: AnyRow,
        recent: Sequence[AnyRow],
        *,
        snapshot_iteration: int | None,
        unresolved_errors: int,
        blocked: bool,
    ) -> LoopView:
        latest = recent[0] if recent else None
        return LoopView(
            card_id=card.id,
            title=card.title or "",
            project_id=card.project_id,
            project_name=card.project_name,
            state=card.state,
            priority=card.priority,
            updated_at=card.updated_at,
            loop_iteration=card.loop_iteration,
            error_count=card.error_count,
            max_retries=card.max_retries,
            unresolved_errors=unresolved_errors,
            blocked=blocked,
            total_cost_usd=card.total_cost_usd,
            total_time_spent_ms=card.total_time_spent_ms,
            latest_attempt_status=latest.status if latest else None,
            latest_attempt_started_at=latest.started_at if latest else None,
            latest_snapshot_iteration=snapshot_iteration,
            attempt_costs=tuple(float(r.cost_usd or 0.0) for r in reversed(recent)),
            attempt_tokens=tuple(int(r.tokens_used or 0) for r in reversed(recent)),
            stalled=self._stalled(recent),
        )

    def _stalled(self, recent: Sequence[AnyRow]) -> bool:
        """The latest attempt is running far longer than its siblings took."""
        if not recent or recent[0].status != "running":
            return False
        finished = [r.duration_ms / 1000 for r in recent[1:] if r.duration_ms]
        return running_too_long(to_moment(recent[0].started_at), finished, self.now)

    # --- errors, decisions, alerts ---

    def unresolved_errors(self) -> tuple[ErrorView, ...]:
        if not self.has("errors"):
            return ()
        statement = _unresolved_errors_statement(
            self.has("attempts"),
            bool(self.query.project_id),
            bool(self.query.error_category),
            bool(self.query.error_text),
        )
        return tuple(_error_view(r) for r in self._execute(statement, self.params))

    def decisions(self) -> tuple[DecisionView, ...]:
        if not self.has("decisions"):
            return ()
        by_project, by_text = bool(self.query.project_id), bool(self.query.decision_text)
        pending = [
            decision_view(r, card_id=r.card_id, card_title=r.card_title)
            for r in self._execute(
                _decisions_statement("pending", by_project, by_text), self.params
            )
        ]
        # Most urgent first: least time left; no deadline last.
        pending.sort(key=lambda d: (d.deadline is None, d.deadline or self.now))
        if not self.query.show_decided:
            return tuple(pending)
        # One indexed query per settled status, merged newest first.
        settled = [
            decision_view(r, card_id=r.card_id, card_title=r.card_title)
            for status in SETTLED_DECISION_STATUSES
            for r in self._execute(_decisions_statement(status, by_project, by_text), self.params)
        ]
        settled.sort(key=lambda d: d.requested_at or "", reverse=True)
        return tuple(pending + settled[: self.query.list_limit])

    def alerts(self) -> tuple[AlertView, ...]:
        if not self.has("alerts"):
            return ()
        acknowledged = [0, 1] if self.query.show_acknowledged else [0]
        by_project, by_text = bool(self.query.project_id), bool(self.query.alert_text)
        found: list[AlertView] = []
        limit = self.query.list_limit
        # Critical first, then by age; one indexed query per severity keeps it bounded.
        for ack in acknowledged:
            for severity in (*SEVERITY_ORDER, None):
                statement = _alerts_statement(ack, severity, by_project, by_text)
                rows = self._execute(statement, {**self.params, "remaining": limit - len(found)})
                found += (alert_view(r, card_id=r.card_id, card_title=r.card_title) for r in rows)
                if len(found) >= limit:
                    return tuple(found)
        return tuple(found)

    def list_counts(self) -> dict[str, ListCount]:
        """How many rows each list read matches in all (a list whose table is missing
        has none: its view says the table is missing)."""
        counters: dict[str, tuple[str, Callable[[], ListCount]]] = {
            "loops": ("cards", self._count_loops),
            "errors": ("errors", self._count_errors),
            "decisions": ("decisions", self._count_decisions),
            "alerts": ("alerts", self._count_alerts),
        }
        return {
            name: count()
            for name, (table, count) in counters.items()
            if name in self.query.lists and self.has(table)
        }

    def _count_loops(self) -> ListCount:
        q = self.query
        statement = _loops_count_statement(bool(q.project_id), bool(q.loop_text))
        return ListCount(matching=int(self._execute(statement, self.params).scalar_one()))

    def _count_errors(self) -> ListCount:
        q = self.query
        statement = _errors_count_statement(
            bool(q.project_id), bool(q.error_category), bool(q.error_text)
        )
        return ListCount(matching=int(self._execute(statement, self.params).scalar_one()))

    def _count_decisions(self) -> ListCount:
        q = self.query
        statement = _decisions_count_statement(
            q.show_decided, bool(q.project_id), bool(q.decision_text)
        )
        row = self._execute(statement, self.params).one()
        pending, settled = int(row.pending), int(row.settled)
        return ListCount(matching=pending + settled, parts={"pending": pending, "settled": settled})

    def _count_alerts(self) -> ListCount:
        q = self.query
        statement = _alerts_count_statement(
            q.show_acknowledged, bool(q.project_id), bool(q.alert_text)
        )
        row = self._execute(statement, self.params).one()
        parts = {
            "unacknowledged": int(row.unacknowledged),
            "critical": int(row.critical),
            "acknowledged": int(row.acknowledged),
        }
        return ListCount(matching=parts["unacknowledged"] + parts["acknowledged"], parts=parts)

    def urgent(self) -> tuple[Urgent, ...]:
        """The newest pending decisions and unacknowledged critical alerts (no text filter)."""
        pending, critical = _urgent_statements(bool(self.query.project_id))
        found: list[Urgent] = []
        if self.has("decisions"):
            rows = self._execute(pending, self.params)
            found += (Urgent(kind="decision", id=r.id, text=r.text or "") for r in rows)
        if self.has("alerts"):
            rows = self._execute(critical, self.params)
            found += (Urgent(kind="alert", id=r.id, text=r.text or "") for r in rows)
        return tuple(found)

    # --- one error or one decision in full ---

    def error_detail(self, error_id: str) -> ErrorDetail | None:
        if not self.has("errors"):
            return None
        row = self._execute(
            _error_select(self.has("attempts"), DETAIL_TEXT_CHARS)
            .add_columns(
                cut_text(errors.c.stack_trace, DETAIL_TEXT_CHARS).label("stack_trace"),
                cut_text(errors.c.context, DETAIL_TEXT_CHARS).label("context"),
                errors.c.resolved_at,
            )
            .where(errors.c.id == error_id)
        ).first()
        if row is None:
            return None
        return ErrorDetail(
            error=_error_view(row),
            stack_trace=row.stack_trace,
            context=row.context,
            resolved_at=row.resolved_at,
        )

    def decision_detail(self, decision_id: str) -> DecisionDetail | None:
        if not self.has("decisions"):
            return None
        row = self._execute(
            _decision_select(DETAIL_TEXT_CHARS)
            .add_columns(
                cut_text(decisions.c.context, DETAIL_TEXT_CHARS).label("context"),
                cut_text(decisions.c.comment, DETAIL_TEXT_CHARS).label("comment"),
            )
            .where(decisions.c.id == decision_id)
        ).first()
        if row is None:
            return None
        return DecisionDetail(
            decision=decision_view(row, card_id=row.card_id, card_title=row.card_title),
            context=row.context,
            comment=row.comment,
        )

    def totals(self, counts: dict[str, int]) -> Totals:
        present = frozenset(t for t in ("errors", "decisions", "alerts") if self.has(t))
        statement = _header_counts_statement(bool(self.query.project_id), present)
        row = self._execute(statement, {"project_id": self.query.project_id}).one()
        return Totals(
            cards=sum(c for s, c in counts.items() if s != sm.ARCHIVED),
            active_loops=sum(counts.get(s, 0) for s in sm.ACTIVE_LOOP_STATES),
            unresolved_errors=int(row.unresolved_errors),
            pending_decisions=int(row.pending_decisions),
            unacknowledged_alerts=int(row.unacknowledged_alerts),
            critical_alerts=int(row.critical_alerts),
        )

    def projects(self) -> tuple[Project, ...]:
        rows = self._execute(sa.select(projects.c.id, projects.c.name).order_by(projects.c.name))
        return tuple(Project(id=r.id, name=r.name or "") for r in rows)

    def snapshot(self) -> Snapshot:
        # Lane counts follow the text filter; header totals and loops do not.
        counts = self.state_counts()
        unfiltered = counts if not self.query.text else self._unfiltered_counts()
        return Snapshot(
            taken_at=self.now,
            query=self.query,
            projects=self.projects(),
            lanes=self.lanes(counts),
            states=counts,
            loops=self.loops() if "loops" in self.query.lists else (),
            errors=self.unresolved_errors() if "errors" in self.query.lists else (),
            decisions=self.decisions() if "decisions" in self.query.lists else (),
            alerts=self.alerts() if "alerts" in self.query.lists else (),
            list_counts=self.list_counts(),
            totals=self.totals(unfiltered),
            urgent=self.urgent(),
            unavailable=(
                *(t for t in OPTIONAL_TABLES if not self.has(t)),
                *sorted(f"{table}.{column}" for table, column in self.missing),
            ),
        )

    def _unfiltered_counts(self) -> dict[str, int]:
        plain = SnapshotReader(self.conn, self.query.model_copy(update={"text": ""}), self.now)
        return plain.state_counts()

    # --- one card's detail ---

    def card_detail(self, card_id: str) -> CardDetail | None:
        card = self._execute(
            sa.select(
                # A 5 MB description is cut by SQLite; only what is shown is read.
                *(
                    cut_text(c, DETAIL_TEXT_CHARS).label(c.name) if c.name in LONG_CARD_TEXTS else c
                    for c in cards.c
                ),
                projects.c.name.label("project_name"),
            )
            .select_from(cards.outerjoin(projects, projects.c.id == cards.c.project_id))
            .where(cards.c.id == card_id)
        ).first()
        if card is None:
            return None
        return CardDetail(
            id=card.id,
            project_id=card.project_id,
            project_name=card.project_name,
            title=card.title or "",
            description=card.description,
            task_prompt=card.task_prompt,
            state=card.state,
            previous_state=card.previous_state,
            priority=card.priority,
            loop_iteration=card.loop_iteration,
            error_count=card.error_count,
            max_retries=card.max_retries,
            total_cost_usd=card.total_cost_usd,
            total_time_spent_ms=card.total_time_spent_ms,
            pull_request_url=card.pull_request_url,
            branch_name=card.branch_name,
            worktree_path=card.worktree_path,
            labels=card.labels,
            updated_at=card.updated_at,
            criteria=self._criteria(card_id),
            blocks=self._dependencies(card_id, outgoing=False),
            blocked_by=self._dependencies(card_id, outgoing=True),
            attempts=self._attempts(card_id),
            errors=self._card_errors(card_id),
            loop_snapshots=self._loop_snapshots(card_id),
            deployments=self._deployments(card_id),
            history=self._history(card_id),
        )

    def _criteria(self, card_id: str) -> tuple[Criterion, ...]:
        rows = self._execute(
            sa.select(criteria.c.description, criteria.c.met, criteria.c.met_at)
            .where(criteria.c.card_id == card_id)
            .order_by(criteria.c.order_index)
        )
        return tuple(
            Criterion(description=r.description or "", met=bool(r.met), met_at=r.met_at)
            for r in rows
        )

    def _dependencies(self, card_id: str, *, outgoing: bool) -> tuple[Dependency, ...]:
        if not self.has("card_dependencies"):
            return ()
        mine, other = (
            (deps.c.card_id, deps.c.depends_on_card_id)
            if outgoing
            else (deps.c.depends_on_card_id, deps.c.card_id)
        )
        rows = self._execute(
            sa.select(
                other.label("other_id"),
                cut_text(cards.c.title, TITLE_CHARS).label("title"),
                cards.c.state,
                deps.c.dependency_type,
            )
            .select_from(deps.outerjoin(cards, cards.c.id == other))
            .where(mine == card_id)
        )
        return tuple(
            Dependency(
                card_id=r.other_id, title=r.title, state=r.state, dependency_type=r.dependency_type
            )
            for r in rows
        )

    def _attempts(self, card_id: str) -> tuple[AttemptView, ...]:
        if not self.has("attempts"):
            return ()
        rows = self._execute(
            sa.select(
                attempts.c.id,
                attempts.c.attempt_number,
                attempts.c.agent_type,
                attempts.c.status,
                attempts.c.tokens_used,
                attempts.c.cost_usd,
                attempts.c.duration_ms,
                attempts.c.started_at,
                attempts.c.commit_sha,
                attempts.c.diff_stats,
                cut_text(attempts.c.error_message, MESSAGE_CHARS).label("error_message"),
            )
            .where(attempts.c.card_id == card_id)
            .order_by(attempts.c.attempt_number.desc())
            .limit(self.query.list_limit)
        )
        return tuple(attempt_view(r) for r in rows)

    def _card_errors(self, card_id: str) -> tuple[ErrorView, ...]:
        if not self.has("errors"):
            return ()
        rows = self._execute(
            _error_select(self.has("attempts"))
            .where(errors.c.card_id == card_id)
            .order_by(errors.c.created_at.desc())
            .limit(self.query.list_limit)
        )
        return tuple(_error_view(r) for r in rows)

    def _loop_snapshots(self, card_id: str) -> tuple[LoopSnapshotView, ...]:
        if not self.has("loop_snapshots"):
            return ()
        rows = self._execute(
            sa.select(
                snapshots.c.iteration,
                snapshots.c.checkpoint_commit,
                snapshots.c.created_at,
                cut_text(snapshots.c.state, MESSAGE_CHARS).label("state"),
            )
            .where(snapshots.c.card_id == card_id)
            .order_by(snapshots.c.iteration.desc())
            .limit(50)
        )
        return tuple(
            LoopSnapshotView(
                iteration=r.iteration,
                checkpoint_commit=r.checkpoint_commit,
                created_at=r.created_at,
                state=r.state,
            )
            for r in rows
        )

    def _deployments(self, card_id: str) -> tuple[DeploymentView, ...]:
        if not self.has("deployments"):
            return ()
        rows = self._execute(
            sa.select(*deployments.c)
            .where(deployments.c.card_id == card_id)
            .order_by(deployments.c.created_at.desc())
            .limit(50)
        )
        return tuple(
            DeploymentView(
                id=r.id,
                image_tag=r.image_tag,
                workflow_status=r.workflow_status,
                workflow_conclusion=r.workflow_conclusion,
                argocd_sync_status=r.argocd_sync_status,
                argocd_health_status=r.argocd_health_status,
                namespace=r.namespace,
                replicas_desired=r.replicas_desired,
                replicas_ready=r.replicas_ready,
                created_at=r.created_at,
            )
            for r in rows
        )

    def _history(self, card_id: str) -> tuple[TransitionView, ...]:
        if not self.has("state_transitions"):
            return ()
        rows = self._execute(
            sa.select(
                transitions.c.from_state,
                transitions.c.to_state,
                transitions.c.trigger,
                cut_text(transitions.c.metadata, MESSAGE_CHARS).label("metadata"),
                transitions.c.created_at,
            )
            .where(transitions.c.card_id == card_id)
            .order_by(transitions.c.created_at.desc(), _ROWID.desc())
            .limit(self.query.list_limit)
        )
        return tuple(
            TransitionView(
                from_state=r.from_state,
                to_state=r.to_state,
                trigger=r.trigger,
                metadata=r.metadata,
                created_at=r.created_at,
            )
            for r in rows
        )


def attempt_view(r: AnyRow) -> AttemptView:
    """An attempt row (the attempts columns, `diff_stats` as read) as its view model."""
    return AttemptView(
        id=r.id,
        attempt_number=r.attempt_number,
        agent_type=r.agent_type,
        status=r.status,
        tokens_used=r.tokens_used,
        cost_usd=r.cost_usd,
        duration_ms=r.duration_ms,
        started_at=r.started_at,
        commit_sha=r.commit_sha,
        diff_stats=r.diff_stats,
        error_message=r.error_message,
    )


def _error_view(r: AnyRow) -> ErrorView:
    return ErrorView(
        id=r.id,
        card_id=r.card_id,
        card_title=r.card_title,
        attempt_id=r.attempt_id,
        attempt_number=r.attempt_number,
        error_type=r.error_type or "",
        category=r.category,
        severity=r.severity,
        message=r.message or "",
        resolved=bool(r.resolved),
        created_at=r.created_at,
    )
