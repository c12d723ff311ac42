"""The live dashboard in a real terminal, against a database another process writes.

    python bench/live_bench.py [--changes 300] [--burst 4000] [--keys 30] [--postgres]

The app runs in tmux (120x40); everything it draws is piped to a file that a thread
reads as it grows. Prints:
- change-to-screen latency p50/p95/max over --changes commits (inserts and state
  updates mixed, 20-80 ms apart), each commit making a unique title appear on screen,
  and how many never appeared;
- the writer's throughput (--burst transactions of 2 KB) with the dashboard attached, as
  a ratio of its throughput without, and the largest -wal file seen meanwhile;
- key-to-screen latency while the simulator writes 50 changes a second, in one
  dashboard: `?` until the help is drawn; `l` and `h` in turn (a lane move each way)
  until the lane strip shows the next lane selected; `/` until the filter's field is
  drawn; and each key of a few words typed into the filter, a typist's pause apart,
  until it is echoed in the field and, apart, until the board drawn for that text (its
  header quotes the filter). A filter of one or two letters cannot use the text index
  (on a board of 5,000 cards or more the app waits for a next key before reading it,
  ui/widgets/board.py): those keys' board figures are printed apart. The floor, measured
  first with the simulator writing all the same: `?` in a trivial Textual app at the
  dashboard's frame rate, until the line it draws for it is on screen; each figure's p95
  is printed as a ratio to the floor's.

With --postgres, only the change-to-screen figures, twice in the same run: on the SQLite
demo board and on the same rows copied into a throwaway PostgreSQL server
(tests/postgres/cluster.py), the same writer pattern committing to each.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/postgres for --postgres

# Run as a script, bench/ is on the import path and terminal_driver.py is a neighbour.
import terminal_driver  # noqa: E402
from board_screen import FILTER_PLACEHOLDER, BoardScreen, Strip  # noqa: E402
from terminal_driver import SIZE, ScreenStream, app_in_tmux, percentile  # noqa: E402

from ringmaster_tui.commands import DASHBOARD_FRAME_RATE  # noqa: E402
from ringmaster_tui.sources.ringmaster.sim.demo import create_demo_database  # noqa: E402

TMUX_SOCKET = "ringmaster-live-bench"
SEEN_TIMEOUT = 2.0  # a change not on screen this long after its commit counts as missed
PAYLOAD = "x" * 2048
# Typed into the filter, a key at a time: words of the demo's card titles.
FILTER_WORDS = ("checkout", "gallery", "failover", "limiter", "webhook", "shipping")
# A filter this short scans every card (ui/widgets/board.py).
SHORT_FILTER_CHARS = 3
# Between two keys: a typist's pause, after what the last one did is on screen.
KEY_GAPS = (0.15, 0.2, 0.25)
KEY_TARGET_MS = 50
# Textual reports a lone Escape up to 200 ms after it came (its ESCDELAY, then its input
# loop's next turn); a key that comes sooner joins it as one alt+key.
ESCAPE_REPORTED = 0.25
# The floor for key-to-screen: a trivial Textual app in the same pane, at the dashboard's
# frame rate, whose `?` draws a line as the dashboard's help does (the marker is split so
# that the command line typed into the pane does not show it).
FLOOR_APP = """
from textual.app import App
from textual.widgets import Footer, Label
class Floor(App):
    BINDINGS = [("question_mark", "show", "Show"), ("escape", "hide", "Hide")]
    def compose(self):
        yield Label("FLOOR" + " READY")
        yield Footer()
    def action_show(self):
        self.query_one(Label).update("Keys" + ": shown")
    def action_hide(self):
        self.query_one(Label).update("FLOOR" + " READY")
