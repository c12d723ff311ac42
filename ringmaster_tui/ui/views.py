"""The dashboard's views and the keys that switch to them.

Adding a view: write a DashboardView subclass and give its ViewSpec a `make`; the
dashboard mounts it, the header stays shared, keys 1-6 and the palette pick it up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding

from ringmaster_tui.ui.widgets.alerts_view import AlertsView
from ringmaster_tui.ui.widgets.board import BoardView
from ringmaster_tui.ui.widgets.dashboard_view import DashboardView
from ringmaster_tui.ui.widgets.decisions_view import DecisionsView
from ringmaster_tui.ui.widgets.errors_view import ErrorsView
from ringmaster_tui.ui.widgets.loops_view import LoopsView
from ringmaster_tui.ui.widgets.metrics_view import MetricsView


@dataclass(frozen=True)
class ViewSpec:
    key: str
    view_id: str
    title: str
    make: Callable[[], DashboardView] | None = None
    """Builds the view; None while the view is still to come."""

    def binding(self) -> Binding:
        return Binding(
            self.key,
            f"show_view('{self.view_id}')",
            self.title,
            show=False,
            id=f"view.{self.view_id}",
        )


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("1", "board", "Board", lambda: BoardView(id="board")),
    ViewSpec("2", "loops", "Loops", lambda: LoopsView(id="loops")),
    ViewSpec("3", "errors", "Errors", lambda: ErrorsView(id="errors")),
    ViewSpec("4", "decisions", "Decisions", lambda: DecisionsView(id="decisions")),
    ViewSpec("5", "alerts", "Alerts", lambda: AlertsView(id="alerts")),
    ViewSpec("6", "metrics", "Metrics", lambda: MetricsView(id="metrics")),
)


def view_spec(view_id: str) -> ViewSpec | None:
    return next((spec for spec in VIEWS if spec.view_id == view_id), None)
