"""What each command does, once the command line is parsed (cli.py): open the dashboard,
init, status, watch, simulate, demo, backup, prune, check, push-triggers.

Every failure a user can cause ends in one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ringmaster_tui.config import Settings, SettingsError, data_dir, settings_from_environment
from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.domain.timefmt import utc_now
from ringmaster_tui.domain.workflow import HIDDEN_LANE
from ringmaster_tui.engines import OpenError, change_notices
from ringmaster_tui.live.early_read import start_early_read
from ringmaster_tui.logs import LogFileError, setup_logging
from ringmaster_tui.notify.choices import STYLES as TERMINAL_STYLES
from ringmaster_tui.sources.base import NoRetention, SimulationRequest, Source
from ringmaster_tui.sources.registry import (
    KINDS,
    check_database,
    create_source_database,
    kind_named,
    open_source,
)
from ringmaster_tui.sources.retention_policy import RetentionPolicy

if TYPE_CHECKING:
    from ringmaster_tui.notify.command import NotifyCommand

EXIT_FAILED = 1

log = logging.getLogger(__name__)


class CommandError(Exception):
    """A failure to report as one line, without a traceback."""


def failure_line(exc: BaseException) -> str | None:
    """The one line a failure the user can cause is reported as; None for a bug (its
    traceback is shown)."""
    if isinstance(exc, OpenError | CommandError | LogFileError):
        log.error("%s", exc)
        return str(exc)
    if isinstance(exc, sqlite3.Error | sa.exc.SQLAlchemyError):
        log.exception("database error")
        return f"database error: {_first_line(exc)}"
    return None


def _notify_command(settings: Settings) -> NotifyCommand | None:
    """The command, parsed before anything starts: a typo is one line, not a surprise."""
    if settings.notify_command is None:
        return None
    from ringmaster_tui.notify.command import BadCommand, NotifyCommand

    try:
        return NotifyCommand.parse(settings.notify_command, settings.notify_timeout)
    except BadCommand as exc:
        raise CommandError(str(exc)) from exc


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).splitlines()[0]


def settings_from(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "db", None):
        overrides["db"] = str(args.db)
    if getattr(args, "read_only", False):
        overrides["read_only"] = True
    if getattr(args, "user", None):
        overrides["user"] = args.user
    if getattr(args, "no_bell", False):
        overrides["bell"] = False
    if getattr(args, "repo", None):
        overrides["repos"] = dict(args.repo)
    for name in ("notify_command", "notify_severity", "notify_timeout"):
        if getattr(args, name, None):
            overrides[name] = getattr(args, name)
    style = getattr(args, "notify_terminal_style", None)
    if style or getattr(args, "notify_terminal", False):
        overrides["notify_terminal"] = style or TERMINAL_STYLES[0]
    try:
        return settings_from_environment(**overrides)
    except SettingsError as exc:
        raise CommandError(str(exc)) from exc


def _open(settings: Settings, kind: str | None = None) -> Source:
    return open_source(
        settings.db,
        read_only=settings.read_only,
        user=settings.user,
        kind=kind,
        repositories=settings.repos,
    )


def cmd_open(args: argparse.Namespace) -> int:
    setup_logging(args.log)
    settings = settings_from(args)
    _notify_command(settings)
    return _run_dashboard(_open(settings, args.source), settings, quit_after=None)


# Textual paints on a fixed grid of frames (60 a second by default): what a key or a
# commit changes waits for the next one, 8 ms on average and up to 17. At 120 that wait
# halves; the frames painted stay those something changed for.
DASHBOARD_FRAME_RATE = 120


def use_dashboard_frame_rate() -> None:
    """Before Textual is imported (it reads TEXTUAL_FPS then); a user's own setting wins."""
    os.environ.setdefault("TEXTUAL_FPS", str(DASHBOARD_FRAME_RATE))


def _run_dashboard(source: Source, settings: Settings, *, quit_after: float | None) -> int:
    log.info("dashboard on %s as %s", source.label, settings.user)
    # The first snapshot is read while Textual loads and lays out the screen.
    early = start_early_read(source, settings, utc_now)
    use_dashboard_frame_rate()
    # Imported here: `status`, `simulate` and the others start without loading Textual.
    from ringmaster_tui.ui.app import run_app

    try:
        return run_app(source, settings, quit_after=quit_after, early_read=early)
    finally:
        source.close()
        log.info("dashboard closed")


def cmd_init(args: argparse.Namespace) -> int:
    kind = kind_named(args.source)
    label = create_source_database(args.db, kind)
    print(f"Created {label} with the {kind.title} schema.")
    return 0


