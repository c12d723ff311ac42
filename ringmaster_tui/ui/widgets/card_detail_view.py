"""Everything about one card, section by section, from a CardDetail snapshot."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static
from textual.widgets.data_table import RowDoesNotExist

from ringmaster_tui.domain.snapshot import CardDetail, Dependency, ErrorView, TransitionView
from ringmaster_tui.domain.timefmt import age
from ringmaster_tui.domain.values import JsonText
from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.ui.formatting import (
    MISSING,
    count,
    fact_text,
    milliseconds,
    money,
    short_sha,
)
from ringmaster_tui.ui.safe_text import make_visible, safe_text
from ringmaster_tui.ui.widgets.json_text import json_renderable


class CardDetailView(VerticalScroll):
    """Rebuilt whenever a new detail arrives: a card's detail is read once per visit."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "detail--label",
        "detail--met",
        "detail--unmet",
        "detail--dim",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.attempts_table: DataTable[Text] | None = None
        """The attempts, one row each keyed by attempt id; None when there are none."""

    def show(self, detail: CardDetail | SectionedDetail, now: datetime) -> None:
        # A reload must not lose the reader's place in the attempts list.
        table = self.attempts_table
        had_focus = table is not None and table.has_focus
        highlighted = self.highlighted_attempt_id()
        self.remove_children()
        self.attempts_table = None
        if isinstance(detail, SectionedDetail):
            self.mount_all(self._declared_sections(detail))
        else:
            self.mount_all(self._sections(detail, now))
        table = self.attempts_table
        if table is not None and highlighted is not None:
            with suppress(RowDoesNotExist):
                table.move_cursor(row=table.get_row_index(highlighted), animate=False)
        if table is not None and had_focus:
            table.focus()

    def highlighted_attempt_id(self) -> str | None:
        """The attempt under the attempts list's cursor (the newest until it moves)."""
        table = self.attempts_table
        if table is None or table.row_count == 0:
            return None
        with suppress(RowDoesNotExist):
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None

    def show_message(self, message: str) -> None:
        self.remove_children()
        self.mount(Static(safe_text(message), classes="detail-message"))

    def _sections(self, detail: CardDetail, now: datetime) -> Iterable[Widget]:
        yield Static(self._facts(detail, now), classes="detail-facts")
        yield from _section("Description", [_prose(detail.description)])
        yield from _section("Task prompt", [_prose(detail.task_prompt)])
        met = sum(1 for c in detail.criteria if c.met)
        yield from _section(
            f"Acceptance criteria ({met}/{len(detail.criteria)} met)", [self._criteria(detail)]
        )
        yield from _section("Dependencies", [self._dependencies(detail)])
        yield from _section(f"Attempts ({len(detail.attempts)})", [self._attempts(detail, now)])
        unresolved = sum(1 for e in detail.errors if not e.resolved)
        yield from _section(
            f"Errors ({len(detail.errors)}, {unresolved} unresolved)", [_errors(detail.errors, now)]
        )
        yield from _section(
            f"Loop snapshots ({len(detail.loop_snapshots)})", [_loop_snapshots(detail, now)]
        )
        yield from _section(f"Deployments ({len(detail.deployments)})", [_deployments(detail, now)])
        yield from _section("History, newest first", [_history(detail.history, now)])

    def _declared_sections(self, detail: SectionedDetail) -> Iterable[Widget]:
        """A source's detail as it declares it: each section's facts, text, JSON, rows."""
        label = self.get_component_rich_style("detail--label")
        for section in detail.sections:
            body: list[Widget] = []
            if section.facts:
                width = max(len(name) for name, _ in section.facts)
                text = Text(end="")
                for name, fact in section.facts:
                    text.append(f"{name:>{width}} ", label)
                    text.append_text(safe_text(fact_text(fact)))
                    text.append("\n")
                text.rstrip()
                body.append(Static(text, classes="detail-facts"))
            if section.text:
                body.append(_prose(section.text))
            if section.json_value is not None:
                body.append(Static(json_renderable(section.json_value), classes="detail-json"))
            if section.columns:
                rows = [tuple(fact_text(fact) for fact in row) for row in section.rows]
                if section.review_ids and self.attempts_table is None and rows:
                    body.append(self._reviewable(section.columns, rows, section.review_ids))
                else:
                    body.append(_table(section.columns, rows, section.empty))
            yield from _section(section.title, body or [_nothing(section.empty)])

    def _reviewable(
        self, columns: Sequence[str], rows: Sequence[Sequence[str]], keys: Sequence[str]
    ) -> Widget:
        """A declared table whose rows open a review: the one table with a cursor."""
        table: DataTable[Text] = DataTable(
            cursor_type="row", zebra_stripes=True, classes="detail-table detail-attempts"
        )
        table.add_columns(*(Text(c) for c in columns))
        for row, key in zip(rows, keys, strict=False):
            table.add_row(*(safe_text(cell, one_line=True) for cell in row), key=key)
        self.attempts_table = table
        return table

    def _facts(self, detail: CardDetail, now: datetime) -> Text:
        label = self.get_component_rich_style("detail--label")
        rows: list[tuple[str, str]] = [
            ("project", detail.project_name or detail.project_id),
            (
                "state",
                detail.state + (f" (was {detail.previous_state})" if detail.previous_state else ""),
            ),
            ("priority", count(detail.priority)),
            (
                "loop",
                f"iteration {count(detail.loop_iteration)}, errors {count(detail.error_count)}"
                f" of {count(detail.max_retries)} retries",
            ),
            (
                "cost",
                f"{money(detail.total_cost_usd)} in {milliseconds(detail.total_time_spent_ms)}",
            ),
            ("updated", f"{age(detail.updated_at, now)} ago"),
            ("branch", detail.branch_name or MISSING),
            ("pull request", detail.pull_request_url or MISSING),
            ("worktree", detail.worktree_path or MISSING),
        ]
        text = Text(end="")
        for name, value in rows:
            text.append(f"{name:>13} ", label)
            text.append_text(safe_text(value))
            text.append("\n")
        text.rstrip()
        return text

    def _criteria(self, detail: CardDetail) -> Widget:
        if not detail.criteria:
            return _nothing("No acceptance criteria.")
        text = Text(end="")
        for criterion in detail.criteria:
            if criterion.met:
                text.append("✓ met    ", self.get_component_rich_style("detail--met"))
            else:
                text.append("✗ unmet  ", self.get_component_rich_style("detail--unmet"))
            text.append_text(safe_text(criterion.description))
            text.append("\n")
        text.rstrip()
        return Static(text)

    def _dependencies(self, detail: CardDetail) -> Widget:
        if not detail.blocked_by and not detail.blocks:
            return _nothing("No dependencies.")
        text = Text(end="")
        label = self.get_component_rich_style("detail--label")
        for heading, deps in (("blocked by", detail.blocked_by), ("blocks", detail.blocks)):
            for dep in deps:
                text.append(f"{heading:>10} ", label)
                text.append_text(_dependency(dep))
                text.append("\n")
        text.rstrip()
        return Static(text)

    def _attempts(self, detail: CardDetail, now: datetime) -> Widget:
        """The one table with a cursor: enter on a row opens that attempt's review."""
        if not detail.attempts:
            return _nothing("No attempts yet.")
        table: DataTable[Text] = DataTable(
            cursor_type="row", zebra_stripes=True, classes="detail-table detail-attempts"
        )
        table.add_columns(
            *(
                Text(c)
                for c in ("#", "status", "agent", "tokens", "cost", "duration", "commit", "started")
            )
        )
        for a in detail.attempts:
            cells = (
                str(a.attempt_number),
                a.status or MISSING,
                a.agent_type or MISSING,
                count(a.tokens_used),
                money(a.cost_usd),
                milliseconds(a.duration_ms),
                short_sha(a.commit_sha),
                _when(a.started_at, now),
            )
            table.add_row(*(safe_text(cell, one_line=True) for cell in cells), key=a.id)
        self.attempts_table = table
        return table


