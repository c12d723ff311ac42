"""How fast the dashboard and the commands start, against this machine's floor.

    python bench/startup_bench.py [--runs 5]

Prints, as medians of --runs:
- first full paint of the demo board at 120x40 (every lane in the strip, the footer),
  from the command being sent to a tmux pane, beside a trivial Textual app started the
  same way (the floor), and their ratio;
- `--help`, `status` and `check` on the demo database, beside `python -c pass` and beside
  importing the libraries they stand on (SQLAlchemy, a pydantic model).

The package's bytecode is compiled first, as `pip install` does: a run with
PYTHONDONTWRITEBYTECODE set (or a checkout never run) would otherwise compile every
module from source at each start.
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import terminal_driver
from terminal_driver import app_in_tmux

from ringmaster_tui.sources.ringmaster.sim.demo import create_demo_database

SOCKET = "ringmaster-startup-bench"
FLOOR_APP = """
from textual.app import App
from textual.widgets import Footer, Label
class Floor(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield Label("FLOOR" + " READY")  # not the command line's own text
        yield Footer()
Floor().run()
"""
LIBRARIES = """
import gc
gc.disable()  # as the commands import (cli.py)
import sqlalchemy
from pydantic import BaseModel
class Model(BaseModel):
    x: int
Model(x=1)
"""


def first_paint(db: Path, work: Path, command: list[str] | None, ready: tuple[str, ...]) -> float:
    with app_in_tmux(
        db, work, socket=SOCKET, ready=ready, settle=0.0, plain=True, command=command
    ) as pane:
        return pane.ready_at - pane.started


def command_time(argv: list[str]) -> float:
    started = time.monotonic()
    subprocess.run(argv, check=True, capture_output=True)
    return time.monotonic() - started


def median_of(runs: int, measure: object) -> float:
    assert callable(measure)
    return statistics.median(measure() for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    package = Path(__file__).resolve().parent.parent / "ringmaster_tui"
    compileall.compile_dir(package, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        db = work / "demo.db"
        create_demo_database(db, seed=7, repo_root=work / "repos")
        python = [sys.executable]
        floor = median_of(
            args.runs,
            lambda: first_paint(db, work, [*python, "-c", FLOOR_APP], ("FLOOR READY", "palette")),
        )
        # "↻" is on cards alone (a loop iteration): the lanes are filled, not only laid out.
        board = median_of(
            args.runs, lambda: first_paint(db, work, None, ("FAILED", "palette", "↻"))
        )
        print(f"first paint at {terminal_driver.SIZE[0]}x{terminal_driver.SIZE[1]}:")
        print(f"  trivial Textual app {floor:.2f} s, demo board {board:.2f} s")
        print(f"  ratio {board / floor:.2f}x the floor, {board - floor:+.2f} s")
        bare = median_of(args.runs, lambda: command_time([*python, "-c", "pass"]))
        print(f"python -c pass: {bare:.3f} s")
        # The libraries every database command stands on (DESIGN.md: SQLAlchemy for all
        # access, pydantic for the snapshot), imported and nothing else.
        libraries = median_of(args.runs, lambda: command_time([*python, "-c", LIBRARIES]))
        print(f"SQLAlchemy and a pydantic model alone: {libraries:.3f} s")
        tool = [*python, "-m", "ringmaster_tui"]
        for name, argv in (
            ("--help", [*tool, "--help"]),
            ("status", [*tool, "status", str(db)]),
            ("check", [*tool, "check", str(db)]),
        ):
            took = median_of(args.runs, lambda argv=argv: command_time(argv))
            print(
                f"{name}: {took:.3f} s ({took - bare:+.3f} s over python -c pass,"
                f" {took - libraries:+.3f} s over the libraries)"
            )


if __name__ == "__main__":
    main()
