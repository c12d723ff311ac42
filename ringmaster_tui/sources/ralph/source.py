"""Ralph-Advanced's schema as a Source: its reads (read/) and its writes (actions.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from ringmaster_tui.domain.capabilities import Capabilities, ViewOffer
from ringmaster_tui.domain.outcome import Outcome
from ringmaster_tui.domain.review import AttemptReviewData
from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.domain.views import RowAction, SectionedDetail
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.sources.common import EngineSource
from ringmaster_tui.sources.ralph.actions import Actions
from ringmaster_tui.sources.ralph.read import loops, problems
from ringmaster_tui.sources.ralph.read.board import CardCache
from ringmaster_tui.sources.ralph.read.context import Reading
from ringmaster_tui.sources.ralph.read.detail import read_story_detail
from ringmaster_tui.sources.ralph.read.review import read_commit_review
from ringmaster_tui.sources.ralph.read.snapshot import read_snapshot
from ringmaster_tui.sources.ralph.schema import schema_for
from ringmaster_tui.sources.ralph.workflow import PROJECT_PAUSED, PROJECT_RUNNING, WORKFLOW

CAPABILITIES = Capabilities(
    views=(
        ViewOffer("board", "Board"),
        ViewOffer(
            loops.VIEW,
            "Loops",
            actions=(
                RowAction(
                    key="P",
                    action="pause",
                    label="Pause project",
                    applies_to=(PROJECT_RUNNING,),
                    confirm="Pause this project? Its orchestrator stops taking new stories.",
                ),
                RowAction(
                    key="R",
                    action="resume",
                    label="Resume project",
                    applies_to=(PROJECT_PAUSED,),
                    confirm="Resume this project?",
                ),
            ),
            filter_hint="filter projects by name (enter keeps, esc clears)",
            table=True,
        ),
        ViewOffer(
            problems.VIEW,
            "Problems",
            filter_hint="filter by message, story, agent (enter keeps, esc clears)",
        ),
    ),
    review=True,
    group_title="feature",
)


class RalphSource(EngineSource):
    kind = "ralph"
    title = "Ralph-Advanced database"
    workflow = WORKFLOW
    capabilities = CAPABILITIES

    def __init__(self, engine: Engine, user: str) -> None:
        super().__init__(engine, user)
        self._actions = Actions(engine, user)
        self._cards = CardCache()
        """The last snapshot's cards, reused by the next (one loader at a time)."""

    def schema_ddl(self) -> str:
        return schema_for(self.engine.kind)

    def snapshot(self, query: BoardQuery, now: datetime) -> Snapshot:
        with self.engine.read() as conn:
            snapshot = read_snapshot(conn, query, now, self._cards)
        self._cards.next_snapshot()
        return snapshot

    def card_detail(self, card_id: str, now: datetime) -> SectionedDetail | None:
        with self.engine.read() as conn:
            return read_story_detail(Reading(conn, now), card_id)

    def attempt_review(self, attempt_id: str) -> AttemptReviewData | None:
        """A story's commit (`commit:<id>`, from the detail's commits) for the review."""
        with self.engine.read() as conn:
            return read_commit_review(
                Reading(conn, datetime.now(UTC)), attempt_id, self.repositories
            )

    def transition(
        self,
        card_id: str,
        seen_state: str,
        trigger: str,
        to_state: str,
        note: str | None = None,
    ) -> Outcome:
        return self._actions.move_story(card_id, seen_state, trigger, to_state, note)

    def act(self, view_id: str, action: str, rows: Sequence[tuple[str, str | None]]) -> Outcome:
        if view_id == loops.VIEW:
            return self._actions.control_projects(action, rows)
        return super().act(view_id, action, rows)
