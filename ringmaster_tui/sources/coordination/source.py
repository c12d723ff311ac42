"""The coordination database as a Source: readers for each view (read/), compare-and-set
writes (actions.py), on any engine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from ringmaster_tui.domain.capabilities import Capabilities, Toggle, ViewOffer
from ringmaster_tui.domain.outcome import Outcome
from ringmaster_tui.domain.snapshot import BoardQuery, DecisionDetail, Snapshot
from ringmaster_tui.domain.timefmt import utc_now
from ringmaster_tui.domain.views import RowAction, SectionedDetail
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.sources.common import EngineSource
from ringmaster_tui.sources.coordination.actions import Actions
from ringmaster_tui.sources.coordination.read import change_requests as changes
from ringmaster_tui.sources.coordination.read import events
from ringmaster_tui.sources.coordination.read.common import Reading
from ringmaster_tui.sources.coordination.read.decisions import read_decision_detail
from ringmaster_tui.sources.coordination.read.detail import read_test_detail
from ringmaster_tui.sources.coordination.read.snapshot import read_snapshot
from ringmaster_tui.sources.coordination.schema import schema_sql
from ringmaster_tui.sources.coordination.workflow import WORKFLOW

ACKNOWLEDGE = "acknowledge"
ACKNOWLEDGE_LISTED = "acknowledge_listed"
APPROVE = "approve"
REJECT = "reject"

CAPABILITIES = Capabilities(
    views=(
        ViewOffer("board", "Board"),
        ViewOffer("loops", "Loops", table=True),
        ViewOffer("problems", "Problems"),
        ViewOffer("decisions", "Decisions"),
        ViewOffer("alerts", "Alerts"),
        ViewOffer(
            events.VIEW,
            "Events",
            actions=(
                RowAction(
                    key="x",
                    action=ACKNOWLEDGE,
                    label="Acknowledge",
                    applies_to=(events.UNACKNOWLEDGED,),
                ),
                RowAction(
                    key="X",
                    action=ACKNOWLEDGE_LISTED,
                    label="Acknowledge listed",
                    applies_to=(events.UNACKNOWLEDGED,),
                    bulk=True,
                ),
            ),
            toggles=(Toggle("t", events.ACKNOWLEDGED_FLAG, "Acknowledged"),),
            filter_hint="filter: source:NAME type:NAME or text (enter keeps, esc clears)",
        ),
        ViewOffer(
            changes.VIEW,
            "Change requests",
            actions=(
                RowAction(
                    key="a",
                    action=APPROVE,
                    label="Approve",
                    applies_to=(changes.PENDING,),
                    confirm="Approve this change request?",
                ),
                RowAction(
                    key="r",
                    action=REJECT,
                    label="Reject",
                    applies_to=(changes.PENDING,),
                    confirm="Reject this change request?",
                ),
            ),
            toggles=(Toggle("t", changes.RESOLVED_FLAG, "Resolved"),),
        ),
    ),
    group_title="loop",
)


class CoordinationSource(EngineSource):
    kind = "coordination"
    title = "coordination database"
    workflow = WORKFLOW
    capabilities = CAPABILITIES

    def __init__(self, engine: Engine, user: str, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__(engine, user)
        self._actions = Actions(engine, user, clock)

    def schema_ddl(self) -> str:
        return schema_sql(self.engine.kind)

    def _reading(self, conn: object, query: BoardQuery, now: datetime) -> Reading:
        # A loop's pid means something only on the machine that holds the file.
        return Reading(conn, query, now, local=self.engine.kind == "sqlite")  # type: ignore[arg-type]

    def snapshot(self, query: BoardQuery, now: datetime) -> Snapshot:
        with self.engine.read() as conn:
            return read_snapshot(self._reading(conn, query, now))

    def card_detail(self, card_id: str, now: datetime) -> SectionedDetail | None:
        with self.engine.read() as conn:
            return read_test_detail(self._reading(conn, BoardQuery(), now), card_id)

    def decision_detail(self, decision_id: str, now: datetime) -> DecisionDetail | None:
        with self.engine.read() as conn:
            return read_decision_detail(self._reading(conn, BoardQuery(), now), decision_id)

    def transition(
        self,
        card_id: str,
        seen_state: str,
        trigger: str,
        to_state: str,
        note: str | None = None,
    ) -> Outcome:
        return self._actions.transition(card_id, seen_state, trigger, to_state, note)

    def act(self, view_id: str, action: str, rows: Sequence[tuple[str, str | None]]) -> Outcome:
        if view_id == events.VIEW and action in (ACKNOWLEDGE, ACKNOWLEDGE_LISTED):
            wanted = [row_id for row_id, seen in rows if seen == events.UNACKNOWLEDGED]
            return self._actions.acknowledge_events(wanted)
        if view_id == changes.VIEW and action in (APPROVE, REJECT) and len(rows) == 1:
            ((row_id, seen),) = rows
            status = "approved" if action == APPROVE else "rejected"
            return self._actions.resolve_change_request(row_id, seen, status)
        return super().act(view_id, action, rows)

    def acknowledge_alerts(self, alert_ids: Sequence[str]) -> Outcome:
        return self._actions.acknowledge_alerts(alert_ids)

    def decide(self, decision_id: str, choice: str, comment: str | None) -> Outcome:
        return self._actions.decide(decision_id, choice, comment)
