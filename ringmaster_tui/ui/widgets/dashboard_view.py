"""The base of the dashboard's views (board, loops, errors, ...): one snapshot, one view."""

from __future__ import annotations

from textual.containers import Container

from ringmaster_tui.domain.snapshot import Snapshot


class DashboardView(Container):
    """A view the dashboard switches to with 1-6; it renders the latest snapshot.

    Subclasses update their widgets in place from each snapshot, keyed by id.
    """

    def show_snapshot(self, snapshot: Snapshot) -> None:
        raise NotImplementedError

    def focus_view(self) -> None:
        """Give the keyboard to the view's main widget."""
        self.focus()
