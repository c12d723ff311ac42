"""The attempt review screen over REAL git repositories made in tmp dirs.

From a card's attempts, enter (or `d`) opens a review: facts, the commit's files with
their counts, one file's diff at a time (unified or side by side), the output with a
search, the errors; a comparison of two attempts; clear words when git cannot help.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.review import DiffLine, FileStatus, LineKind, SideBySideRow
from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.diff_rows import Layout, NoteRow
from ringmaster_tui.ui.key_help import key_rows
from ringmaster_tui.ui.messages import PatchRequested
from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.screens.compare_picker import ComparePickerScreen
from ringmaster_tui.ui.screens.review import ReviewScreen
from tests.test_review_git import commit_all, init_repo, write
from tests.ui.helpers import board, card_id, loaded, screen_text, until
from tests.ui.review_data import Commits, build_repo, build_review_board
from tests.ui.snap_apps import make_app

pytestmark = pytest.mark.anyio

ABSENT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Commits]]:
    path = tmp_path_factory.mktemp("review") / "repo"
    yield path, build_repo(path)


def review_db(tmp_path: Path, repo: tuple[Path, Commits], **options: Any) -> Path:
    path, commits = repo
    db = tmp_path / "review.db"
    options.setdefault("worktree", str(path))
    build_review_board(db, commits, **options)
    return db


def review(app: RingmasterApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


def settled(app: RingmasterApp) -> bool:
    return isinstance(app.screen, ReviewScreen) and not app.screen.busy


async def open_card(pilot: Pilot[Any], db: Path) -> RingmasterApp:
    app = await loaded(pilot)
    assert board(app).select_card(card_id(db, "Fix flaky test"))
    await pilot.press("enter")
    await until(
        pilot, lambda: isinstance(app.screen, CardDetailScreen) and app.screen.detail is not None
    )
    return app


async def open_attempt(pilot: Pilot[Any], db: Path, row: int) -> RingmasterApp:
    """The review of the attempt on `row` of the card's attempts (newest first)."""
    app = await open_card(pilot, db)
    await pilot.press("tab", *(["down"] * row), "enter")
    await until(pilot, lambda: settled(app))
    return app


def diff_lines(screen: ReviewScreen) -> list[tuple[LineKind, str]]:
    return [(row.kind, row.text) for row in screen.diff_view.rows if isinstance(row, DiffLine)]


def notes(screen: ReviewScreen) -> list[str]:
    return [row.text for row in screen.diff_view.rows if isinstance(row, NoteRow)]


# --- opening ----------------------------------------------------------------------------


async def test_enter_on_an_attempt_shows_its_facts_files_and_first_diff(
    tmp_path: Path, repo: tuple[Path, Commits]
) -> None:
    db = review_db(tmp_path, repo)
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await open_attempt(pilot, db, row=1)  # attempt 2
        screen = review(app)
        text = await screen_text(pilot)

    assert screen.attempt.attempt_number == 2
    for fact in (
        "Review of attempt 2 · Fix flaky test",
        "status completed",
        "agent claude-opus-4",
        "tokens 5,400",
        "cost $1.50",
        "duration 1m",
        f"commit {repo[1].change[:10]}",
        "diff_stats 5 files, +18 -5",
        f"5 files, +16 -5 · commit {repo[1].change[:10]} (parent {repo[1].root[:10]})",
        "in the card's worktree",
    ):
        assert fact in text, fact
    files = {f.path: f for f in screen.files.files}
    assert [(f.status, f.insertions, f.deletions) for f in files.values()] == [
        (FileStatus.MODIFIED, 6, 4),
        (FileStatus.ADDED, 9, 0),
        (FileStatus.RENAMED, 1, 0),
        (FileStatus.DELETED, 0, 1),
        (FileStatus.MODIFIED, None, None),
    ]
    assert files["docs/guide.md"].old_path == "docs/old-guide.md"
    for listed in ("M app/login.py", "+6 -4", "A app/session.py", "D legacy.txt", "binary"):
        assert listed in text, listed
    # The first file's diff, unified, with both line numbers.
    assert screen.shown_file == files["app/login.py"]
    assert (LineKind.REMOVED, "import time") in diff_lines(screen)
    assert (LineKind.ADDED, "import threading") in diff_lines(screen)
    assert "3     - import time" in text and "3 + import threading" in text
    assert "file 1 of 5  ·  unified" in text


