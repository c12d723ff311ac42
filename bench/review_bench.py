"""How long the attempt review takes on big inputs against a small one, in the same run.

    python bench/review_bench.py [--repeat 5] [--keep DIR]

Each case runs the real app headless (120x40): from asking for a review to the first
file's diff on screen; from `]` to the next file's diff; from `end` to the last page of
a 50,000-line diff drawn; from a submitted search to its matches marked. Then the same
work without the UI (git's file list and first patch; indexing and searching the output).
Every figure is set against the same measure on a small input, taken in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from ringmaster_tui.config import Settings
from ringmaster_tui.review import OutputIndex, Review, file_patch, load_commit_review
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.ringmaster.schema import create_ringmaster_database
from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.messages import OpenReview
from ringmaster_tui.ui.screens.review import ReviewScreen

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
HUGE_LINES = 50_000
MANY_FILES = 2_000
OUTPUT_LINES = 500_000  # about 22 MB


def git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_AUTHOR_NAME="Bench",
        GIT_AUTHOR_EMAIL="bench@example.com",
        GIT_COMMITTER_NAME="Bench",
        GIT_COMMITTER_EMAIL="bench@example.com",
    )
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def commit(repo: Path, files: Mapping[str, str]) -> str:
    for name, content in files.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "change")
    return git(repo, "rev-parse", "HEAD")


def repository(path: Path, before: Mapping[str, str], after: Mapping[str, str]) -> str:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    commit(path, before)
    return commit(path, after)


def code(lines: int, word: str) -> str:
    return "".join(f"def f{n}(x):  # {word}\n    return x + {n}\n" for n in range(lines // 2))


def database(path: Path, repo: Path, sha: str, output: str) -> Path:
    create_ringmaster_database(path).dispose()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO projects (id, name, repository_url) VALUES ('p', 'bench', 'x')")
    conn.execute(
        "INSERT INTO cards (id, project_id, title, task_prompt, state, worktree_path) "
        "VALUES ('c', 'p', 'Bench card', 'Do it', 'coding', ?)",
        (str(repo),),
    )
    conn.execute(
        "INSERT INTO attempts (id, card_id, attempt_number, status, commit_sha, output) "
        "VALUES ('a', 'c', 1, 'completed', ?, ?)",
        (sha, output),
    )
    conn.close()
    return path


def make_output(lines: int) -> str:
    return "".join(
        f"[{n:07d}] step {n % 97} compiled module_{n % 1013}.py"
        + (" Traceback: KeyError" if n % 4999 == 0 else "")
        + "\n"
        for n in range(lines)
    )


Step = Callable[[Pilot[Any], ReviewScreen], Awaitable[None]]


async def until(pilot: Pilot[Any], condition: Callable[[], bool]) -> None:
    while not condition():
        await pilot.pause(0.001)


async def measure(db: Path, repeat: int, steps: dict[str, Step]) -> dict[str, list[float]]:
    """Open the review `repeat` times; time the opening, then each step, each time.

    One untimed opening first: the first screen of a process pays for loading Pygments'
    tables and for styling widgets seen for the first time.
    """
    source = open_source(db, user="bench")
    settings = Settings(db=str(db), user="bench", bell=False)
    app = RingmasterApp(source, settings, clock=lambda: NOW, animate=False, live=False)
    timings: dict[str, list[float]] = {"open": [], **{name: [] for name in steps}}
    detail = source.card_detail("c", NOW)
    assert detail is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.snapshot is not None)
        for round in range(repeat + 1):
            started = time.perf_counter()
            app.post_message(OpenReview(detail.attempts[0], detail.title))
            await until(pilot, lambda: _settled(app))
            await pilot.pause()  # drawn
            opening = time.perf_counter() - started
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            for name, step in steps.items():
                started = time.perf_counter()
                await step(pilot, screen)
                await pilot.pause()
                if round:
                    timings[name].append(time.perf_counter() - started)
            if round:
                timings["open"].append(opening)
            app.pop_screen()
            await pilot.pause()
    source.close()
    return timings


def _settled(app: RingmasterApp) -> bool:
    return isinstance(app.screen, ReviewScreen) and not app.screen.busy


async def next_file(pilot: Pilot[Any], screen: ReviewScreen) -> None:
    await pilot.press("right_square_bracket")
    await until(pilot, lambda: not screen.busy)


async def to_the_end(pilot: Pilot[Any], screen: ReviewScreen) -> None:
    await pilot.press("end")


def search(query: str) -> Step:
    async def run(pilot: Pilot[Any], screen: ReviewScreen) -> None:
        screen.action_search()
        screen.query_one("#output-search", Input).value = query
        screen.matches = ()
        await pilot.press("enter")
        await until(pilot, lambda: bool(screen.matches))

    return run


def backend(folder: str, sha: str, output: str, repeat: int) -> dict[str, list[float]]:
    """The same work without the UI: git's file list and first patch; index and search."""
    timings: dict[str, list[float]] = {"git": [], "output": []}
    for _ in range(repeat):
        started = time.perf_counter()
        review = load_commit_review(folder, None, sha)
        assert isinstance(review, Review)
        file_patch(review.repository, review.files.range, review.files.files[0])
        timings["git"].append(time.perf_counter() - started)
        started = time.perf_counter()
        OutputIndex(output).search("traceback: keyerror")
        timings["output"].append(time.perf_counter() - started)
    return timings


