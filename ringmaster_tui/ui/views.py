"""The dashboard's views and the keys that switch to them.

A source offers views (domain/capabilities.py) in the order of keys 1-9; each view id
has a widget here. Adding a view: write a DashboardView subclass and add its maker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding

from ringmaster_tui.domain.capabilities import Capabilities, ViewOffer
from ringmaster_tui.domain.workflow import Workflow
from ringmaster_tui.ui.widgets.alerts_view import AlertsView
from ringmaster_tui.ui.widgets.board import BoardView
from ringmaster_tui.ui.widgets.dashboard_view import DashboardView
from ringmaster_tui.ui.widgets.decisions_view import DecisionsView
from ringmaster_tui.ui.widgets.errors_view import ErrorsView
from ringmaster_tui.ui.widgets.loops_view import LoopsView
from ringmaster_tui.ui.widgets.metrics_view import MetricsView
from ringmaster_tui.ui.widgets.table_view import TableListView

ViewMaker = Callable[[Workflow, ViewOffer], DashboardView]

# The views drawn in a shape of their own; any other view a source offers is a table.
MAKERS: dict[str, ViewMaker] = {
    "board": lambda workflow, _: BoardView(workflow, id="board"),
    "loops": lambda workflow, _: LoopsView(workflow, id="loops"),
    "errors": lambda _, __: ErrorsView(id="errors"),
    "decisions": lambda _, __: DecisionsView(id="decisions"),
    "alerts": lambda _, __: AlertsView(id="alerts"),
    "metrics": lambda _, __: MetricsView(id="metrics"),
}


def _table_view(_: Workflow, offer: ViewOffer) -> DashboardView:
    return TableListView(offer)


@dataclass(frozen=True)
class ViewSpec:
    key: str
    offer: ViewOffer
    make: ViewMaker

    @property
    def view_id(self) -> str:
        return self.offer.view_id

    @property
    def title(self) -> str:
        return self.offer.title

    def binding(self) -> Binding:
        return Binding(
            self.key,
            f"show_view('{self.view_id}')",
            self.title,
            show=False,
            id=f"view.{self.view_id}",
        )


def view_specs(capabilities: Capabilities) -> tuple[ViewSpec, ...]:
    """The views a source offers, keyed 1, 2, 3, ...: each in its own shape, or as a
    table of the source's (Snapshot.tables) when the view has no shape of its own."""
    return tuple(
        ViewSpec(
            str(n), offer, _table_view if offer.table else MAKERS.get(offer.view_id, _table_view)
        )
        for n, offer in enumerate(capabilities.views[:9], start=1)
    )