async def test_d_opens_the_latest_attempt_with_a_commit_and_enter_the_highlighted_one(
    tmp_path: Path, repo: tuple[Path, Commits]
) -> None:
    db = review_db(tmp_path, repo)
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await open_card(pilot, db)
        await pilot.press("d")
        await until(pilot, lambda: settled(app))
        assert review(app).attempt.attempt_number == 3
        assert [f.path for f in review(app).files.files] == ["app/session.py"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CardDetailScreen)
        await pilot.press("enter")  # the body has focus: the highlighted (newest) attempt
        await until(pilot, lambda: settled(app))
        assert review(app).attempt.attempt_number == 3


async def test_an_attempt_without_a_commit_says_so_and_keeps_its_output(
    tmp_path: Path, repo: tuple[Path, Commits]
) -> None:
    db = review_db(tmp_path, repo)
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await open_attempt(pilot, db, row=2)  # attempt 1: failed, no commit
        screen = review(app)
        text = await screen_text(pilot)
        await pilot.press("o")
        output = await screen_text(pilot)
    assert screen.attempt.attempt_number == 1
    assert "This attempt recorded no commit: there is no diff to show." in text
    assert "This attempt printed no output." in output


async def test_the_attempts_list_keeps_its_place_when_the_card_reloads(tmp_path: Path) -> None:
    db = tmp_path / "reload.db"
    build_review_board(db, None, worktree=None)
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await open_card(pilot, db)
        screen = app.screen
        assert isinstance(screen, CardDetailScreen)
        await pilot.press("tab", "down")
        chosen = screen._body.highlighted_attempt_id()
        with closing(sqlite3.connect(db)) as conn, conn:
            conn.execute("UPDATE attempts SET tokens_used = 999 WHERE attempt_number = 2")
        app.request_reload()
        await until(
            pilot,
            lambda: screen.detail is not None and screen.detail.attempts[1].tokens_used == 999,
        )
        await pilot.pause()
        table = screen._body.attempts_table
        assert table is not None and app.focused is table
        assert screen._body.highlighted_attempt_id() == chosen
        await pilot.press("enter")
        await until(pilot, lambda: settled(app))
        assert review(app).attempt.attempt_number == 2


# --- moving through files, layouts --------------------------------------------------------


async def test_brackets_move_between_files_reading_each_patch_once(
    tmp_path: Path, repo: tuple[Path, Commits]
) -> None:
    db = review_db(tmp_path, repo)
    requested: list[str] = []

    def spy(message: object) -> None:
        if isinstance(message, PatchRequested):
            requested.append(message.file.path)

    app = make_app(db)
    async with app.run_test(size=(120, 40), message_hook=spy) as pilot:
        await open_attempt(pilot, db, row=1)
        screen = review(app)
        seen: dict[str, tuple[list[str], list[tuple[LineKind, str]]]] = {}
        for _ in range(4):
            await pilot.press("right_square_bracket")
            await until(pilot, lambda: settled(app))
            assert screen.shown_file is not None
            seen[screen.shown_file.path] = (notes(screen), diff_lines(screen))
        await pilot.press("right_square_bracket")  # past the last file: stays
        await pilot.press(*["left_square_bracket"] * 4)
        await until(pilot, lambda: settled(app))
        assert screen.files.cursor == 0
        text = await screen_text(pilot)

    # Each file was read once, when first shown; going back used what was read.
    assert requested == [
        "app/login.py",
        "app/session.py",
        "docs/guide.md",
        "legacy.txt",
        "logo.png",
    ]
    assert "file 1 of 5" in text
    _, added = seen["app/session.py"]
    assert all(kind is LineKind.ADDED for kind, _ in added) and len(added) == 9
    _, renamed = seen["docs/guide.md"]
    assert [line for line in renamed if line[0] is not LineKind.CONTEXT] == [
        (LineKind.ADDED, "Step 31: log in.")
    ]
    assert seen["legacy.txt"][1] == [(LineKind.REMOVED, "kept for old clients")]
    binary_notes, binary_lines = seen["logo.png"]
    assert binary_lines == [] and binary_notes[0] == "Binary file: there is no text to show."


