"""Ringmaster's schema -> Metrics: seed 000's dashboard and metrics queries, bounded.

Every query reads a bounded slice: the series and layers the last METRICS_DAYS days (by
the attempts' start index; prompt metrics are kept a week by the retention policy), the
activity the newest ACTIVITY_LIMIT transitions (by the transitions' time index). Numbers
that are not numbers (a column holding junk) count as missing, never as a crash.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.metrics import (
    METRICS_DAYS,
    Activity,
    DayCost,
    LayerDay,
    LayerStats,
    Metrics,
    ProjectStats,
)
from ringmaster_tui.engines.present import present_schema
from ringmaster_tui.engines.sql import (
    has_index,
    json_field_text,
    number_or_null,
    row_order,
    timestamp_day,
    total,
)
from ringmaster_tui.sources.ringmaster import models as m
from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.loader import TITLE_CHARS, AnyRow, cut_text, execute

ACTIVITY_LIMIT = 30
PROJECT_LIMIT = 200
LAYER_LIMIT = 50
ACTOR_CHARS = 80
# schema.sql's index holding every column the per-project figures read.
COVERING_PROJECT_INDEX = "idx_cards_project_state_cost"
# The tables the metrics read besides projects and cards; a database may lack them.
METRICS_TABLES: tuple[str, ...] = ("state_transitions", "attempts", "prompt_metrics")

cards = m.TABLES["cards"]
projects = m.TABLES["projects"]
attempts = m.TABLES["attempts"]
transitions = m.TABLES["state_transitions"]
prompt_metrics = m.TABLES["prompt_metrics"]
_ROWID = row_order(m.TABLES["state_transitions"])


def _number(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The column when it holds a number, else NULL (which every aggregate skips)."""
    return number_or_null(column)


def _has_index(conn: Connection, name: str) -> bool:
    return has_index(conn, name)


