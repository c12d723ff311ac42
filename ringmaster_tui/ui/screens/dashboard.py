"""The main screen: the header of totals, the current view (board, loops, ...), the footer."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Footer

from ringmaster_tui.domain.snapshot import SHAPED_NOT_LISTED, Snapshot
from ringmaster_tui.domain.workflow import Workflow
from ringmaster_tui.ui.views import ViewSpec
from ringmaster_tui.ui.widgets.board import BoardView
from ringmaster_tui.ui.widgets.dashboard_view import DashboardView
from ringmaster_tui.ui.widgets.totals_bar import TotalsBar


class SteadyFooter(Footer):
    """A Footer that is rebuilt only when the keys it shows change.

    Textual rebuilds the footer (its keys unmounted, new ones mounted, the screen laid
    out) whenever the focus moves; a lane move moves it between lanes with the same keys.
    """

    _shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple(
            (binding.key, binding.description, binding.show, enabled, tooltip)
            for _, binding, enabled, tooltip in screen.active_bindings.values()
        )
        if screen.app.app_focus and self.is_attached and screen is self.screen:  # rebuilds
            if shown == self._shown:
                return
            first, self._shown = self._shown is None, shown
            if first:  # at once, not after a refresh: the keys are in the first frame
                self._bindings_ready = True
                self.call_next(self.recompose)
                return
        super().bindings_changed(screen)


class DashboardScreen(Screen[None]):
    HELP_GROUP: ClassVar[str] = "Dashboard"
    # Screen repaints all of itself when the focus moves, as each lane move does. The
    # widgets it moves between restyle and repaint themselves; the whole board drawn
    # again cost a lane move 20 ms at 120x40, and now and then over 200.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(
        self,
        specs: tuple[ViewSpec, ...],
        workflow: Workflow,
        *,
        read_only: bool,
        group_title: str | None = "project",
        on_mounted: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(id="dashboard")
        self._on_mounted = on_mounted
        self.totals_bar = TotalsBar(read_only=read_only, group_title=group_title)
        self.specs = {spec.view_id: spec for spec in specs}
        """The views the source offers, by id."""
        self.views: dict[str, DashboardView] = {
            spec.view_id: spec.make(workflow, spec.offer) for spec in specs
        }
        self._snapshot: Snapshot | None = None
        self._shown: dict[str, Snapshot] = {}
        """The snapshot each view shows: a hidden view catches up when it is shown."""

    def compose(self) -> ComposeResult:
        yield self.totals_bar
        with ContentSwitcher(initial="board", id="views"):
            yield from self.views.values()
        yield SteadyFooter()

    def on_mount(self) -> None:
        if self._on_mounted is not None:
            self._on_mounted()

    @property
    def board(self) -> BoardView:
        board = self.views["board"]
        assert isinstance(board, BoardView)
        return board

    @property
    def current_view(self) -> DashboardView:
        return self.views[self.query_one(ContentSwitcher).current or "board"]

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Update the header and the view on screen; hidden views wait until shown (a
        refresh of every view at each commit would cost the screen its speed)."""
        self._snapshot = snapshot
        self.totals_bar.show_snapshot(snapshot)
        self._bring_up_to_date(self.query_one(ContentSwitcher).current or "board")

    def _bring_up_to_date(self, view_id: str) -> None:
        view = self.views.get(view_id)
        snapshot = self._snapshot
        if view is None or snapshot is None or self._shown.get(view_id) is snapshot:
            return
        if view_id not in SHAPED_NOT_LISTED and view_id not in snapshot.query.lists:
            return  # read without this view's list: it keeps what it shows until one comes
        self._shown[view_id] = snapshot
        view.show_snapshot(snapshot)

    def show_view(self, view_id: str) -> bool:
        """Switch to a view; False when the source offers no such view."""
        spec = self.specs.get(view_id)
        if spec is None:
            return False
        self._bring_up_to_date(view_id)
        self.query_one(ContentSwitcher).current = view_id
        self.totals_bar.show_view(spec.title)
        self.views[view_id].focus_view()
        return True
