"""Metrics: project stats, recent activity, cost and attempts per day, prompt layers.

The metrics are not part of the snapshot (they cost more to read than a commit's worth):
the app reads them while this view is on screen and posts them here (MetricsLoaded).
Enter on a project limits the board (and these metrics) to it, as the project picker
does; enter on an activity row opens its card.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Label
from textual_plotext import PlotextPlot

from ringmaster_tui.domain.metrics import METRICS_DAYS, Activity, LayerStats, Metrics
from ringmaster_tui.domain.snapshot import Snapshot
from ringmaster_tui.domain.timefmt import age
from ringmaster_tui.ui.clock import now_of
from ringmaster_tui.ui.formatting import MISSING, count, money
from ringmaster_tui.ui.messages import OpenCard, QueryChanged
from ringmaster_tui.ui.safe_text import make_visible, safe_text
from ringmaster_tui.ui.widgets.dashboard_view import DashboardView
from ringmaster_tui.ui.widgets.row_list import (
    SCROLLBAR_WIDTH,
    Cells,
    Column,
    RowTable,
    fit_columns,
)

# From this width the tables and the charts stand side by side; below, one under the other.
WIDE_COLUMNS = 110
ALL_PROJECTS = ""
"""The key of the projects table's first row: enter on it clears the project filter."""
CURRENT_MARK = "●"
# The processing-time chart draws this many layers (the busiest); the table lists all.
CHART_LAYERS = 5
LABEL_CHARS = 16
# Dates under a chart's x axis, every this many days.
TICK_DAYS = 7

PROJECT_COLUMNS: tuple[Column, ...] = (
    Column("mark", "", 1),
    Column("name", "project", 12, flex=True),
    Column("cards", "cards", 7, drop=2),
    Column("loops", "loops", 5, drop=1),
    Column("cost", "cost", 10),
)
ACTIVITY_COLUMNS: tuple[Column, ...] = (
    Column("age", "age", 5),
    Column("card", "card", 12, flex=True),
    Column("move", "from → to", 22),
    Column("trigger", "trigger", 12, drop=2),
    Column("actor", "who", 8, drop=1),
)
LAYER_COLUMNS: tuple[Column, ...] = (
    Column("layer", "layer", 10, flex=True),
    Column("calls", "calls", 6, drop=3),
    Column("avg", "avg tok", 8),
    Column("max", "max tok", 8, drop=2),
    Column("total", "total tok", 10),
    Column("hits", "hit %", 7),
    Column("ms", "avg ms", 7, drop=1),
)


class MetricsLoaded(Message):
    """The metrics as read now, or None with `error`."""

    def __init__(self, metrics: Metrics | None, error: str = "") -> None:
        super().__init__()
        self.metrics = metrics
        self.error = error


