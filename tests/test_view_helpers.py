"""The pure parts of the list views: sparklines, times left, JSON shown raw when broken,
columns fitted to the width, the category cycle, what counts as newly arrived."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot, Totals, Urgent
from ringmaster_tui.domain.values import JsonText, to_json_text
from ringmaster_tui.ui.arrivals import ArrivalWatch, announcements
from ringmaster_tui.ui.formatting import MISSING, countdown, sparkline, time_left
from ringmaster_tui.ui.widgets.errors_view import CATEGORIES, next_category
from ringmaster_tui.ui.widgets.row_list import CELL_PADDING, Column, fit_columns
from tests.builders import NOW


def test_sparkline() -> None:
    assert sparkline([0.5, 0.6, 0.7, 0.0]) == "▆▇█▁"
    assert sparkline([]) == ""
    assert sparkline([0.0, 0.0]) == "▁▁"
    assert sparkline([float("inf"), 1.0, float("nan"), -3.0]) == "▁█▁▁"


def test_time_left_and_countdown() -> None:
    assert time_left(None, NOW) == MISSING
    assert time_left(NOW + timedelta(minutes=12, seconds=30), NOW) == "12m"
    assert time_left(NOW - timedelta(minutes=3), NOW) == "overdue 3m"
    assert countdown(NOW + timedelta(minutes=4, seconds=5), NOW) == "4m05s"
    assert countdown(NOW + timedelta(seconds=9), NOW) == "9s"
    assert countdown(NOW + timedelta(hours=2, minutes=1), NOW) == "2h01m"
    assert countdown(NOW - timedelta(minutes=2), NOW) == "time is up (2m ago)"
    assert countdown(None, NOW) == "no deadline"


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        ('{"a": [1]}', JsonText(value={"a": [1]})),
        ({"a": [1]}, JsonText(value={"a": [1]})),  # PostgreSQL's json arrives parsed
        ('{"a": 1', JsonText(broken='{"a": 1')),
        ("[" * 50_000, JsonText(broken="[" * 50_000)),
        (None, None),
        ("  ", None),
    ],
    ids=["object", "parsed", "broken", "too-deep", "null", "blank"],
)
def test_json_columns_are_read_or_kept_as_stored(stored: object, read: JsonText | None) -> None:
    assert to_json_text(stored) == read


COLUMNS = (
    Column("a", "a", 5),
    Column("text", "text", 10, flex=True),
    Column("b", "b", 8, drop=1),
    Column("c", "c", 8, drop=2),
)


def widths(width: int) -> dict[str, int]:
    return {column.key: size for column, size in fit_columns(COLUMNS, width)}


def test_fit_columns_gives_the_rest_to_the_flexible_column() -> None:
    padding = 2 * CELL_PADDING * len(COLUMNS)
    assert widths(100) == {"a": 5, "text": 100 - 21 - padding, "b": 8, "c": 8}


def test_fit_columns_drops_the_highest_drop_first_when_narrow() -> None:
    padding = 2 * CELL_PADDING
    assert widths(5 + 10 + 8 + 3 * padding) == {"a": 5, "text": 10, "b": 8}
    assert widths(5 + 10 + 2 * padding) == {"a": 5, "text": 10}
    assert widths(3) == {"a": 5, "text": 10}  # never below the least


def test_category_cycle() -> None:
    seen = [next_category(None)]
    while seen[-1] is not None:
        seen.append(next_category(seen[-1]))
    assert tuple([None, *seen[:-1]]) == CATEGORIES
    assert next_category("nonsense") is None


def snapshot(*urgent: Urgent, project: str | None = None) -> Snapshot:
    return Snapshot(
        taken_at=NOW,
        query=BoardQuery(project_id=project),
        projects=(),
        lanes=(),
        states={},
        loops=(),
        errors=(),
        decisions=(),
        alerts=(),
        totals=Totals(
            cards=0,
            active_loops=0,
            unresolved_errors=0,
            pending_decisions=0,
            unacknowledged_alerts=0,
            critical_alerts=0,
        ),
        urgent=urgent,
    )


def test_arrivals_only_what_is_new_while_watching() -> None:
    old = Urgent(kind="decision", id="d1", text="Old")
    alert = Urgent(kind="alert", id="a1", text="Disk \x1b]2;x\x07 full")
    decisions = [Urgent(kind="decision", id=f"d{n}", text=f"New {n}") for n in (2, 3)]
    watch = ArrivalWatch()

    assert watch.new_in(snapshot(old)) == ()  # at start-up: nothing is news
    new = watch.new_in(snapshot(old, alert, *decisions))
    assert new == (alert, *decisions)
    assert watch.new_in(snapshot(old, alert, *decisions)) == ()
    assert watch.new_in(snapshot(alert, project="p")) == ()  # another project: start again

    found = announcements(new)
    assert [(a.title, a.severity) for a in found] == [
        ("Critical alert", "error"),
        ("2 new decisions", "warning"),
    ]
    assert found[0].message == "Disk ␛]2;x␇ full"
    assert found[1].message == "New 2 (and 1 more)"