def status_object(snapshot: Snapshot, source: Source) -> dict[str, Any]:
    """What `status --json` prints: counts by lane and state, and the header's totals."""
    totals = snapshot.totals
    return {
        "database": source.label,
        "source": source.kind,
        "writable": source.writable,
        "lanes": {lane.name: lane.count for lane in snapshot.lanes if lane.name != HIDDEN_LANE},
        "states": dict(sorted(snapshot.states.items())),
        "cards": totals.cards,
        "active_loops": totals.active_loops,
        "unresolved_errors": totals.unresolved_errors,
        "pending_decisions": totals.pending_decisions,
        "unacknowledged_alerts": totals.unacknowledged_alerts,
        "critical_alerts": totals.critical_alerts,
        "counts": dict(sorted(snapshot.counts.items())),
        "unavailable": list(snapshot.unavailable),
        "warning": source.warning,
    }


def cmd_status(args: argparse.Namespace) -> int:
    source = _open(settings_from(args), args.source)
    try:
        print_status(source, as_json=args.json)
    finally:
        source.close()
    return 0


def print_status(source: Source, *, as_json: bool) -> None:
    # Archived cards are counted only when shown: their lane is counted, not printed. No
    # card and no list is read (per_lane 0, no lists): the counts and totals are apart.
    query = BoardQuery(per_lane=0, list_limit=1, show_archived=True, lists=frozenset())
    snapshot = source.snapshot(query, utc_now())
    status = status_object(snapshot, source)
    if as_json:
        print(json.dumps(status, indent=2))
        return
    print(f"{status['database']}  ({'read-write' if status['writable'] else 'read-only'})")
    if status["warning"]:
        print(f"WARNING: {status['warning']}")
    print("  ".join(f"{lane} {count}" for lane, count in status["lanes"].items()))
    # A count this kind of database has no such thing for (None) is left out.
    parts = [
        f"{label} {status[key]}"
        for label, key in (
            ("active loops", "active_loops"),
            ("unresolved errors", "unresolved_errors"),
            ("pending decisions", "pending_decisions"),
            ("unacknowledged alerts", "unacknowledged_alerts"),
        )
        if status[key] is not None
    ]
    if status["critical_alerts"] is not None and status["unacknowledged_alerts"] is not None:
        parts[-1] += f" ({status['critical_alerts']} critical)"
    parts += [f"{name.replace('_', ' ')} {n}" for name, n in status["counts"].items()]
    print(" · ".join(parts), flush=True)
    for missing in status["unavailable"]:
        kind = "column" if "." in missing else "table"
        print(f"(no {missing} {kind} in this database)")


def cmd_watch(args: argparse.Namespace) -> int:
    # Imported here, as the dashboard is: the other commands start without Rich.
    from ringmaster_tui.notify.notifier import NoNotifiedViews
    from ringmaster_tui.notify.watch import watch

    setup_logging(args.log)
    settings = settings_from(args).model_copy(update={"read_only": True})
    command = _notify_command(settings)
    # Read-only: watching never writes to the orchestrator's database.
    source = _open(settings, args.source)
    try:
        return watch(
            source,
            severity=settings.notify_severity,
            command=command,
            out=sys.stdout,
            err=sys.stderr,
        )
    except NoNotifiedViews as exc:
        raise CommandError(str(exc)) from exc
    finally:
        source.close()


def cmd_simulate(args: argparse.Namespace) -> int:
    setup_logging(args.log)
    if args.rate <= 0:
        raise CommandError("--rate must be a positive number of changes per second")
    path = Path(args.db).expanduser()
    repos = args.repos or path.parent / f"{path.stem}-repos"
    if not path.exists():
        kind = kind_named(args.source or KINDS[0].name)
        kind.create_demo(path, seed=args.seed or 7, repo_root=repos)
        print(f"Created a {kind.title} demo database at {path}")
    else:
        # Fail here, with a clear line, on anything that is not a database of a known kind.
        found = open_source(path, user="simulator", kind=args.source)
        found.close()
        kind = kind_named(found.kind)
    stop = threading.Event()
    reports: list[str] = []
    failures: list[Exception] = []
    request = SimulationRequest(
        rate=args.rate, stop=stop, duration=args.duration, seed=args.seed, repo_root=repos
    )

    def simulate() -> None:
        try:
            reports.append(kind.simulate(path, request))
        except Exception as exc:
            # Kept for the main thread to report as one line; the traceback goes to --log.
            log.exception("the simulator stopped on an error")
            failures.append(exc)

    # The simulator runs on a thread so Ctrl-C here can ask it to stop between
    # transactions and still print what it did.
    runner = threading.Thread(target=simulate, name="simulator", daemon=True)
    # Installed before "Simulating" is printed: a Ctrl-C from then on stops it cleanly.
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        print(f"Simulating at {args.rate:g} changes/s on {path} (Ctrl-C stops)", flush=True)
        log.info("simulating at %g changes/s on %s (seed %s)", args.rate, path, args.seed)
        runner.start()
        while runner.is_alive():
            runner.join(timeout=0.2)
    finally:
        signal.signal(signal.SIGINT, previous)
    if failures:
        where = f"its traceback is in {args.log}" if args.log else "--log FILE keeps its traceback"
        raise CommandError(f"the simulator stopped on an error: {_reason(failures[0])} ({where})")
    log.info("simulator done: %s", reports[0])
    print(f"Done: {reports[0]}")
    return 0


