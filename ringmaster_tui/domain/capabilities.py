"""What a source offers the dashboard: its views (in the order of keys 1-9) and the extras
the UI shows only where a source has them. A source declares; the UI renders."""

from __future__ import annotations

from dataclasses import dataclass

from ringmaster_tui.domain.views import RowAction


@dataclass(frozen=True)
class Toggle:
    """A key that shows more of a table view ("t": acknowledged events too)."""

    key: str
    flag: str
    """Set in BoardQuery.view_flags as "view.flag" while on."""
    label: str


@dataclass(frozen=True)
class ViewOffer:
    view_id: str
    """Which view: "board", "loops", "errors", "decisions", "alerts", "metrics", or one
    of the source's own table views (its rows in Snapshot.tables under this id)."""
    title: str
    """What the key help, the header and the palette call it ("Loops", "Workers")."""
    actions: tuple[RowAction, ...] = ()
    """The keys a table view offers on its rows."""
    toggles: tuple[Toggle, ...] = ()
    filter_hint: str = "filter (enter keeps, esc clears)"
    table: bool = False
    """Drawn as a table of the source's (Snapshot.tables) even where the view id has a
    shape of its own: a loops view of workers, say."""


@dataclass(frozen=True)
class Capabilities:
    views: tuple[ViewOffer, ...]
    """Keys 1, 2, 3 ... show these views, in this order; the board comes first."""
    review: bool = False
    """An attempt's commit can be reviewed (its diff, output and errors)."""
    group_title: str | None = "project"
    """What the picker (`p`) limits the board to ("project", "loop", "feature"); None:
    the source has no such groups."""

    def title_of(self, view_id: str) -> str | None:
        return next((v.title for v in self.views if v.view_id == view_id), None)