async def test_s_shows_the_diff_side_by_side_and_back_and_help_knows_the_keys(
    tmp_path: Path, repo: tuple[Path, Commits]
) -> None:
    db = review_db(tmp_path, repo)
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await open_attempt(pilot, db, row=1)
        screen = review(app)
        await pilot.press("s")
        split = await screen_text(pilot)
        rows = [row for row in screen.diff_view.rows if isinstance(row, SideBySideRow)]
        await pilot.press("s")
        unified = await screen_text(pilot)
        keys = {row.description for row in key_rows(app.screen, app.get_key_display)}

    assert screen.diff_view.layout_mode is Layout.UNIFIED
    # `?` lists every key of the screen (read from its bindings).
    assert {
        "Back",
        "Diff",
        "Output",
        "Errors",
        "Layout",
        "Prev file",
        "Next file",
        "Compare",
        "Search",
        "Next match",
        "Previous match",
    } <= keys
    assert "side by side" in split and "unified" in unified
    pairs = [(r.left.text if r.left else None, r.right.text if r.right else None) for r in rows]
    assert ("import time", "import threading") in pairs
    assert (None, "_lock = threading.Lock()") in pairs
    # Old numbers on the left, new ones on the right of the same row.
    assert any(
        line.startswith("  3 - import time") and "│  3 + import threading" in line
        for line in (row.split("▕", 1)[-1] for row in split.splitlines())
    ), split


# --- the output and the errors ----------------------------------------------------------


async def test_output_and_errors_shown_as_typed_and_slash_n_shift_n_search(
    tmp_path: Path, repo: tuple[Path, Commits]
) -> None:
    db = review_db(tmp_path, repo)
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await open_attempt(pilot, db, row=1)
        screen = review(app)
        await pilot.press("e")
        errors = await screen_text(pilot)
        await pilot.press("o")
        output = await screen_text(pilot)
        await pilot.press("slash", *"RETRY 5", "enter")
        await until(pilot, lambda: screen.matches != ())
        first = screen.match_line
        await pilot.press("n")
        second = screen.match_line
        await pilot.press("N", "N")
        wrapped = screen.match_line
        text = await screen_text(pilot)

    # "retry 5", "retry 50" ... "retry 59": lines 9 and 54-63 (0-based), any case.
    assert screen.matches == (9, *range(54, 64))
    assert (first, second, wrapped) == (9, 54, 63)
    assert "“RETRY 5”: match 11 of 11 (line 64)" in text
    assert "64 [0059] retry 59: login took 13 ms" in text

    assert "5 [bold red]not markup[/bold red] and ␛]2;retitled␇ an escape" in output
    assert "\x1b]2" not in output and "67 lines" in output
    assert "Errors (2)" in errors
    for shown in (
        "The attempt's error message",
        "1 test failed before the fix",
        "TestFailure · test · error · unresolved · 7h00m ago",
        "AssertionError: expected one session, got two",
        'File "tests/test_login.py", line 40, in test_concurrent_login',
    ):
        assert shown in errors, shown


async def test_the_diff_itself_is_shown_as_typed(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "hostile")
    write(repo, {"a.txt": "plain\n"})
    commit_all(repo, "first")
    write(repo, {"a.txt": "[b]bold?[/b] \x1b]52;c;aGk=\x07 clip\n", "z\x1b[31mred.txt": "x\n"})
    sha = commit_all(repo, "second")
    db = tmp_path / "hostile.db"
    build_review_board(db, None, worktree=str(repo), second_commit=sha)
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        await open_attempt(pilot, db, row=1)
        text = await screen_text(pilot)
    assert "\x1b" not in text
    assert "+ [b]bold?[/b] ␛]52;c;aGk=␇ clip" in text
    assert "A z␛[31mred.txt" in text


# --- comparing two attempts -------------------------------------------------------------


async def test_c_compares_two_attempts_of_the_card(
    tmp_path: Path, repo: tuple[Path, Commits]
) -> None:
    db = review_db(tmp_path, repo)
    _, commits = repo
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await open_attempt(pilot, db, row=1)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ComparePickerScreen))
        await pilot.press("down", "enter")  # attempt 3
        await until(pilot, lambda: settled(app))
        screen = review(app)
        text = await screen_text(pilot)
        files = [f.path for f in screen.files.files]
        assert screen.review is not None
        compared = screen.review.files.range
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ComparePickerScreen))
        await pilot.press("enter")  # back to the commit against its parent
        await until(pilot, lambda: settled(app) and len(review(app).files.files) == 5)

    assert f"attempt 2 {commits.change[:10]} → attempt 3 {commits.later[:10]}" in text
    assert files == ["app/session.py"]
    assert (compared.old, compared.new) == (commits.change, commits.later)
    assert screen.comparing is None


