"""The dashboard's views and the keys that switch to them.

A source offers views (domain/capabilities.py) in the order of keys 1-9; each view id
has a widget here. Adding a view: write a DashboardView subclass and add its maker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding

from ringmaster_tui.domain.capabilities import Capabilities
from ringmaster_tui.domain.workflow import Workflow
from ringmaster_tui.ui.widgets.alerts_view import AlertsView
from ringmaster_tui.ui.widgets.board import BoardView
from ringmaster_tui.ui.widgets.dashboard_view import DashboardView
from ringmaster_tui.ui.widgets.decisions_view import DecisionsView
from ringmaster_tui.ui.widgets.errors_view import ErrorsView
from ringmaster_tui.ui.widgets.loops_view import LoopsView
from ringmaster_tui.ui.widgets.metrics_view import MetricsView

ViewMaker = Callable[[Workflow], DashboardView]

MAKERS: dict[str, ViewMaker] = {
    "board": lambda workflow: BoardView(workflow, id="board"),
    "loops": lambda workflow: LoopsView(workflow, id="loops"),
    "errors": lambda _: ErrorsView(id="errors"),
    "decisions": lambda _: DecisionsView(id="decisions"),
    "alerts": lambda _: AlertsView(id="alerts"),
    "metrics": lambda _: MetricsView(id="metrics"),
}


@dataclass(frozen=True)
class ViewSpec:
    key: str
    view_id: str
    title: str
    make: ViewMaker

    def binding(self) -> Binding:
        return Binding(
            self.key,
            f"show_view('{self.view_id}')",
            self.title,
            show=False,
            id=f"view.{self.view_id}",
        )


def view_specs(capabilities: Capabilities) -> tuple[ViewSpec, ...]:
    """The views a source offers that the dashboard can show, keyed 1, 2, 3, ..."""
    offered = [offer for offer in capabilities.views if offer.view_id in MAKERS]
    return tuple(
        ViewSpec(str(n), offer.view_id, offer.title, MAKERS[offer.view_id])
        for n, offer in enumerate(offered[:9], start=1)
    )
