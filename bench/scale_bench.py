"""The real app in a real terminal on a big database and on a 200-card one, same run.

    python bench/scale_bench.py [--cards 100000 --transitions 1000000 ...] [--changes 100]

Big: bench/generate.py's sizes (flags here; run it small for a smoke check); small: 200
cards with history in the same proportion. Generated databases are cached in --cache,
keyed by their sizes and seed, and copied before each run (the run writes to its copy).
The app runs in tmux (120x40). Prints, for each database and as the big/small ratio:
- first full paint: from starting the process to the lanes drawn with their counts
  (median of --starts launches);
- change-to-screen p50/p95 over --changes commits by a second process (live_bench's
  markers: new cards and moved cards, each a unique title at the top of its lane);
- resident memory of the app process (VmRSS after the run, and its peak, VmHWM);
- filter keystroke-to-screen: `/`, then the start of a card's title ("card 123:") typed
  in one burst; until the filtered board shows that card alone in its lane;
- every other view and the project picker, key-to-screen: from the board, the view's key
  until its own header, read from the database, is drawn (median of --starts fresh
  launches: a view read for the first time).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Run as a script, bench/ is on the import path and its modules are neighbours.
from generate import BIG, generate
from live_bench import measure_latency
from terminal_driver import SIZE, Pane, app_in_tmux, percentile

from ringmaster_tui.domain import states as sm
from ringmaster_tui.store.schema import schema_sql

TMUX_SOCKET = "ringmaster-scale-bench"
SMALL_CARDS = 200
# The lanes a 120-column terminal shows without scrolling.
VISIBLE_LANES = 5
FILTER_TIMEOUT = 5.0
# Each view's key and a text only its header shows once its own read is on screen.
VIEWS: tuple[tuple[str, str, str], ...] = (
    ("loops", "2", "running ·"),
    ("errors", "3", "category all"),
    ("decisions", "4", "settled hidden"),
    ("alerts", "5", "acknowledged hidden"),
    ("metrics", "6", "days, "),
    ("project picker", "p", "Show the project"),
)
VIEW_TIMEOUT = 10.0


@dataclass
class Figures:
    first_paint_ms: float
    change_p50_ms: float
    change_p95_ms: float
    missed: int
    rss_mib: float
    peak_mib: float
    filter_p50_ms: float
    filter_p95_ms: float
    filter_missed: int
    view_ms: dict[str, float]


def cached_database(cache: Path, sizes: dict[str, int], seed: int) -> Path:
    """A generated database, made once per sizes, seed and schema."""
    key = "-".join(f"{name}{count}" for name, count in sizes.items())
    schema = hashlib.sha256(schema_sql().encode()).hexdigest()[:8]
    path = cache / f"scale-{key}-seed{seed}-{schema}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        started = time.perf_counter()
        generate(partial, seed=seed, **sizes)
        partial.rename(path)
        print(f"generated {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def lane_headers(db: Path) -> list[str]:
    """What the visible lanes' headers read once the board is drawn: name and count."""
    conn = sqlite3.connect(db)
    counts = dict(conn.execute("SELECT state, count(*) FROM cards GROUP BY state").fetchall())
    conn.close()
    return [
        f"{lane.name} {sum(counts.get(state, 0) for state in lane.states)}"
        for lane in sm.LANES[:VISIBLE_LANES]
    ]


def filter_targets(db: Path, how_many: int) -> list[tuple[str, str]]:
    """Cards of the visible lanes to filter for: (what to type, the lane header then)."""
    lane_of = {state: lane for lane in sm.LANES[:VISIBLE_LANES] for state in lane.states}
    conn = sqlite3.connect(db)
    rows = conn.execute(
        # Generated titles only: the change measurement renamed some cards already.
        f"SELECT title, state FROM cards WHERE state IN ({','.join('?' * len(lane_of))}) "
        "AND title LIKE 'Card %:%'",
        tuple(lane_of),
    ).fetchall()
    conn.close()
    chosen = random.Random(5).sample(rows, min(how_many, len(rows)))
    # "card 123:" is one card's title only; the typed text is echoed in lower case, the
    # lane header is what proves the board itself was redrawn, filtered.
    return [
        (title.split(":")[0].lower() + ":", f"{lane_of[state].name} 1 ") for title, state in chosen
    ]


def measure_filter(pane: Pane, targets: list[tuple[str, str]]) -> tuple[list[float], int]:
    """`/`, then the text typed in one burst; until the board shows the card alone."""
    delays: list[float] = []
    missed = 0
    for typed, header in targets:
        pane.send_keys("/")
        time.sleep(0.3)
        pane.stream.expect(header)
        pressed = time.monotonic()
        pane.send_keys("-l", typed)
        seen = pane.stream.wait_for(header, FILTER_TIMEOUT)
        if seen is None:
            missed += 1
        else:
            delays.append((seen - pressed) * 1000)
        pane.send_keys("Escape")  # clears the filter
        time.sleep(0.7)
    return delays, missed


