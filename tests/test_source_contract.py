"""Every source kind keeps the same promises: `init` makes a schema it recognises as its
own, its demo database opens healthy, every view it offers reads, its cards open, its
workflow is coherent, and the dashboard draws each of its views and leaves it unchanged.

A new kind added to sources/registry.KINDS is tested here with no test of its own, on
both engines: SQLite files, and PostgreSQL databases on a throwaway server (the kind's
SQLite DDL translated by engines/postgres/ddl.py; its demo's rows copied over).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ringmaster_tui.config import Settings
from ringmaster_tui.domain.snapshot import SHAPED_NOT_LISTED, BoardQuery
from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.domain.workflow import Intent
from ringmaster_tui.sources.base import Source, SourceKind
from ringmaster_tui.sources.registry import (
    KINDS,
    check_database,
    create_source_database,
    open_source,
)
from ringmaster_tui.ui.app import RingmasterApp
from tests.builders import NOW
from tests.postgres.cluster import Cluster
from tests.postgres.data import copy_sqlite_into, database_digest
from tests.ui.helpers import until

KIND_IDS = [kind.name for kind in KINDS]
ENGINES = ["sqlite", "postgresql"]


def _digest(target: str) -> str:
    if "://" in target:
        return database_digest(target)
    return hashlib.sha256(Path(target).read_bytes()).hexdigest()


@pytest.fixture(params=KINDS, ids=KIND_IDS)
def kind(request: pytest.FixtureRequest) -> SourceKind:
    kind: SourceKind = request.param
    return kind


@pytest.fixture(params=ENGINES)
def new_target(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], str]:
    """Makes the place of a new, empty database on the engine: a path, or a URL."""
    if request.param == "sqlite":
        return lambda name: str(tmp_path / f"{name}.db")
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return lambda name: cluster.url(cluster.new_database(name), password="postgres")


@pytest.fixture(scope="session")
def pg_demo_templates(
    pg_cluster: Cluster, demo_files: Callable[[SourceKind], Path]
) -> Callable[[SourceKind], str]:
    """Each kind's demo on PostgreSQL, made once a session: its SQLite demo's rows in a
    database made by `init URL`, which each test then copies (CREATE DATABASE ...
    TEMPLATE takes a fraction of a second; building a demo takes seconds)."""
    made: dict[str, str] = {}

    def template(kind: SourceKind) -> str:
        if kind.name not in made:
            name = pg_cluster.new_database(f"demo_{kind.name}")
            create_source_database(pg_cluster.url(name, password="postgres"), kind)
            copy_sqlite_into(demo_files(kind), pg_cluster.url(name, password="postgres"))
            made[kind.name] = name
        return made[kind.name]

    return template


@pytest.fixture
def demo_db(
    kind: SourceKind,
    tmp_path: Path,
    new_target: Callable[[str], str],
    request: pytest.FixtureRequest,
) -> str:
    target = new_target(kind.name)
    if "://" not in target:
        kind.create_demo(Path(target), seed=3, repo_root=tmp_path / "repos")
        return target
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    template = request.getfixturevalue("pg_demo_templates")(kind)
    name = cluster.new_database(kind.name, template=template)
    return cluster.url(name, password="postgres")


@pytest.fixture
def demo_source(kind: SourceKind, demo_db: str) -> Iterator[Source]:
    source = open_source(demo_db, user="ann")
    yield source
    source.close()


def _all_lists(source: Source) -> BoardQuery:
    views = {offer.view_id for offer in source.capabilities.views}
    return BoardQuery(lists=frozenset(views - SHAPED_NOT_LISTED))


def test_init_makes_a_schema_detected_as_its_own_and_healthy(
    kind: SourceKind, new_target: Callable[[str], str]
) -> None:
    path = new_target("new")
    create_source_database(path, kind)
    source = open_source(path, user="ann")
    try:
        assert source.kind == kind.name
        snapshot = source.snapshot(_all_lists(source), NOW)
        assert all(lane.count == 0 for lane in snapshot.lanes)
    finally:
        source.close()
    report = check_database(path)
    assert report.healthy, report


def test_the_demo_opens_as_its_kind_with_cards_in_lanes(
    kind: SourceKind, demo_source: Source
) -> None:
    assert demo_source.kind == kind.name
    assert demo_source.health().healthy
    snapshot = demo_source.snapshot(BoardQuery(), NOW)
    assert sum(lane.count for lane in snapshot.lanes) >= 5
    assert sum(1 for lane in snapshot.lanes if lane.count) >= 3, "a demo uses several lanes"
    lane_names = {lane.name for lane in demo_source.workflow.lanes}
    assert {lane.name for lane in snapshot.lanes} <= lane_names | {"OTHER"}


def test_every_offered_view_reads(demo_source: Source) -> None:
    query = _all_lists(demo_source)
    snapshot = demo_source.snapshot(query, NOW)
    for offer in demo_source.capabilities.views:
        if offer.view_id in SHAPED_NOT_LISTED:
            continue
        if offer.table or offer.view_id not in {"loops", "errors", "decisions", "alerts"}:
            data = snapshot.tables.get(offer.view_id)
            assert data is not None, f"{offer.view_id} offered but not in Snapshot.tables"
            assert data.total >= len(data.rows)
            keys = {column.key for column in data.columns}
            for row in data.rows:
                assert set(row.cells) <= keys, f"{offer.view_id} row {row.id} has unknown cells"


def test_every_card_on_the_board_opens(demo_source: Source) -> None:
    snapshot = demo_source.snapshot(BoardQuery(), NOW)
    cards = [card for lane in snapshot.lanes for card in lane.cards]
    assert cards
    for card in cards[:20]:
        detail = demo_source.card_detail(card.id, NOW)
        assert detail is not None, card.id
        assert detail.id == card.id
        if isinstance(detail, SectionedDetail):
            assert detail.sections
    assert demo_source.card_detail("no-such-card", NOW) is None


def test_the_workflow_is_coherent(demo_source: Source) -> None:
    workflow = demo_source.workflow
    states = set(workflow.states)
    laned = {state for lane in workflow.lanes for state in lane.states}
    assert laned, "a workflow has lanes with states"
    assert laned | set(workflow.hidden_states) <= states
    for move in workflow.moves:
        assert set(move.from_states) <= states, move
        assert move.to_state in states or move.pick_target, move
    # A key serves at most one move from any state: a key press is never ambiguous.
    seen: set[tuple[Intent, str]] = set()
    for move in workflow.moves:
        for state in move.from_states:
            assert (move.intent, state) not in seen, (move.intent, state)
            seen.add((move.intent, state))


def test_the_filter_narrows_the_board(demo_source: Source) -> None:
    everything = demo_source.snapshot(BoardQuery(), NOW)
    title = next(card.title for lane in everything.lanes for card in lane.cards)
    word = max(title.split(), key=len)
    narrowed = demo_source.snapshot(BoardQuery(text=word.upper()), NOW)
    found = [card for lane in narrowed.lanes for card in lane.cards]
    assert found and all(word.casefold() in card.title.casefold() or card.facts for card in found)
    assert sum(lane.count for lane in narrowed.lanes) <= sum(
        lane.count for lane in everything.lanes
    )
    nothing = demo_source.snapshot(BoardQuery(text="zzqx-no-such-thing"), NOW)
    assert sum(lane.count for lane in nothing.lanes) == 0


def _row_limits_asked(run: Callable[[], object]) -> list[int]:
    """The LIMIT of every SELECT (and every part of a UNION) that `run` sends, on any
    engine: read from each statement as executed, with its parameters."""
    limits: list[int] = []

    def record(
        _conn: object, _cursor: object, _sql: str, _p: object, context: Any, *_: object
    ) -> None:
        compiled = getattr(context, "compiled", None)
        if compiled is None:
            return
        values = context.compiled_parameters[0] if context.compiled_parameters else {}
        for element in sa.sql.visitors.iterate(compiled.statement):
            bind = getattr(element, "_limit_clause", None)
            if isinstance(bind, sa.BindParameter):
                limits.append(int(values.get(compiled.bind_names.get(bind), bind.value)))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    return limits


def test_a_board_read_to_no_depth_counts_every_lane_and_reads_no_card(
    demo_source: Source,
) -> None:
    """What `status` reads: the lanes' counts and the totals; no lane's cards, not even
    a statement asking for none of them (each costs its compilation at start)."""
    shown = demo_source.snapshot(BoardQuery(show_archived=True), NOW)
    counts_only = BoardQuery(per_lane=0, show_archived=True, lists=frozenset())
    limits = _row_limits_asked(lambda: demo_source.snapshot(counts_only, NOW))
    counted = demo_source.snapshot(counts_only, NOW)
    assert [(lane.name, lane.count) for lane in counted.lanes] == [
        (lane.name, lane.count) for lane in shown.lanes
    ]
    assert any(lane.count for lane in counted.lanes)
    assert not any(lane.cards for lane in counted.lanes)
    assert counted.totals == shown.totals
    assert 0 not in limits, limits
    # The check sees lane reads: one card a lane asks LIMIT 1 (or the lane's merge depth).
    one_card = counts_only.model_copy(update={"per_lane": 1})
    assert 1 in _row_limits_asked(lambda: demo_source.snapshot(one_card, NOW))


@pytest.mark.anyio
async def test_the_dashboard_draws_every_view_and_writes_nothing(
    kind: SourceKind, demo_db: str
) -> None:
    before = _digest(demo_db)
    source = open_source(demo_db, user="ann")
    settings = Settings(db=str(demo_db), user="ann", bell=False)
    app = RingmasterApp(source, settings, clock=lambda: NOW, animate=False, live=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.snapshot is not None, timeout=20)
        for number, offer in enumerate(source.capabilities.views[:9], start=1):
            await pilot.press(str(number))
            await until(
                pilot,
                lambda offer=offer: (
                    offer.view_id in SHAPED_NOT_LISTED
                    or (app.snapshot is not None and offer.view_id in app.snapshot.query.lists)
                ),
                timeout=20,
            )
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.dashboard.current_view is app.dashboard.views[offer.view_id]
        await pilot.press("1")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("escape")
    assert _digest(demo_db) == before