def report(label: str, small: list[float], big: list[float]) -> None:
    small_ms, big_ms = statistics.median(small) * 1000, statistics.median(big) * 1000
    print(f"  {label:<44} {small_ms:8.1f} ms  {big_ms:8.1f} ms  {big_ms / small_ms:6.2f}x")


async def run(folder: Path, repeat: int) -> None:
    print("building repositories and databases ...")
    small_sha = repository(
        folder / "small",
        {"a.py": code(20, "old"), "b.py": code(20, "old")},
        {"a.py": code(20, "new"), "b.py": code(20, "new")},
    )
    huge_sha = repository(
        folder / "huge",
        {"a.py": code(HUGE_LINES, "old"), "b.py": code(20, "old")},
        {"a.py": code(HUGE_LINES, "new"), "b.py": code(20, "new")},
    )
    many = {f"pkg/m{n:05d}.py": f"value = {n}\n" for n in range(MANY_FILES)}
    many_sha = repository(
        folder / "many",
        {"a.py": code(20, "old"), "b.py": code(20, "old")},
        {"a.py": code(20, "new"), "b.py": code(20, "new"), **many},
    )
    small_output = make_output(500)
    big_output = make_output(OUTPUT_LINES)
    small_db = database(folder / "small.db", folder / "small", small_sha, small_output)
    huge_db = database(folder / "huge.db", folder / "huge", huge_sha, small_output)
    many_db = database(folder / "many.db", folder / "many", many_sha, small_output)
    output_db = database(folder / "output.db", folder / "small", small_sha, big_output)

    steps: dict[str, Step] = {
        "next file": next_file,
        "end": to_the_end,
        "search": search("traceback: keyerror"),
    }
    # Round by round, each case in turn: a machine busy for a while slows them all alike.
    cases = {"small": small_db, "huge": huge_db, "many": many_db, "output": output_db}
    results: dict[str, dict[str, list[float]]] = {name: {} for name in cases}
    for _ in range(repeat):
        for name, db in cases.items():
            for step, times in (await measure(db, 1, steps)).items():
                results[name].setdefault(step, []).extend(times)
    small, huge, files, output = (results[name] for name in cases)

    print(f"\nmedian of {repeat}; baseline: 2 files of 20 lines, a 500-line output")
    print(f"  {'':<44} {'baseline':>11}  {'big':>11}  {'ratio':>7}")
    report(f"open, first file a {HUGE_LINES:,}-line rewrite", small["open"], huge["open"])
    report(f"end of the {HUGE_LINES:,}-line diff", small["end"], huge["end"])
    report(f"open, a commit of {MANY_FILES + 2:,} files", small["open"], files["open"])
    report(f"] to the next file, {MANY_FILES + 2:,} files", small["next file"], files["next file"])
    megabytes = len(big_output) / 1e6
    report(f"open, a {megabytes:.0f} MB output", small["open"], output["open"])
    report(f"search a {megabytes:.0f} MB output", small["search"], output["search"])

    small_work = backend(str(folder / "small"), small_sha, small_output, repeat)
    huge_work = backend(str(folder / "huge"), huge_sha, big_output, repeat)
    many_work = backend(str(folder / "many"), many_sha, small_output, repeat)
    print("\nthe same work without the UI (git in the calling thread)")
    report(f"files + first patch, {HUGE_LINES:,}-line rewrite", small_work["git"], huge_work["git"])
    report(f"files + first patch, {MANY_FILES + 2:,} files", small_work["git"], many_work["git"])
    report(f"index + search a {megabytes:.0f} MB output", small_work["output"], huge_work["output"])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build in this folder and leave it there")
    args = parser.parse_args()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=False)
        asyncio.run(run(args.keep, args.repeat))
        return
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(Path(folder), args.repeat))


if __name__ == "__main__":
    main()