def measure_views(pane: Pane) -> dict[str, float]:
    """Each view's key, pressed on the board, until the view's header is drawn."""
    shown: dict[str, float] = {}
    for name, key, header in VIEWS:
        pane.stream.expect(header)
        pressed = time.monotonic()
        pane.send_keys(key)
        seen = pane.stream.wait_for(header, VIEW_TIMEOUT)
        shown[name] = float("nan") if seen is None else (seen - pressed) * 1000
        pane.send_keys("Escape" if key == "p" else "1")
        time.sleep(0.5)
    return shown


def measure(cached: Path, work: Path, args: argparse.Namespace) -> Figures:
    db = work / cached.name
    shutil.copyfile(cached, db)
    headers = lane_headers(db)
    paints = []
    views: dict[str, list[float]] = {name: [] for name, _, _ in VIEWS}
    for _ in range(args.starts):
        with app_in_tmux(db, work, socket=TMUX_SOCKET, ready=headers, settle=0, plain=True) as p:
            paints.append((p.ready_at - p.started) * 1000)
            time.sleep(1.0)  # the first load done and the heap settled, as a user would
            for name, delay in measure_views(p).items():
                views[name].append(delay)
    with app_in_tmux(db, work, socket=TMUX_SOCKET, ready=headers, plain=True) as pane:
        # Changes first: a filter leaves the selection on the card it found, and a lane
        # keeps its selected card in view, which could scroll new cards out of it.
        delays, missed = measure_latency(db, pane.stream, args.changes)
        filtered, filter_missed = measure_filter(pane, filter_targets(db, args.filters))
        rss, peak = pane.memory_kib("VmRSS"), pane.memory_kib("VmHWM")
    return Figures(
        first_paint_ms=statistics.median(paints),
        change_p50_ms=statistics.median(delays),
        change_p95_ms=percentile(delays, 0.95),
        missed=missed,
        rss_mib=rss / 1024,
        peak_mib=peak / 1024,
        filter_p50_ms=statistics.median(filtered) if filtered else float("nan"),
        filter_p95_ms=percentile(filtered, 0.95) if filtered else float("nan"),
        filter_missed=filter_missed,
        view_ms={name: statistics.median(delays) for name, delays in views.items()},
    )


def print_table(small: Figures, big: Figures, big_label: str) -> None:
    rows = (
        ("first full paint (ms)", "first_paint_ms"),
        ("change-to-screen p50 (ms)", "change_p50_ms"),
        ("change-to-screen p95 (ms)", "change_p95_ms"),
        ("changes never shown", "missed"),
        ("resident memory (MiB)", "rss_mib"),
        ("peak resident memory (MiB)", "peak_mib"),
        ("filter key-to-screen p50 (ms)", "filter_p50_ms"),
        ("filter key-to-screen p95 (ms)", "filter_p95_ms"),
        ("filters never shown", "filter_missed"),
    )
    print(f"{'':32}{f'small ({SMALL_CARDS} cards)':>20}{big_label:>20}{'big/small':>12}")
    lines = [(label, getattr(small, field), getattr(big, field)) for label, field in rows]
    lines += [
        (f"{name} key-to-screen (ms)", small.view_ms[name], big.view_ms[name])
        for name, _, _ in VIEWS
    ]
    for label, s, b in lines:
        ratio = f"{b / s:.2f}x" if isinstance(s, float) and s else ""
        print(f"{label:32}{s:>20.1f}{b:>20.1f}{ratio:>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in BIG.items():
        parser.add_argument(f"--{name}", type=int, default=default, help="big database")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "rmt-bench")
    parser.add_argument("--starts", type=int, default=3, help="launches timed for first paint")
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--filters", type=int, default=12)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed: apt-get install tmux")
    big_sizes = {name: getattr(args, name) for name in BIG}
    small_sizes = {
        name: max(1, count * SMALL_CARDS // big_sizes["cards"]) for name, count in big_sizes.items()
    }
    args.cache.mkdir(parents=True, exist_ok=True)
    small_db = cached_database(args.cache, small_sizes, args.seed)
    big_db = cached_database(args.cache, big_sizes, args.seed)
    print(f"terminal {SIZE[0]}x{SIZE[1]}; big: {big_sizes}; small: {small_sizes}")
    with tempfile.TemporaryDirectory(prefix="ringmaster-scale-bench-") as tmp:
        small = measure(small_db, Path(tmp), args)
        big = measure(big_db, Path(tmp), args)
    print_table(small, big, f"big ({big_sizes['cards']:,} cards)")


if __name__ == "__main__":
    main()
