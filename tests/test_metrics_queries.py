"""The metrics view's figures, each computed on a board whose right answers are known by
hand (tests/metrics_data.py), on broken values and on a database lacking tables."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from ringmaster_tui.domain.metrics import METRICS_DAYS, Metrics
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW, ago
from tests.metrics_data import build_metrics_board, card


def read(db: Path, project_id: str | None = None) -> Metrics:
    source = open_source(db, user="ann")
    try:
        return source.metrics(project_id, NOW)
    finally:
        source.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "metrics.db"
    build_metrics_board(path).close()
    return path


@pytest.mark.parametrize("covering_index", [True, False])
def test_project_stats(db: Path, covering_index: bool) -> None:
    if not covering_index:  # an orchestrator's database: the table is read instead
        with closing(sqlite3.connect(db)) as conn:
            conn.execute("DROP INDEX idx_cards_project_state_cost")
    stats = {(p.name, p.cards, p.active_loops, p.total_cost_usd) for p in read(db).projects}
    assert stats == {("alpha", 9, 1, 1.25), ("beta", 6, 1, 2.5)}


def test_an_older_schema_reads_its_missing_columns_as_unknown(db: Path) -> None:
    # The loader's rule: a column the database lacks reads as NULL, here a cost.
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("DROP INDEX idx_attempts_started_cost")  # an older schema: no index
        conn.execute("ALTER TABLE attempts DROP COLUMN cost_usd")
    days = read(db).days

    busy = {d.day: (d.cost_usd, d.attempts) for d in days if d.attempts}
    assert busy == {
        date(2025, 12, 17): (0.0, 1),
        date(2026, 1, 12): (0.0, 2),
        date(2026, 1, 15): (0.0, 4),
    }


def test_recent_activity_newest_first_with_who(db: Path) -> None:
    rows = [(a.card_title, a.from_state, a.to_state, a.trigger, a.actor) for a in read(db).activity]
    assert rows == [
        ("Implement login", "planning", "coding", "approve_plan", None),  # broken JSON
        ("Fix flaky test", "coding", "error_fixing", "tests_failed", None),
        ("Fix flaky test", "planning", "coding", "approve_plan", "bob"),
        ("Fix flaky test", "draft", "planning", "start_planning", "ann"),
    ]  # the transition 40 days ago is outside the days shown


def test_cost_and_attempts_by_day(db: Path) -> None:
    days = read(db).days
    assert len(days) == METRICS_DAYS
    assert days[0].day == date(2025, 12, 17) and days[-1].day == date(2026, 1, 15)
    busy = {d.day: (round(d.cost_usd, 2), d.attempts) for d in days if d.attempts}
    assert busy == {
        date(2025, 12, 17): (0.5, 1),
        date(2026, 1, 12): (2.0, 2),  # one attempt without a cost still counts
        date(2026, 1, 15): (2.8, 4),
    }
    assert all(d.cost_usd == 0.0 for d in days if not d.attempts)


def test_prompt_layers(db: Path) -> None:
    layers = {layer.layer: layer for layer in read(db).layers}
    system, card_layer = layers["system"], layers["card"]
    assert (system.calls, system.hits, system.hit_rate_pct) == (3, 2, 66.67)
    assert (system.avg_tokens, system.max_tokens, system.total_tokens) == (200, 300, 600)
    assert system.avg_processing_ms == 20
    # cache_hit NULL is no hit; tokens 'junk' is no number: left out of the averages
    assert (card_layer.calls, card_layer.hits, card_layer.hit_rate_pct) == (2, 0, 0.0)
    assert (card_layer.avg_tokens, card_layer.max_tokens, card_layer.total_tokens) == (50, 50, 50)


def test_processing_time_per_day_per_layer(db: Path) -> None:
    points = {(d.layer, d.day, d.avg_processing_ms) for d in read(db).layer_days}
    assert points == {
        ("system", date(2026, 1, 14), 30),
        ("system", date(2026, 1, 15), 15),
        ("card", date(2026, 1, 15), 40),
    }


def test_a_project_limits_all_but_the_project_stats(db: Path) -> None:
    metrics = read(db, "project-beta")
    assert metrics.project_id == "project-beta"
    assert len(metrics.projects) == 2
    assert {a.card_title for a in metrics.activity} == {"Fix flaky test"}
    busy = {d.day: (d.cost_usd, d.attempts) for d in metrics.days if d.attempts}
    assert busy == {date(2026, 1, 12): (0.0, 1), date(2026, 1, 15): (1.0, 1)}
    assert [layer.layer for layer in metrics.layers] == ["card"]


def test_junk_values_count_as_missing(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    b = build_metrics_board(path)
    login = card(b, "Implement login")
    b.attempt(login, 7, cost_usd="junk", started_at=ago(hours=1))
    b.attempt(login, 8, cost_usd=1.0, started_at="2026-01-1 garbage")
    b.insert(
        "prompt_metrics",
        card_id=login,
        layer_name="system",
        tokens_added="many",
        processing_time_ms="slow",
        cache_hit="yes",
        created_at=ago(hours=1),
    )
    b.close()
    metrics = read(path)
    today = metrics.days[-1]
    assert (round(today.cost_usd, 2), today.attempts) == (2.8, 5)
    system = next(layer for layer in metrics.layers if layer.layer == "system")
    assert (system.calls, system.hits, system.hit_rate_pct) == (4, 2, 50.0)
    assert (system.avg_tokens, system.max_tokens, system.avg_processing_ms) == (200, 300, 20)


def test_a_database_without_the_optional_tables(tmp_path: Path) -> None:
    path = tmp_path / "partial.db"
    build_metrics_board(path).close()
    with closing(sqlite3.connect(path)) as conn:
        for table in ("prompt_metrics", "state_transitions", "errors", "attempts"):
            conn.execute(f"DROP TABLE {table}")
        conn.commit()
    metrics = read(path)
    assert set(metrics.unavailable) == {"prompt_metrics", "state_transitions", "attempts"}
    assert metrics.activity == () and metrics.layers == () and metrics.layer_days == ()
    assert [d.attempts for d in metrics.days] == [0] * METRICS_DAYS
    assert len(metrics.projects) == 2