Floor().run()
"""


@contextmanager
def dashboard(db: Path, work: Path) -> Iterator[ScreenStream]:
    """The app in a tmux pane, its output followed."""
    with app_in_tmux(db, work, socket=TMUX_SOCKET) as pane:
        yield pane.stream


def send_keys(*keys: str) -> None:
    terminal_driver.send_keys(TMUX_SOCKET, *keys)


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None, timeout=10)
    conn.execute("PRAGMA synchronous = NORMAL")  # what an orchestrator in WAL mode uses
    return conn


class Writer(Protocol):
    """The second process's side: rows read, and one statement committed at a time."""

    def rows(self, sql: str) -> list[Any]: ...

    def commit(self, sql: str, params: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


class SqliteWriter:
    def __init__(self, db: Path) -> None:
        self.conn = connect(db)

    def rows(self, sql: str) -> list[Any]:
        return [row[0] for row in self.conn.execute(sql)]

    def commit(self, sql: str, params: dict[str, Any]) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute(sql, params)
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


class PostgresWriter:
    def __init__(self, url: str) -> None:
        from tests.postgres.data import pg_engine

        self.engine = pg_engine(url)
        self.conn = self.engine.connect()

    def rows(self, sql: str) -> list[Any]:
        with self.conn.begin():
            return [row[0] for row in self.conn.exec_driver_sql(sql)]

    def commit(self, sql: str, params: dict[str, Any]) -> None:
        import sqlalchemy as sa

        with self.conn.begin():
            self.conn.execute(sa.text(sql), params)

    def close(self) -> None:
        self.conn.close()
        self.engine.dispose()


def measure_latency(writer: Writer, stream: ScreenStream, changes: int) -> tuple[list[float], int]:
    """Commit `changes` visible changes; each one's delay until it is drawn."""
    rng = random.Random(3)
    project = writer.rows("SELECT id FROM projects ORDER BY id LIMIT 1")[0]
    # Changes land in REVIEW and TESTING, away from the selection (the first DRAFT card):
    # a selected card stays in view, so titles arriving above it could scroll away.
    movable = writer.rows("SELECT id FROM cards WHERE state != 'draft' ORDER BY id")
    committed: dict[str, float] = {}
    for n in range(changes):
        marker = f"mk{n:04d}z"  # top of its lane: the highest priority so far
        stream.expect(marker)
        if n % 2 == 0:
            writer.commit(
                "INSERT INTO cards (id, project_id, title, task_prompt, state, priority) "
                "VALUES (:id, :project, :title, 'bench', 'code_review', :priority)",
                {"id": f"bench-{n}", "project": project, "title": marker, "priority": 1000 + n},
            )
        else:
            writer.commit(
                "UPDATE cards SET title = :title, state = 'testing', priority = :priority "
                "WHERE id = :id",
                {"title": marker, "priority": 1000 + n, "id": movable[n % len(movable)]},
            )
        committed[marker] = time.monotonic()
        time.sleep(rng.uniform(0.02, 0.08))
    time.sleep(SEEN_TIMEOUT)
    writer.close()
    delays: list[float] = []
    missed = 0
    for marker, at in committed.items():
        seen = stream.seen_at(marker)
        if seen is None or seen - at > SEEN_TIMEOUT:
            missed += 1
            if os.environ.get("BENCH_DEBUG"):
                print("missed", marker, None if seen is None else seen - at)
        else:
            delays.append((seen - at) * 1000)
    return delays, missed


def write_burst(db: Path, transactions: int) -> tuple[float, int]:
    """`transactions` commits of a 2 KB row each; (commits per second, largest -wal)."""
    wal = Path(f"{db}-wal")
    largest = 0
    done = threading.Event()

    def watch_wal() -> None:
        nonlocal largest
        while not done.is_set():
            with suppress(FileNotFoundError):
                largest = max(largest, wal.stat().st_size)
            time.sleep(0.002)

    conn = connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # each burst starts from an empty -wal
    watcher = threading.Thread(target=watch_wal, daemon=True)
    watcher.start()
    card = conn.execute("SELECT id FROM cards ORDER BY id LIMIT 1").fetchone()[0]
    started = time.perf_counter()
    for n in range(transactions):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO errors (id, card_id, error_type, message, resolved) "
            "VALUES (?, ?, 'Bench', ?, 1)",
            (f"burst-{time.monotonic_ns()}-{n}", card, PAYLOAD),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    done.set()
    watcher.join()
    return transactions / elapsed, largest


@dataclass
class KeyFigures:
    """Key-to-screen delays of one key (or kind of key), in ms."""

    label: str
    delays: list[float]
    pressed: int
    note: str = ""

    @property
    def p95(self) -> float | None:
        return percentile(self.delays, 0.95) if self.delays else None

    def report(self, floor: KeyFigures | None = None) -> str:
        unanswered = self.pressed - len(self.delays)
        line = f"  {self.label}, {self.pressed} presses: "
        if self.p95 is not None:
            p95 = self.p95
            line += (
                f"p50 {statistics.median(self.delays):.1f} ms, p95 {p95:.1f} ms, "
                f"max {max(self.delays):.1f} ms"
                f"{'' if p95 <= KEY_TARGET_MS else f' (above {KEY_TARGET_MS} ms)'}; "
            )
            if floor is not None and floor.p95:
                line += f"p95 {p95 / floor.p95:.2f}x the floor's; "
        line += f"unanswered: {unanswered}"
        return line + (f"; {self.note}" if self.note else "")


def measure_keys(db: Path, work: Path, presses: int) -> tuple[KeyFigures, list[KeyFigures]]:
    """`?`, lane moves and the filter, while the simulator writes 50 changes a second;
    first `?` in the trivial app (the floor), the simulator writing all the same."""
    simulator = subprocess.Popen(
        [sys.executable, "-m", "ringmaster_tui", "simulate", str(db), "--rate", "50"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    board = BoardScreen()
    floor_command = [
        "env",
        f"TEXTUAL_FPS={DASHBOARD_FRAME_RATE}",
        sys.executable,
        "-c",
        FLOOR_APP,
    ]
    try:
        with app_in_tmux(
            db, work, socket=TMUX_SOCKET, ready=("FLOOR READY",), command=floor_command
        ) as pane:
            floor = measure_help(pane.stream, presses, "floor: `?` in a trivial Textual app")
        with app_in_tmux(db, work, socket=TMUX_SOCKET, watch=board) as pane:
            return floor, [
                measure_help(pane.stream, presses),
                measure_lane_moves(board, presses),
                *measure_filter(pane.stream, board, FILTER_WORDS),
            ]
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)


def pause(n: int) -> None:
    """Between two measured keys, never inside a measurement."""
    time.sleep(KEY_GAPS[n % len(KEY_GAPS)])


def since(pressed: float, seen: float | None, into: list[float]) -> None:
    if seen is not None:
        into.append((seen - pressed) * 1000)


def measure_help(stream: ScreenStream, presses: int, label: str = "`?` help drawn") -> KeyFigures:
    """`?` until the help is drawn; escape closes it."""
    delays: list[float] = []
    for n in range(presses):
        marker = "Keys:"
        stream.expect(marker)
        pressed = time.monotonic()
        send_keys("?")
        since(pressed, stream.wait_for(marker, SEEN_TIMEOUT), delays)
        send_keys("Escape")
        time.sleep(ESCAPE_REPORTED)
        pause(n)
    return KeyFigures(label, delays, presses)


def measure_lane_moves(board: BoardScreen, presses: int) -> KeyFigures:
    """`l` and `h` in turn, each until the strip shows the lane it selects.

    The selection follows its card: when the simulator moves the selected card first,
    the strip shows another lane, and that press is left out (counted in the note)."""
    delays: list[float] = []
    followed = 0
    direction = 1
    for n in range(presses):
        before = board.strip
        if before is None:
            raise SystemExit("the lane strip was never drawn with a lane selected")
        target = before.neighbour(direction)
        if target is None:  # the last lane holding cards that way
            direction = -direction
            target = before.neighbour(direction)
        if target is None:
            raise SystemExit(f"no lane to move to from {before.current}: {before.lanes}")

        def moved(strip: Strip, left: str = before.current) -> bool:
            return strip.current != left

        pressed = time.monotonic()
        send_keys("l" if direction > 0 else "h")
        found = board.strip_after(pressed, SEEN_TIMEOUT, moved)
        if found is not None and found[1].current != target:
            followed += 1
        else:
            since(pressed, None if found is None else found[0], delays)
        direction = -direction
        pause(n)
    note = f"left out, the selected card moved first: {followed}"
    return KeyFigures("`l`/`h` lane move, strip redrawn", delays, presses - followed, note)


def measure_filter(
    stream: ScreenStream, board: BoardScreen, words: tuple[str, ...]
) -> list[KeyFigures]:
    """For each word: `/` until the field is drawn, then each key until it is echoed and
    until the board filtered by the text so far is drawn; escape clears the filter."""
    opened: list[float] = []
    echoed: list[float] = []
    filtered: list[float] = []
    filtered_short: list[float] = []
    typed = typed_short = 0
    for word in words:
        pressed = time.monotonic()
        send_keys("/")
        since(pressed, board.field_after(pressed, SEEN_TIMEOUT, _placeholder), opened)
        pause(0)
        for n in range(1, len(word) + 1):
            text = word[:n]
            quoted = f"“{text}”"  # the header's "filter “text”", drawn with the board
            stream.expect(quoted)
            pressed = time.monotonic()
            send_keys("-l", word[n - 1])
            echo = board.field_after(pressed, SEEN_TIMEOUT, _equal_to(text))
            since(pressed, echo, echoed)
            if os.environ.get("BENCH_DEBUG") and (echo is None or echo - pressed > 0.1):
                print("echo", repr(text), echo and echo - pressed, board.fields_since(pressed))
            short = n < SHORT_FILTER_CHARS
            typed_short += short
            typed += not short
            shown = stream.wait_for(quoted, max(pressed + SEEN_TIMEOUT - time.monotonic(), 0))
            since(pressed, shown, filtered_short if short else filtered)
            pause(n)
        send_keys("Escape")
        time.sleep(0.6)  # the whole board back before the next word
    return [
        KeyFigures("`/` filter field drawn", opened, len(words)),
        KeyFigures("filter key echoed in the field", echoed, typed + typed_short),
        KeyFigures(f"filter key, board filtered ({SHORT_FILTER_CHARS}+ letters)", filtered, typed),
        KeyFigures(
            f"filter key, board filtered (1-{SHORT_FILTER_CHARS - 1} letters)",
            filtered_short,
            typed_short,
            "a scan of every card, the first letter changing every lane",
        ),
    ]


def _placeholder(shown: str) -> bool:
    return shown.startswith(FILTER_PLACEHOLDER)


def _equal_to(text: str) -> Callable[[str], bool]:
    return lambda shown: shown == text


def report_latency(engine: str, changes: int, delays: list[float], missed: int) -> None:
    if not delays:
        print(f"{engine}: change-to-screen: none of {changes} changes was shown")
        return
    print(
        f"{engine}: change-to-screen over {changes} changes: "
        f"p50 {statistics.median(delays):.1f} ms, p95 {percentile(delays, 0.95):.1f} ms, "
        f"max {max(delays):.1f} ms; never shown: {missed}"
    )


def compare_engines(changes: int) -> None:
    """The same rows and the same writer on SQLite, then on a throwaway PostgreSQL server."""
    from ringmaster_tui.sources.registry import create_source_database
    from ringmaster_tui.sources.ringmaster.kind import RINGMASTER
    from tests.postgres.cluster import start_cluster
    from tests.postgres.data import copy_sqlite_into, vacuum_until_all_visible

    cluster = start_cluster()
    try:
        with tempfile.TemporaryDirectory(prefix="ringmaster-live-bench-") as tmp:
            work = Path(tmp)
            db = work / "live.db"
            create_demo_database(db, seed=11)
            # The copy is made before SQLite's run changes anything: the same rows in both.
            url = cluster.url(cluster.new_database("live"), password="postgres")
            create_source_database(url, RINGMASTER)
            copied = copy_sqlite_into(db, url)
            vacuum_until_all_visible(url)  # as autovacuum keeps a server's tables
            print(
                f"database: demo board, {os.path.getsize(db) // 1024} KiB on SQLite, "
                f"{sum(copied.values())} rows copied to PostgreSQL "
                f"{cluster.bin.parent.name}; terminal {SIZE}"
            )
            with dashboard(db, work) as stream:
                delays, missed = measure_latency(SqliteWriter(db), stream, changes)
            report_latency("SQLite", changes, delays, missed)
            with app_in_tmux(url, work, socket=TMUX_SOCKET) as pane:
                delays, missed = measure_latency(PostgresWriter(url), pane.stream, changes)
            report_latency("PostgreSQL", changes, delays, missed)
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=300)
    parser.add_argument("--burst", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3, help="bursts with and without")
    parser.add_argument("--keys", type=int, default=30)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="change-to-screen on SQLite and on a throwaway PostgreSQL server, side by side",
    )
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed: apt-get install tmux")
    if args.postgres:
        compare_engines(args.changes)
        return

    with tempfile.TemporaryDirectory(prefix="ringmaster-live-bench-") as tmp:
        work = Path(tmp)
        db = work / "live.db"
        create_demo_database(db, seed=11)
        print(f"database: demo board, {os.path.getsize(db) // 1024} KiB; terminal {SIZE}")

        with dashboard(db, work) as stream:
            delays, missed = measure_latency(SqliteWriter(db), stream, args.changes)
        report_latency("SQLite", args.changes, delays, missed)

        alone: list[float] = []
        attached: list[float] = []
        largest_wal = largest_wal_alone = 0
        for _ in range(args.rounds):  # alternate, so machine noise hits both alike
            rate, wal = write_burst(db, args.burst)
            alone.append(rate)
            largest_wal_alone = max(largest_wal_alone, wal)
            with dashboard(db, work):
                rate, wal = write_burst(db, args.burst)
            attached.append(rate)
            largest_wal = max(largest_wal, wal)
        if not alone:
            return
        ratio = statistics.median(attached) / statistics.median(alone)
        print(
            f"writer, {args.burst} x 2 KB transactions: {statistics.median(alone):.0f}/s alone, "
            f"{statistics.median(attached):.0f}/s with the dashboard: ratio {ratio:.3f}; "
            f"largest -wal with the dashboard {largest_wal / 2**20:.2f} MiB "
            f"(alone {largest_wal_alone / 2**20:.2f} MiB)"
        )

        print(f"key-to-screen with the simulator at 50 changes/s (p95 target {KEY_TARGET_MS} ms):")
        floor, measured = measure_keys(db, work, args.keys)
        print(floor.report())
        for figures in measured:
            print(figures.report(floor))


if __name__ == "__main__":
    main()
