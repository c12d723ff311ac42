"""What a source offers the dashboard: its views (in the order of keys 1-9) and the extras
the UI shows only where a source has them. A source declares; the UI renders."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ViewOffer:
    view_id: str
    """Which view: "board", "loops", "errors", "decisions", "alerts", "metrics", ..."""
    title: str
    """What the key help, the header and the palette call it ("Loops", "Workers")."""


@dataclass(frozen=True)
class Capabilities:
    views: tuple[ViewOffer, ...]
    """Keys 1, 2, 3 ... show these views, in this order; the board comes first."""
    review: bool = False
    """An attempt's commit can be reviewed (its diff, output and errors)."""

    def title_of(self, view_id: str) -> str | None:
        return next((v.title for v in self.views if v.view_id == view_id), None)
