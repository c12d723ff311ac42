"""The line above every view: what is shown (view, project, filter) and what needs a human."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from ringmaster_tui.domain.snapshot import Snapshot
from ringmaster_tui.ui.safe_text import make_visible, safe_text


class TotalsBar(Horizontal):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "totals--view",
        "totals--label",
        "totals--count",
        "totals--alarm",
        "totals--badge",
    }

    def __init__(self, *, read_only: bool) -> None:
        super().__init__(id="totals-bar")
        self.read_only = read_only
        self._scope = Label("", id="totals-scope")
        self._totals = Label("", id="totals-counts")
        self._problem = Label("", id="totals-problem")
        self._problem.display = False
        self._view_title = "Board"
        self.group_title = "project"
        """What the picker's groups are ("project", "loop"): the scope names one."""
        self._snapshot: Snapshot | None = None
        self._scope_shown = Text()
        self._totals_shown = Text()

    def compose(self) -> ComposeResult:
        yield self._scope
        yield self._problem
        yield self._totals

    def show_problem(self, problem: str | None) -> None:
        """Say that the database cannot be read right now (None: it can again)."""
        self._problem.display = problem is not None
        if problem is not None:
            self._problem.update(safe_text(f"⚠ {problem}", one_line=True))

    def show_view(self, title: str) -> None:
        self._view_title = title
        self._refresh_scope()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._refresh_scope()
        totals = self._totals_text(snapshot)
        # Most commits change nothing shown here, and a label updated at all is repainted
        # together with everything between it and the rest of the change.
        if totals == self._totals_shown:
            return
        # Only a change of width needs a layout (it costs one of the whole screen).
        self._totals.update(totals, layout=totals.cell_len != self._totals_shown.cell_len)
        self._totals_shown = totals

    def _refresh_scope(self) -> None:
        style = self.get_component_rich_style
        scope = Text.assemble((self._view_title.upper(), style("totals--view")), " ")
        if self.read_only:  # before anything that may be cut on a narrow terminal
            scope.append("READ-ONLY", style("totals--badge"))
            scope.append(" ")
        snapshot = self._snapshot
        if snapshot is not None:
            label = _project_label(snapshot, self.group_title)
            scope.append_text(safe_text(label, one_line=True))
            if snapshot.query.text:
                scope.append("  filter ", style("totals--label"))
                scope.append_text(safe_text(f"“{snapshot.query.text}”"))
        if scope != self._scope_shown:
            self._scope.update(scope, layout=False)  # it takes the width left: 1fr
            self._scope_shown = scope

    def _totals_text(self, snapshot: Snapshot) -> Text:
        style = self.get_component_rich_style
        totals = snapshot.totals
        parts: list[tuple[str, int | None, bool]] = [
            ("loops", totals.active_loops, False),
            ("errors", totals.unresolved_errors, True),
            ("decisions", totals.pending_decisions, True),
            ("alerts", totals.unacknowledged_alerts, bool(totals.critical_alerts)),
        ]
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for label, value, alarming in parts:
            if value is None:
                continue  # this kind of database has no such thing
            text.append(f"{label} ", style("totals--label"))
            count_style = "totals--alarm" if alarming and value else "totals--count"
            text.append(str(value), style(count_style))
            text.append("  ")
        if totals.critical_alerts:
            text.append(f"({totals.critical_alerts} crit)", style("totals--alarm"))
        text.rstrip()
        return text


def _project_label(snapshot: Snapshot, group: str = "project") -> str:
    project_id = snapshot.query.project_id
    if project_id is None:
        return f"all {group}s"
    for project in snapshot.projects:
        if project.id == project_id:
            return f"{group} {make_visible(project.name)}"
    return f"{group} {make_visible(project_id)}"