# --- when git cannot help ---------------------------------------------------------------


async def test_a_missing_repository_is_said_and_stats_and_output_remain(
    tmp_path: Path, repo: tuple[Path, Commits]
) -> None:
    db = review_db(tmp_path, repo, worktree=str(tmp_path / "deleted-worktree"))
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await open_attempt(pilot, db, row=1)
        screen = review(app)
        text = await screen_text(pilot)
        await pilot.press("o")
        output = await screen_text(pilot)
    assert screen.problem is not None
    said = " ".join(text.split())  # the message wraps
    assert "No diff: repository not found: worktree: repository not found:" in said
    assert "deleted-worktree does not exist; the project has no repository_path" in said
    assert "diff_stats 5 files, +18 -5" in text
    assert "1 $ pytest tests/test_login.py" in output


async def test_the_projects_repository_is_used_without_a_worktree(
    tmp_path: Path, repo: tuple[Path, Commits]
) -> None:
    db = review_db(tmp_path, repo, worktree=None, repository=str(repo[0]))
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await open_attempt(pilot, db, row=1)
        screen = review(app)
        text = await screen_text(pilot)
    assert len(screen.files.files) == 5
    assert "in the project's repository" in text


async def test_a_missing_commit_is_said(tmp_path: Path, repo: tuple[Path, Commits]) -> None:
    db = review_db(tmp_path, repo, second_commit=ABSENT)
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        await open_attempt(pilot, db, row=1)
        text = await screen_text(pilot)
    assert f"No diff: commit {ABSENT} not found in" in text
    assert "diff_stats 5 files, +18 -5" in text


async def test_a_commit_that_is_an_option_is_refused_and_writes_nothing(
    tmp_path: Path, repo: tuple[Path, Commits]
) -> None:
    target = tmp_path / "written-by-git"
    db = review_db(tmp_path, repo, second_commit=f"--output={target}")
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await open_attempt(pilot, db, row=1)
        text = await screen_text(pilot)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ComparePickerScreen))
        await pilot.press("down", "enter")
        await until(pilot, lambda: settled(app))
    assert "No diff: not a commit sha (7-40 hex digits): '--output=" in text
    assert not target.exists()


# --- big changes ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    repo = init_repo(tmp_path_factory.mktemp("big") / "repo")
    write(repo, {"a-huge.txt": "".join(f"row {n} of the original\n" for n in range(50_000))})
    commit_all(repo, "before")
    many = {f"pkg/m{n:04d}.py": f"value = {n}\n" for n in range(2_000)}
    write(repo, {"a-huge.txt": "".join(f"row {n} rewritten\n" for n in range(50_000)), **many})
    return repo, commit_all(repo, "after")


async def test_thousands_of_files_and_a_huge_file_load_file_by_file(
    tmp_path: Path, big_repo: tuple[Path, str]
) -> None:
    path, sha = big_repo
    db = tmp_path / "big.db"
    build_review_board(db, None, worktree=str(path), second_commit=sha)
    requested: list[str] = []

    def spy(message: object) -> None:
        if isinstance(message, PatchRequested):
            requested.append(message.file.path)

    app = make_app(db)
    async with app.run_test(size=(120, 40), message_hook=spy) as pilot:
        await open_attempt(pilot, db, row=1)
        screen = review(app)
        huge = notes(screen)
        rows = len(screen.diff_view.rows)
        await pilot.press("end")  # the diff view has focus: to the end of the huge diff
        await pilot.press("shift+tab")  # the file list
        await pilot.press("end")
        await until(pilot, lambda: settled(app))
        last = screen.shown_file
        text = await screen_text(pilot)

    assert len(screen.files.files) == 2_001
    assert huge[-1].startswith("… the diff of this file stops here")
    assert 19_000 < rows < 20_100
    assert last is not None and last.path == "pkg/m1999.py"
    assert "file 2,001 of 2,001" in text
    # Only the files shown were read: the first, then the last (or ones passed by).
    assert requested[0] == "a-huge.txt" and requested[-1] == "pkg/m1999.py"
    assert len(requested) <= 3