def _without_index(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The column's value in a form SQLite cannot look up in an index (see each use)."""
    return sa.func.coalesce(column, "")


def _day(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The UTC day of a timestamp as 'YYYY-MM-DD'; NULL when it is not a timestamp."""
    return timestamp_day(column)


class MetricsReader:
    """Reads the Metrics inside a transaction it is given."""

    def __init__(self, conn: Connection, project_id: str | None, now: datetime) -> None:
        self.conn = conn
        self.project_id = project_id
        self.today = now.date()
        self.first_day = self.today - timedelta(days=METRICS_DAYS - 1)
        self.tables = present_schema(conn).tables

    def metrics(self) -> Metrics:
        layer_rows = self._layer_rows()
        return Metrics(
            today=self.today,
            project_id=self.project_id,
            projects=self.project_stats(),
            activity=self.activity(),
            days=self.days(),
            layers=self.layers(layer_rows),
            layer_days=self.layer_days(layer_rows),
            unavailable=tuple(t for t in METRICS_TABLES if t not in self.tables),
        )

    def _window(self, column: sa.ColumnElement[Any]) -> tuple[sa.ColumnElement[bool], ...]:
        """Timestamps within the days shown, as a range over the text (an index range)."""
        after = (self.today + timedelta(days=1)).isoformat()
        return (column >= self.first_day.isoformat(), column < after)

    def _of_project(
        self, table: sa.Table
    ) -> tuple[sa.FromClause, tuple[sa.ColumnElement[bool], ...]]:
        """`table` (one with card_id) limited to the project asked for, if any."""
        if self.project_id is None:
            return table, ()
        joined = table.join(cards, cards.c.id == table.c.card_id)
        return joined, (cards.c.project_id == self.project_id,)

    # --- projects ---

    def project_stats(self) -> tuple[ProjectStats, ...]:
        active = sa.case((cards.c.state.in_(sm.ACTIVE_LOOP_STATES), 1), else_=0)
        # Every card's cost is read. With schema.sql's covering index, one pass over it
        # in project order (3x faster than the table); without it, one pass over the
        # table in its own order is 2-4x faster than through the project index (a lookup
        # per card), so the grouping key is then kept from the index.
        covered = _has_index(self.conn, COVERING_PROJECT_INDEX)
        project = cards.c.project_id if covered else _without_index(cards.c.project_id)
        per_project = (
            sa.select(
                project.label("project_id"),
                sa.func.count().label("cards"),
                total(active).label("active"),
                total(_number(cards.c.total_cost_usd)).label("cost"),
            )
            .group_by(project)
            .subquery("per_project")
        )
        rows = execute(
            self.conn,
            sa.select(
                projects.c.id,
                projects.c.name,
                per_project.c.cards,
                per_project.c.active,
                per_project.c.cost,
            )
            .select_from(projects.outerjoin(per_project, per_project.c.project_id == projects.c.id))
            .order_by(projects.c.name, projects.c.id)
            .limit(PROJECT_LIMIT),
        )
        return tuple(
            ProjectStats(
                id=r.id,
                name=r.name or "",
                cards=int(r.cards or 0),
                active_loops=int(r.active or 0),
                total_cost_usd=float(r.cost or 0.0),
            )
            for r in rows
        )

    # --- recent activity ---

    def activity(self) -> tuple[Activity, ...]:
        if "state_transitions" not in self.tables:
            return ()
        metadata = transitions.c.metadata
        actor = json_field_text(metadata, "by")
        # Newest first along the time index, within the days shown: a project filter
        # must not make SQLite start from the project's cards (all their history, sorted).
        filters = self._window(transitions.c.created_at)
        if self.project_id is not None:
            filters += (_without_index(cards.c.project_id) == self.project_id,)
        rows = execute(
            self.conn,
            sa.select(
                transitions.c.created_at,
                transitions.c.from_state,
                transitions.c.to_state,
                transitions.c.trigger,
                cut_text(sa.cast(actor, sa.Text), ACTOR_CHARS).label("actor"),
                cards.c.id.label("card_id"),
                cut_text(cards.c.title, TITLE_CHARS).label("title"),
                cards.c.project_id,
                cards.c.state,
            )
            .select_from(transitions.join(cards, cards.c.id == transitions.c.card_id))
            .where(*filters)
            .order_by(transitions.c.created_at.desc(), _ROWID.desc())
            .limit(ACTIVITY_LIMIT),
        )
        return tuple(
            Activity(
                created_at=r.created_at,
                card_id=r.card_id,
                card_title=r.title or "",
                project_id=r.project_id,
                card_state=r.state,
                from_state=r.from_state,
                to_state=r.to_state,
                trigger=r.trigger,
                actor=r.actor,
            )
            for r in rows
        )

    # --- cost and attempts by day ---

    def days(self) -> tuple[DayCost, ...]:
        found: dict[str, tuple[float, int]] = {}
        if "attempts" in self.tables:
            source, filters = self._of_project(attempts)
            day = _day(attempts.c.started_at).label("day")
            rows = execute(
                self.conn,
                sa.select(
                    day,
                    total(_number(attempts.c.cost_usd)).label("cost"),
                    sa.func.count().label("attempts"),
                )
                .select_from(source)
                .where(*self._window(attempts.c.started_at), *filters)
                .group_by(day),
            )
            found = {str(r.day): (float(r.cost), int(r.attempts)) for r in rows if r.day}
        series: list[DayCost] = []
        for n in range(METRICS_DAYS):
            day_shown = self.first_day + timedelta(days=n)
            cost, count = found.get(day_shown.isoformat(), (0.0, 0))
            series.append(DayCost(day=day_shown, cost_usd=cost, attempts=count))
        return tuple(series)

    # --- prompt layers ---

    def _layer_rows(self) -> list[AnyRow]:
        """Per layer and day: calls, hits, tokens and times (sums and counts), in one pass
        over the prompt metrics (no index covers their time); none without the table."""
        if "prompt_metrics" not in self.tables:
            return []
        pm = prompt_metrics.c
        source, filters = self._of_project(prompt_metrics)
        day = _day(pm.created_at).label("day")
        tokens, millis = _number(pm.tokens_added), _number(pm.processing_time_ms)
        return list(
            execute(
                self.conn,
                sa.select(
                    sa.func.coalesce(pm.layer_name, "").label("layer"),
                    day,
                    sa.func.count().label("calls"),
                    total(sa.case((pm.cache_hit == 1, 1), else_=0)).label("hits"),
                    sa.func.count(tokens).label("token_rows"),
                    total(tokens).label("tokens"),
                    sa.func.max(tokens).label("max_tokens"),
                    sa.func.count(millis).label("ms_rows"),
                    total(millis).label("ms"),
                )
                .select_from(source)
                .where(*self._window(pm.created_at), *filters)
                .group_by(pm.layer_name, day)
                .order_by(pm.layer_name, day)
                .limit(LAYER_LIMIT * METRICS_DAYS),
            )
        )

    def layers(self, rows: Sequence[AnyRow]) -> tuple[LayerStats, ...]:
        by_layer: dict[str, list[AnyRow]] = {}
        for r in rows:
            by_layer.setdefault(r.layer, []).append(r)
        return tuple(_layer_stats(layer, days) for layer, days in by_layer.items())

    def layer_days(self, rows: Sequence[AnyRow]) -> tuple[LayerDay, ...]:
        return tuple(
            LayerDay(layer=r.layer, day=day, avg_processing_ms=r.ms / r.ms_rows)
            for r in rows
            if r.ms_rows and (day := _parse_day(r.day)) is not None
        )


def _layer_stats(layer: str, days: Sequence[AnyRow]) -> LayerStats:
    token_rows = sum(r.token_rows for r in days)
    ms_rows = sum(r.ms_rows for r in days)
    tokens = sum(r.tokens for r in days)
    highest = [r.max_tokens for r in days if r.max_tokens is not None]
    return LayerStats(
        layer=layer,
        calls=sum(r.calls for r in days),
        hits=int(sum(r.hits for r in days)),
        avg_tokens=tokens / token_rows if token_rows else None,
        max_tokens=int(max(highest)) if highest else None,
        total_tokens=int(tokens),
        avg_processing_ms=sum(r.ms for r in days) / ms_rows if ms_rows else None,
    )


def _parse_day(text: str | None) -> date | None:
    """SQLite's date() of an odd year ('-001-01-01') is no Python date: skipped."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def read_metrics(conn: Connection, project_id: str | None, now: datetime) -> Metrics:
    return MetricsReader(conn, project_id, now).metrics()
