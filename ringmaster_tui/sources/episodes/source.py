"""The episodic memory store as a Source: the readers for snapshots and details, the
actions for the two moves, on any engine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import sqlalchemy as sa

from ringmaster_tui.domain.capabilities import Capabilities, Toggle, ViewOffer
from ringmaster_tui.domain.outcome import Outcome
from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.domain.timefmt import utc_now
from ringmaster_tui.domain.views import RowAction, SectionedDetail
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.sources.common import EngineSource
from ringmaster_tui.sources.episodes import workflow as wf
from ringmaster_tui.sources.episodes.actions import EpisodeActions
from ringmaster_tui.sources.episodes.read import live, patterns, problems
from ringmaster_tui.sources.episodes.read.context import ReadContext
from ringmaster_tui.sources.episodes.read.detail import episode_detail
from ringmaster_tui.sources.episodes.read.snapshot import read_snapshot
from ringmaster_tui.sources.episodes.schema import schema_sql, steps

MARK_FAILED = RowAction(
    key="r",
    action=wf.MARK_FAILED.trigger,
    label="Mark failed",
    applies_to=(live.STALLED,),
    confirm="Mark this stalled episode failed? Who did it is recorded in its metadata.",
)
ARCHIVE = RowAction(
    key="A",
    action=wf.ARCHIVE.trigger,
    label="Archive",
    applies_to=(wf.FAILED,),
    confirm="Archive this failed episode? Who did it is recorded in its metadata.",
)

CAPABILITIES = Capabilities(
    views=(
        ViewOffer("board", "Board"),
        ViewOffer(
            live.VIEW_ID,
            "Live",
            actions=(MARK_FAILED,),
            filter_hint="filter episodes (enter keeps, esc clears)",
            table=True,
        ),
        ViewOffer(
            patterns.VIEW_ID,
            "Patterns",
            toggles=(Toggle("u", patterns.BY_USAGE, "Most used first"),),
            filter_hint="search pattern data (enter keeps, esc clears)",
        ),
        ViewOffer(
            problems.VIEW_ID,
            "Problems",
            actions=(ARCHIVE,),
            filter_hint="filter problems (enter keeps, esc clears)",
        ),
    ),
    group_title="domain",
)


class EpisodesSource(EngineSource):
    kind = "episodes"
    title = "memory store"
    workflow = wf.WORKFLOW
    capabilities = CAPABILITIES

    def __init__(
        self, engine: Engine, user: str, *, clock: Callable[[], datetime] = utc_now
    ) -> None:
        super().__init__(engine, user)
        self._actions = EpisodeActions(engine, user, clock)

    def schema_ddl(self) -> str:
        return schema_sql(self.engine.kind)

    def snapshot(self, query: BoardQuery, now: datetime) -> Snapshot:
        with self.engine.read() as conn:
            return read_snapshot(conn, query, now)

    def card_detail(self, card_id: str, now: datetime) -> SectionedDetail | None:
        with self.engine.read() as conn:
            return episode_detail(ReadContext(conn, now), card_id)

    def transition(
        self,
        card_id: str,
        seen_state: str,
        trigger: str,
        to_state: str,
        note: str | None = None,
    ) -> Outcome:
        if trigger == wf.ARCHIVE.trigger:
            return self._actions.archive(card_id, seen_state, note)
        if trigger == wf.MARK_FAILED.trigger:
            return self._actions.mark_failed(card_id, seen_state, note)
        return self._lacks(f"{trigger} move")

    def act(self, view_id: str, action: str, rows: Sequence[tuple[str, str | None]]) -> Outcome:
        if len(rows) != 1:
            return Outcome(ok=False, message="Pick one episode at a time.")
        row_id, seen = rows[0]
        episode_id = self._episode_of(row_id)
        if episode_id is None:
            return Outcome(ok=False, message="That row's episode no longer exists.")
        if view_id == live.VIEW_ID and action == wf.MARK_FAILED.trigger:
            # The live view lists active episodes only; the guard checks it is stalled.
            return self._actions.mark_failed(episode_id, wf.ACTIVE, None)
        if view_id == problems.VIEW_ID and action == wf.ARCHIVE.trigger:
            return self._actions.archive(episode_id, seen or "", None)
        return self._lacks(f"{action} in its {view_id} view")

    def _episode_of(self, row_id: str) -> str | None:
        """The episode a table row stands for: "e:<id>" itself, "s:<id>" its step's."""
        kind, _, key = row_id.partition(":")
        if kind == "e":
            return key
        if kind != "s":
            return None
        with self.engine.read() as conn:
            found = conn.execute(sa.select(steps.c.episode_id).where(steps.c.id == key)).scalar()
        return None if found is None else str(found)
