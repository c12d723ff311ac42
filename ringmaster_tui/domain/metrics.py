"""Frozen view models of the metrics view: project stats, recent activity, daily series
and prompt layers, read on demand (not with every snapshot: they cost more to read)."""

from __future__ import annotations

from datetime import date

from ringmaster_tui.domain.model import Frozen
from ringmaster_tui.domain.snapshot import CardSummary
from ringmaster_tui.domain.values import Moment

# The charts and the layer figures cover this many days, today included.
METRICS_DAYS = 30


class ProjectStats(Frozen):
    id: str
    name: str
    cards: int
    active_loops: int
    total_cost_usd: float


class Activity(Frozen):
    """One state transition: when, which card, from → to, by what trigger and whom."""

    created_at: Moment
    card_id: str
    card_title: str
    project_id: str
    card_state: str
    """The card's state now (to open it), not the transition's."""
    from_state: str | None
    to_state: str | None
    trigger: str | None
    actor: str | None
    """Who, as the transition's metadata says (`by`); None when it does not."""

    def card(self) -> CardSummary:
        """The card as the board would show it, to open it."""
        return CardSummary(
            id=self.card_id,
            project_id=self.project_id,
            title=self.card_title,
            state=self.card_state,
            priority=None,
            loop_iteration=None,
            total_cost_usd=None,
            unresolved_errors=0,
            blocked=False,
            updated_at=None,
        )


class DayCost(Frozen):
    """One day of attempts: what they cost and how many began (zero on a quiet day)."""

    day: date
    cost_usd: float
    attempts: int


class LayerStats(Frozen):
    """One prompt layer over the metrics' days."""

    layer: str
    calls: int
    hits: int
    avg_tokens: float | None
    max_tokens: int | None
    total_tokens: int
    avg_processing_ms: float | None

    @property
    def hit_rate_pct(self) -> float | None:
        """Cache hits as a percentage of calls, two decimals (2 of 3 -> 66.67)."""
        return round(100 * self.hits / self.calls, 2) if self.calls else None


class LayerDay(Frozen):
    """A layer's average processing time on one day it ran."""

    layer: str
    day: date
    avg_processing_ms: float


class Metrics(Frozen):
    """Everything the metrics view shows, read in one transaction."""

    today: date
    """The last day of the series (UTC)."""
    project_id: str | None
    """The project the activity, series and layers are limited to; None: all."""
    projects: tuple[ProjectStats, ...]
    activity: tuple[Activity, ...]
    days: tuple[DayCost, ...]
    """METRICS_DAYS days, oldest first, every day present."""
    layers: tuple[LayerStats, ...]
    layer_days: tuple[LayerDay, ...]
    unavailable: tuple[str, ...] = ()
    """Tables this database lacks; their sections say so instead of failing."""