class MetricsTable(RowTable):
    """One section's rows, rebuilt at each read with the cursor kept on the same key;
    its columns fitted to its own width, again when that changes."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, cursor_type="row")
        self._columns: Sequence[Column] = ()
        self._rows: Sequence[tuple[str, Cells]] = ()

    def show_rows(self, columns: Sequence[Column], rows: Sequence[tuple[str, Cells]]) -> None:
        self._columns, self._rows = columns, rows
        if not self.size.width:
            return  # laid out later: on_resize shows them
        layout = fit_columns(columns, self.size.width - SCROLLBAR_WIDTH)
        keys = [key for key, _ in rows]
        selected = self._selected_key()
        self.clear(columns=True)
        for column, column_width in layout:
            self.add_column(Text(column.label), width=column_width, key=column.key)
        for key, cells in rows:
            self.add_row(*(cells.get(column.key, Text("")) for column, _ in layout), key=key)
        if keys:
            self.move_cursor(row=keys.index(selected) if selected in keys else 0, animate=False)

    def on_resize(self, event: events.Resize) -> None:
        self.show_rows(self._columns, self._rows)

    def _selected_key(self) -> str | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return None if key is None else str(key)


class Chart(PlotextPlot):
    """A plotext chart; focusable, so that the keyboard scrolls it into view."""

    can_focus = True


class MetricsView(DashboardView):
    HELP_GROUP: ClassVar[str] = "Metrics"
    COMPONENT_CLASSES: ClassVar[set[str]] = {"metrics--dim", "metrics--strong", "metrics--good"}

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.metrics: Metrics | None = None
        self.read_error: str | None = None
        """Why the last read of the metrics failed, while no later one succeeded."""
        self._header = Label("Reading the metrics…", classes="list-header")
        self.tables: dict[str, MetricsTable] = {
            name: MetricsTable(id=f"metrics-{name}-table")
            for name in ("projects", "activity", "layers")
        }
        self.cost_chart = Chart(id="metrics-cost-chart")
        self.attempts_chart = Chart(id="metrics-attempts-chart")
        self.time_chart = Chart(id="metrics-time-chart")
        self._empty: dict[str, Label] = {
            name: Label("", classes="metrics-empty", id=f"metrics-{name}-empty")
            for name in ("projects", "days", "activity", "layers")
        }

    def compose(self) -> ComposeResult:
        yield self._header
        with VerticalScroll(id="metrics-body"):
            with Vertical(classes="metrics-column", id="metrics-tables"):
                yield from self._section("projects", "Projects · enter limits the board to one")
                yield from self._section("activity", "Recent activity · enter opens the card")
                yield from self._section(
                    "layers", "Prompt layers: tokens added, cache hits, processing time"
                )
            with Vertical(classes="metrics-column", id="metrics-charts"):
                yield self.cost_chart
                yield self.attempts_chart
                yield self._empty["days"]
                yield self.time_chart

    def _section(self, name: str, title: str) -> ComposeResult:
        with Vertical(classes="metrics-section", id=f"metrics-{name}"):
            yield Label(title, classes="metrics-title")
            yield self.tables[name]
            yield self._empty[name]

    # --- the snapshot is the board's; the metrics come on their own ---

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Nothing to do: the app reads the metrics after each snapshot while shown."""

    def focus_view(self) -> None:
        self.tables["projects"].focus()

    @on(MetricsLoaded)
    def _loaded(self, message: MetricsLoaded) -> None:
        message.stop()
        if message.metrics is None:
            self.read_error = message.error
            self._header.update(safe_text(f"Could not read the metrics: {message.error}"))
            return
        self.show_metrics(message.metrics)

    def show_metrics(self, metrics: Metrics) -> None:
        self.metrics, self.read_error = metrics, None
        self._header.update(self._header_text(metrics))
        self._show_projects(metrics)
        self._show_days(metrics)
        self._show_activity(metrics)
        self._show_layers(metrics)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width >= WIDE_COLUMNS, "-wide")

    # --- the sections ---

    def style(self, name: str) -> Style:
        return self.get_component_rich_style(f"metrics--{name}", partial=True)

    def _header_text(self, metrics: Metrics) -> Text:
        first = metrics.days[0].day if metrics.days else metrics.today
        text = Text(f"Last {METRICS_DAYS} days, {first:%b %d} to {metrics.today:%b %d}")
        if metrics.project_id is None:
            text.append(" · all projects", self.style("dim"))
        else:
            text.append(" · project ")
            text.append_text(safe_text(self._project_name(metrics), style=self.style("strong")))
            text.append(" (enter on All projects clears)", self.style("dim"))
        return text

    def _project_name(self, metrics: Metrics) -> str:
        found = next((p for p in metrics.projects if p.id == metrics.project_id), None)
        return found.name if found else metrics.project_id or ""

    def _show_projects(self, metrics: Metrics) -> None:
        current = metrics.project_id or ALL_PROJECTS
        rows: list[tuple[str, Cells]] = [
            (
                ALL_PROJECTS,
                self._project_cells(
                    current == ALL_PROJECTS,
                    Text("All projects", style=self.style("strong")),
                    sum(p.cards for p in metrics.projects),
                    sum(p.active_loops for p in metrics.projects),
                    sum(p.total_cost_usd for p in metrics.projects),
                ),
            )
        ]
        rows += (
            (
                p.id,
                self._project_cells(
                    p.id == current,
                    safe_text(p.name or p.id, one_line=True),
                    p.cards,
                    p.active_loops,
                    p.total_cost_usd,
                ),
            )
            for p in metrics.projects
        )
        self.tables["projects"].show_rows(PROJECT_COLUMNS, rows)
        self._say_empty("projects", "No project yet." if not metrics.projects else "")

    def _project_cells(
        self, current: bool, name: Text, cards: int, loops: int, cost: float
    ) -> Cells:
        return {
            "mark": Text(CURRENT_MARK if current else "", style=self.style("good")),
            "name": name,
            "cards": Text(count(cards), justify="right"),
            "loops": Text(count(loops), justify="right"),
            "cost": Text(money(cost), justify="right"),
        }

    def _show_activity(self, metrics: Metrics) -> None:
        now = now_of(self)
        rows = [
            (str(n), self._activity_cells(item, now)) for n, item in enumerate(metrics.activity)
        ]
        self.tables["activity"].show_rows(ACTIVITY_COLUMNS, rows)
        self._say_empty(
            "activity",
            _empty_message(
                metrics,
                "state_transitions",
                bool(metrics.activity),
                f"No card changed state in the last {METRICS_DAYS} days.",
            ),
        )

    def _activity_cells(self, item: Activity, now: datetime) -> Cells:
        move = safe_text(
            f"{item.from_state or MISSING} → {item.to_state or MISSING}", one_line=True
        )
        return {
            "age": Text(age(item.created_at, now), style=self.style("dim")),
            "card": safe_text(item.card_title, one_line=True),
            "move": move,
            "trigger": safe_text(item.trigger or MISSING, one_line=True, style=self.style("dim")),
            "actor": safe_text(item.actor or MISSING, one_line=True),
        }

    def _show_days(self, metrics: Metrics) -> None:
        days = metrics.days
        quiet = not any(d.attempts for d in days)
        self.cost_chart.display = self.attempts_chart.display = not quiet
        self._say_empty(
            "days",
            _empty_message(
                metrics, "attempts", not quiet, f"No attempt in the last {METRICS_DAYS} days."
            ),
        )
        if quiet:
            return
        x = list(range(len(days)))
        ticks, labels = _day_ticks([d.day for d in days])
        for chart, values, title in (
            (self.cost_chart, [d.cost_usd for d in days], "cost $"),
            (self.attempts_chart, [float(d.attempts) for d in days], "attempts"),
        ):
            plt = chart.plt
            plt.clear_figure()
            plt.bar(x, values, marker="hd", width=0.6)
            plt.title(f"{title} per day, last {METRICS_DAYS} days")
            plt.xticks(ticks, labels)
            chart.refresh()

    def _show_layers(self, metrics: Metrics) -> None:
        rows = [(str(n), self._layer_cells(layer)) for n, layer in enumerate(metrics.layers)]
        self.tables["layers"].show_rows(LAYER_COLUMNS, rows)
        self._say_empty(
            "layers",
            _empty_message(
                metrics,
                "prompt_metrics",
                bool(metrics.layers),
                f"No prompt metrics in the last {METRICS_DAYS} days.",
            ),
        )
        self.time_chart.display = bool(metrics.layer_days)
        if not metrics.layer_days:
            return
        busiest = sorted(metrics.layers, key=lambda layer: -layer.calls)[:CHART_LAYERS]
        days = [d.day for d in metrics.days]
        position = {day: n for n, day in enumerate(days)}
        ticks, labels = _day_ticks(days)
        plt = self.time_chart.plt
        plt.clear_figure()
        for layer in busiest:
            points = [
                (position[d.day], d.avg_processing_ms)
                for d in metrics.layer_days
                if d.layer == layer.layer and d.day in position
            ]
            if points:
                xs, ys = zip(*points, strict=True)
                plt.plot(list(xs), list(ys), marker="braille", label=_chart_label(layer.layer))
        plt.title("prompt layers: average processing ms per day")
        plt.xticks(ticks, labels)
        plt.xlim(0, len(days) - 1)
        self.time_chart.refresh()

    def _layer_cells(self, layer: LayerStats) -> Cells:
        rate = layer.hit_rate_pct
        return {
            "layer": safe_text(layer.layer or MISSING, one_line=True, style=self.style("strong")),
            "calls": Text(count(layer.calls), justify="right"),
            "avg": Text(_number(layer.avg_tokens), justify="right"),
            "max": Text(count(layer.max_tokens), justify="right"),
            "total": Text(count(layer.total_tokens), justify="right"),
            "hits": Text(MISSING if rate is None else f"{rate:.2f}", justify="right"),
            "ms": Text(_number(layer.avg_processing_ms), justify="right"),
        }

    def _say_empty(self, section: str, message: str) -> None:
        label = self._empty[section]
        label.display = bool(message)
        label.update(safe_text(message))

    # --- keys ---

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        metrics = self.metrics
        key = event.row_key.value
        if metrics is None or key is None:
            return
        if event.data_table is self.tables["projects"]:
            self._pick_project(metrics, key)
        elif event.data_table is self.tables["activity"]:
            self.post_message(OpenCard(metrics.activity[int(key)].card()))

    def _pick_project(self, metrics: Metrics, key: str) -> None:
        project_id = key or None
        if project_id == metrics.project_id:
            return
        self.post_message(QueryChanged(project_id=project_id))
        name = next((p.name for p in metrics.projects if p.id == project_id), key)
        self.notify(
            make_visible(
                f"Board limited to project {name}." if project_id else "All projects shown."
            ),
            markup=False,
        )


def _empty_message(metrics: Metrics, table: str, shown: bool, nothing: str) -> str:
    """What a section says instead of its rows: the table is missing, or `nothing`."""
    if table in metrics.unavailable:
        return f"This database has no {table} table."
    return "" if shown else nothing


def _day_ticks(days: Sequence[date]) -> tuple[list[float], list[str]]:
    """Every TICK_DAYS-th day, counted back from the last, as 'Jan 15'."""
    ticks = list(range(len(days) - 1, -1, -TICK_DAYS))[::-1]
    return [float(n) for n in ticks], [f"{days[n]:%b %d}" for n in ticks]


def _chart_label(layer: str) -> str:
    """A layer's name as a chart legend: plotext output is read as ANSI, so no controls."""
    return make_visible(layer or MISSING)[:LABEL_CHARS]


def _number(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.0f}"