def _section(title: str, body: Sequence[Widget]) -> Iterable[Widget]:
    yield Label(Text(title), classes="detail-heading")
    yield from body


def _nothing(message: str) -> Widget:
    return Static(Text(message), classes="detail-none")


def _prose(value: str | None) -> Widget:
    if not value:
        return _nothing("None.")
    return Static(safe_text(value, newlines="keep"), classes="detail-prose")


def _dependency(dep: Dependency) -> Text:
    title = dep.title if dep.title is not None else f"(missing card {dep.card_id})"
    text = safe_text(title)
    text.append(f" — {make_visible(dep.state) or 'unknown'}")
    if dep.dependency_type and dep.dependency_type != "blocks":
        text.append(f" ({make_visible(dep.dependency_type)})")
    return text


def _table(columns: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> Widget:
    """A read-only table; every cell goes through safe_text (cells parse markup given str)."""
    body = [tuple(safe_text(cell, one_line=True) for cell in row) for row in rows]
    if not body:
        return _nothing(empty)
    table: DataTable[Text] = DataTable(
        show_cursor=False, zebra_stripes=True, cursor_type="none", classes="detail-table"
    )
    table.can_focus = False
    table.add_columns(*(Text(c) for c in columns))
    table.add_rows(body)
    return table


def _when(value: datetime | None, now: datetime) -> str:
    return f"{age(value, now)} ago" if value else MISSING


def _errors(errors: Sequence[ErrorView], now: datetime) -> Widget:
    return _table(
        ("when", "type", "category", "severity", "attempt", "resolved", "message"),
        (
            (
                _when(e.created_at, now),
                e.error_type,
                e.category or MISSING,
                e.severity or MISSING,
                count(e.attempt_number),
                "yes" if e.resolved else "no",
                e.message,
            )
            for e in errors
        ),
        "No errors.",
    )


def _loop_snapshots(detail: CardDetail, now: datetime) -> Widget:
    return _table(
        ("iteration", "checkpoint", "when"),
        (
            (str(s.iteration), short_sha(s.checkpoint_commit), _when(s.created_at, now))
            for s in detail.loop_snapshots
        ),
        "No loop snapshots.",
    )


def _deployments(detail: CardDetail, now: datetime) -> Widget:
    return _table(
        ("when", "image", "workflow", "argocd", "namespace", "replicas"),
        (
            (
                _when(d.created_at, now),
                d.image_tag or MISSING,
                "/".join(filter(None, (d.workflow_status, d.workflow_conclusion))) or MISSING,
                "/".join(filter(None, (d.argocd_sync_status, d.argocd_health_status))) or MISSING,
                d.namespace or MISSING,
                f"{count(d.replicas_ready)}/{count(d.replicas_desired)}",
            )
            for d in detail.deployments
        ),
        "No deployments.",
    )


def _history(history: Sequence[TransitionView], now: datetime) -> Widget:
    return _table(
        ("when", "from", "to", "trigger", "by"),
        (
            (_when(t.created_at, now), t.from_state, t.to_state, t.trigger, _actor(t.metadata))
            for t in history
        ),
        "No transitions recorded.",
    )


def _actor(metadata: JsonText | None) -> str:
    """Who made a transition, from its metadata JSON, when it says."""
    value = metadata.value if metadata else None
    actor = value.get("by") if isinstance(value, dict) else None
    return str(actor) if actor else MISSING