def _reason(exc: Exception) -> str:
    """The first line of what went wrong, or the kind of error when it says nothing."""
    lines = str(getattr(exc, "orig", None) or exc).splitlines()
    return lines[0] if lines else type(exc).__name__


def demo_database_path(requested: Path | None) -> Path:
    return requested or data_dir() / "demo.db"


def fresh_demo_database(path: Path, seed: int, kind_name: str = KINDS[0].name) -> Path:
    """Replace any previous demo database at `path` (and its repositories) with a new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    repos = path.parent / f"{path.stem}-repos"
    shutil.rmtree(repos, ignore_errors=True)
    kind_named(kind_name).create_demo(path, seed=seed, repo_root=repos)
    return repos


def cmd_demo(args: argparse.Namespace) -> int:
    setup_logging(args.log)
    _notify_command(settings_from(args))
    path = demo_database_path(args.db)
    repos = fresh_demo_database(path, args.seed, args.source)
    print(f"Demo database: {path} (Ctrl-C stops)", flush=True)
    command = [sys.executable, "-m", "ringmaster_tui", "simulate", str(path)]
    command += ["--rate", str(args.rate), "--repos", str(repos), "--source", args.source]
    if args.log:
        # Its output goes nowhere (the dashboard owns the terminal): what it did, and
        # what stopped it, go to the same log, appended by two processes.
        command += ["--log", str(args.log)]
    simulator = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        settings = settings_from(args).model_copy(update={"db": str(path)})
        return _run_dashboard(_open(settings, args.source), settings, quit_after=args.duration)
    finally:
        # SIGINT lets the simulator finish its transaction and any git commit it is in.
        simulator.send_signal(signal.SIGINT)
        try:
            simulator.wait(timeout=5)
        except subprocess.TimeoutExpired:
            simulator.kill()


def cmd_backup(args: argparse.Namespace) -> int:
    source = open_source(args.db, read_only=True, user="backup", kind=args.source)
    try:
        result = source.backup(args.dest, force=args.force)
    finally:
        source.close()
    print(f"Backed up {source.label} to {result.destination} ({result.pages} pages).")
    if result.integrity != "ok":
        print(f"The copy FAILED its integrity check: {result.integrity}", file=sys.stderr)
        return EXIT_FAILED
    print("The copy passed PRAGMA integrity_check.")
    return 0


def cmd_prune(args: argparse.Namespace) -> int:
    policy = RetentionPolicy(
        archive_after_days=args.archive_after_days,
        keep_snapshots=args.keep_snapshots,
        metrics_days=args.metrics_days,
        heartbeat_minutes=args.heartbeat_minutes,
    )
    source = open_source(args.db, read_only=not args.apply, user="retention", kind=args.source)
    try:
        if args.apply and not source.writable:
            raise CommandError(f"{source.label}: {source.read_only_reason}; nothing was pruned")
        counts = source.prune(policy, utc_now(), apply=args.apply)
    except NoRetention as exc:
        raise CommandError(f"{source.label}: {exc}") from exc
    finally:
        source.close()
    print("Done:" if args.apply else "Dry run (add --apply to do it):")
    for kind, count in counts.items():
        print(f"  {kind}: {count}")
    return 0


def cmd_push_triggers(args: argparse.Namespace) -> int:
    print(change_notices(args.db, install=args.action == "install"))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    report = check_database(args.db, kind=args.source)
    if args.json:
        print(json.dumps({**report.__dict__, "healthy": report.healthy}, indent=2))
    else:
        print(f"integrity: {', '.join(report.integrity)}")
        print(f"foreign keys: {len(report.foreign_key_problems)} problem(s)")
        for problem in report.foreign_key_problems:
            print(f"  {problem}")
        print(f"WAL: {report.wal_bytes} bytes")
        for table, count in report.row_counts.items():
            print(f"  {table}: {count} rows")
        for item in report.missing:
            print(f"missing: {item}")
        for item in report.extra:
            print(f"not in the schema: {item}")
        print("healthy" if report.healthy else "NOT healthy")
    return 0 if report.healthy else EXIT_FAILED
