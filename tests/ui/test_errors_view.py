"""The errors view: unresolved errors newest first; `x` resolves (compare-and-set), enter
shows the stack trace and context, `c` and `/` filter. Checked in the database itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringmaster_tui.ui.screens.error_detail import ErrorDetailScreen
from ringmaster_tui.ui.widgets.errors_view import ErrorsView
from ringmaster_tui.ui.widgets.json_text import NOT_JSON_NOTE
from tests.builders import DbBuilder, ago
from tests.ui.helpers import Notes, screen_text, settle, until
from tests.ui.snap_apps import make_app
from tests.ui.view_data import (
    build_views_board,
    id_of,
    one,
    open_view,
    other_writer,
    row_keys,
    select_row,
)

pytestmark = pytest.mark.anyio
SIZE = (120, 40)


@pytest.fixture
def views_db(tmp_path: Path) -> Path:
    db = tmp_path / "views.db"
    build_views_board(db)
    return db


async def test_unresolved_errors_newest_first(views_db: Path) -> None:
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "errors", ErrorsView)
        text = await screen_text(pilot)

    assert [e.message for e in view.items] == [
        "Timeout in CI",
        "AssertionError: expected 200",
        "Deploy [bold]refused[/bold]: quota",
    ]
    assert "Old problem" not in text  # resolved
    line = next(x for x in text.splitlines() if "AssertionError" in x)
    for part in ("30m", "error", "test", "Fix flaky test", "#1", "TestFailure"):
        assert part in line, part
    assert "Deploy [bold]refused[/bold]: quota" in text  # markup shown as typed


async def test_x_resolves_the_selected_error(views_db: Path, notes: Notes) -> None:
    target = id_of(views_db, "errors", "message", "AssertionError: expected 200")
    async with make_app(views_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        view = await open_view(pilot, "errors", ErrorsView)
        select_row(view, target)
        await pilot.press("x")
        await settle(pilot)
        await until(pilot, lambda: target not in row_keys(view))

        assert one(views_db, "SELECT resolved FROM errors WHERE id = ?", target) == (1,)
        (resolved_at,) = one(views_db, "SELECT resolved_at FROM errors WHERE id = ?", target)
        assert resolved_at is not None
        assert notes.last == "Error marked resolved."
        # The other errors stay unresolved; the cursor stays at the same height.
        assert one(views_db, "SELECT count(*) FROM errors WHERE resolved = 0") == (2,)
        assert view.table.cursor_row == 1


async def test_x_on_an_error_resolved_meanwhile_writes_nothing(
    views_db: Path, notes: Notes
) -> None:
    target = id_of(views_db, "errors", "message", "Timeout in CI")
    async with make_app(views_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        view = await open_view(pilot, "errors", ErrorsView)
        select_row(view, target)
        stamp = ago(minutes=1)
        other_writer(
            views_db, "UPDATE errors SET resolved = 1, resolved_at = ? WHERE id = ?", stamp, target
        )
        await pilot.press("x")
        await settle(pilot)

        assert one(views_db, "SELECT resolved_at FROM errors WHERE id = ?", target) == (stamp,)
        assert "already resolved; nothing was written" in notes.last


async def test_enter_shows_stack_trace_and_context(views_db: Path) -> None:
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "errors", ErrorsView)
        select_row(view, id_of(views_db, "errors", "message", "Timeout in CI"))
        await pilot.press("enter")
        app = pilot.app
        await until(
            pilot,
            lambda: isinstance(app.screen, ErrorDetailScreen) and app.screen.detail is not None,
        )
        text = await screen_text(pilot)

        assert "TimeoutError: job 7 took 600s" in text
        assert '"runner": "ci-2"' in text  # the context, indented JSON
        assert '    "seconds": 600' in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.dashboard


async def test_broken_json_context_is_shown_raw(views_db: Path) -> None:
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "errors", ErrorsView)
        select_row(view, id_of(views_db, "errors", "error_type", "DeployError"))
        await pilot.press("enter")
        app = pilot.app
        await until(
            pilot,
            lambda: isinstance(app.screen, ErrorDetailScreen) and app.screen.detail is not None,
        )
        text = await screen_text(pilot)

    assert NOT_JSON_NOTE in text
    assert '{"quota": "exceeded"' in text
    assert "None recorded." in text  # no stack trace


async def test_x_in_the_detail_resolves_that_error(views_db: Path) -> None:
    target = id_of(views_db, "errors", "error_type", "DeployError")
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "errors", ErrorsView)
        select_row(view, target)
        await pilot.press("enter")
        app = pilot.app
        await until(pilot, lambda: isinstance(app.screen, ErrorDetailScreen))
        await pilot.press("x")
        await settle(pilot)

        assert app.screen is app.dashboard
        assert one(views_db, "SELECT resolved FROM errors WHERE id = ?", target) == (1,)


async def test_category_and_text_filters(views_db: Path) -> None:
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "errors", ErrorsView)
        await pilot.press("c")  # build
        await until(pilot, lambda: [e.category for e in view.items] == ["build"])
        await pilot.press("c", "c")  # test, then deploy
        await until(pilot, lambda: [e.category for e in view.items] == ["deploy"])
        await pilot.press("c", "c", "c")  # runtime, other, all
        await until(pilot, lambda: len(view.items) == 3)
        await pilot.press("slash", *"assert")
        await until(pilot, lambda: len(view.items) == 1)

        assert view.items[0].message == "AssertionError: expected 200"
        # The header keeps counting every unresolved error.
        assert "errors 3" in await screen_text(pilot)


async def test_a_long_list_reads_what_it_shows_and_reads_on_as_it_is_scrolled(
    tmp_path: Path,
) -> None:
    db = tmp_path / "many.db"
    b = DbBuilder(db)
    card = b.card(b.project(), "Noisy card", state="coding")
    for n in range(300):
        b.error(card, f"error {n:03d}", created_at=ago(minutes=300 - n))
    b.close()
    async with make_app(db).run_test(size=(80, 24)) as pilot:
        view = await open_view(pilot, "errors", ErrorsView)
        app = pilot.app
        app.request_reload()  # measured once shown: from the next load on
        await settle(pilot)
        shown = view.table.scrollable_content_region.height
        assert len(view.items) == 2 * (shown - 1) < 300

        for _ in range(4):  # paging down reads on, a page or two at a time
            await pilot.press("pagedown")
            await settle(pilot)
        assert 2 * (shown - 1) < len(view.items) < 300
        assert view.items[0].message == "error 299"
        assert [e.message for e in view.items] == [
            f"error {n:03d}" for n in range(299, 299 - len(view.items), -1)
        ]
