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
- filter keystroke-to-screen: `/`, the start of a card's title ("card 123:") but its last
  key, and once that is shown and a typist's pause later, the last key; until the board
  shows that card alone in its lane;
- the same text typed at once (a paste, or keys faster than a frame), until the same;
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

from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.schema import schema_sql

TMUX_SOCKET = "ringmaster-scale-bench"
SMALL_CARDS = 200
# The lanes a 120-column terminal shows without scrolling.
VISIBLE_LANES = 5
FILTER_TIMEOUT = 5.0
# Between a typist's keys (about 60 words a minute).
KEYSTROKE_GAP = 0.2
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
    burst_p50_ms: float
    burst_p95_ms: float
    keystroke_p50_ms: float
    keystroke_p95_ms: float
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


@dataclass(frozen=True)
class FilterTarget:
    """A card to filter for: the text to type, and its lane's header before and after
    the text's last key (the start of the text matches more cards of the lane)."""

    typed: str
    before: str
    after: str


def filter_targets(db: Path, how_many: int) -> list[FilterTarget]:
    """Cards of the visible lanes whose title, typed but for its last key, still matches
    other cards of the lane: that last key changes the lane's count."""
    lane_of = {state: lane for lane in sm.LANES[:VISIBLE_LANES] for state in lane.states}
    conn = sqlite3.connect(db)
    titles = conn.execute(
        # Generated titles only: the change measurement renamed some cards already.
        f"SELECT title, state FROM cards WHERE state IN ({','.join('?' * len(lane_of))}) "
        "AND title LIKE 'Card %:%'",
        tuple(lane_of),
    ).fetchall()
    starts: dict[tuple[str, str], int] = {}  # (lane, "card 12") -> cards whose title starts so
    for title, state in titles:
        number = title.split(":")[0].removeprefix("Card ")
        for end in range(1, len(number) + 1):
            key = (lane_of[state].name, f"card {number[:end]}")
            starts[key] = starts.get(key, 0) + 1
    conn.close()
    # "card 123:" is one card's title only; the typed text is echoed in lower case, the
    # lane header is what proves the board itself was redrawn, filtered.
    candidates = []
    for title, state in titles:
        lane, start = lane_of[state].name, title.split(":")[0].lower()
        if starts[(lane, start)] > 1:
            candidates.append(
                FilterTarget(f"{start}:", f"{lane} {starts[(lane, start)]} ", f"{lane} 1 ")
            )
    return random.Random(5).sample(candidates, min(how_many, len(candidates)))


def measure_filter(
    pane: Pane, targets: list[FilterTarget], *, last_key_alone: bool
) -> tuple[list[float], int]:
    """`/`, then each target's text, until the board shows the card alone.

    `last_key_alone`: the text but its last key first; once that is on screen and a
    typist's pause later, the last key, timed alone. Otherwise the whole text in one burst.
    """
    delays: list[float] = []
    missed = 0
    for target in targets:
        pane.send_keys("/")
        time.sleep(0.3)
        if last_key_alone:
            seen = typed_until(pane, target.typed[:-1], target.before)
            if seen is not None:
                time.sleep(KEYSTROKE_GAP)
                seen = typed_until(pane, target.typed[-1], target.after)
        else:
            seen = typed_until(pane, target.typed, target.after)
        if seen is None:
            missed += 1
        else:
            delays.append(seen * 1000)
        pane.send_keys("Escape")  # clears the filter
        time.sleep(0.7)
    return delays, missed


def typed_until(pane: Pane, text: str, shown: str) -> float | None:
    """Seconds from typing `text` to `shown` drawn, or None if it never is."""
    pane.stream.expect(shown)
    pressed = time.monotonic()
    pane.send_keys("-l", text)
    seen = pane.stream.wait_for(shown, FILTER_TIMEOUT)
    return None if seen is None else seen - pressed


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
        targets = filter_targets(db, args.filters)
        keystrokes, keystroke_missed = measure_filter(pane, targets, last_key_alone=True)
        bursts, burst_missed = measure_filter(pane, targets, last_key_alone=False)
        rss, peak = pane.memory_kib("VmRSS"), pane.memory_kib("VmHWM")
    return Figures(
        first_paint_ms=statistics.median(paints),
        change_p50_ms=statistics.median(delays),
        change_p95_ms=percentile(delays, 0.95),
        missed=missed,
        rss_mib=rss / 1024,
        peak_mib=peak / 1024,
        keystroke_p50_ms=median(keystrokes),
        keystroke_p95_ms=percentile(keystrokes, 0.95) if keystrokes else float("nan"),
        burst_p50_ms=median(bursts),
        burst_p95_ms=percentile(bursts, 0.95) if bursts else float("nan"),
        filter_missed=keystroke_missed + burst_missed,
        view_ms={name: statistics.median(delays) for name, delays in views.items()},
    )


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def print_table(small: Figures, big: Figures, big_label: str) -> None:
    rows = (
        ("first full paint (ms)", "first_paint_ms"),
        ("change-to-screen p50 (ms)", "change_p50_ms"),
        ("change-to-screen p95 (ms)", "change_p95_ms"),
        ("changes never shown", "missed"),
        ("resident memory (MiB)", "rss_mib"),
        ("peak resident memory (MiB)", "peak_mib"),
        ("filter keystroke-to-screen p50 (ms)", "keystroke_p50_ms"),
        ("filter keystroke-to-screen p95 (ms)", "keystroke_p95_ms"),
        ("filter typed at once p50 (ms)", "burst_p50_ms"),
        ("filter typed at once p95 (ms)", "burst_p95_ms"),
        ("filters never shown", "filter_missed"),
    )
    print(f"{'':38}{f'small ({SMALL_CARDS} cards)':>20}{big_label:>20}{'big/small':>12}")
    lines = [(label, getattr(small, field), getattr(big, field)) for label, field in rows]
    lines += [
        (f"{name} key-to-screen (ms)", small.view_ms[name], big.view_ms[name])
        for name, _, _ in VIEWS
    ]
    for label, s, b in lines:
        ratio = f"{b / s:.2f}x" if isinstance(s, float) and s else ""
        print(f"{label:38}{s:>20.1f}{b:>20.1f}{ratio:>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in BIG.items():
        parser.add_argument(f"--{name}", type=int, default=default, help="big database")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "rmt-bench")
    parser.add_argument("--starts", type=int, default=3, help="launches timed for first paint")
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--filters", type=int, default=20)
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
