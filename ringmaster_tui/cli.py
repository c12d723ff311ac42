"""The command line: `ringmaster-tui [DB]` opens the dashboard; a first word naming a
command runs it instead (commands.py does the work).

Only the parsers live here, on the standard library and a few constants: `--help` and a
mistyped flag answer at once, and the rest is imported once it is known what to run.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ringmaster_tui.notify.choices import DEFAULT_SEVERITY, DEFAULT_TIMEOUT, SEVERITIES
from ringmaster_tui.notify.choices import STYLES as TERMINAL_STYLES
from ringmaster_tui.sources.names import KIND_NAMES
from ringmaster_tui.sources.retention_policy import RetentionPolicy

PROG = "ringmaster-tui"
EXIT_FAILED = 1


def _common_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--read-only", action="store_true", help="never write to the database")
    parser.add_argument("--user", help="who acknowledges and decides (default: login name)")
    parser.add_argument(
        "--no-bell",
        action="store_true",
        help="no terminal bell for a new critical alert or decision",
    )


def _source_flag(parser: argparse.ArgumentParser, *, default: str | None = None) -> None:
    names = list(KIND_NAMES)
    parser.add_argument(
        "--source",
        choices=names,
        default=default,
        metavar="KIND",
        help=f"the kind of database ({', '.join(names)}; "
        + (f"default: {default})" if default else "default: told by its tables)"),
    )


def _notify_flags(parser: argparse.ArgumentParser, *, terminal: bool) -> None:
    parser.add_argument(
        "--notify-command",
        metavar="CMD",
        help="run CMD for each new pending decision and alert, its JSON on stdin "
        "(split like shell words, run without a shell; see docs/notifications.md)",
    )
    parser.add_argument(
        "--notify-timeout",
        type=_notify_seconds,
        metavar="SECONDS",
        help=f"kill the notify command after this long (default: {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--notify-severity",
        choices=SEVERITIES,
        help=f"the mildest alert severity notified (default: {DEFAULT_SEVERITY})",
    )
    if terminal:
        parser.add_argument(
            "--notify-terminal",
            action="store_true",
            help="terminal notifications (OSC 9) for the same events as they arrive",
        )
        parser.add_argument(
            "--notify-terminal-style",
            choices=TERMINAL_STYLES,
            help="OSC 9 (iTerm2, WezTerm, kitty, Windows Terminal; the default) or OSC 777 "
            "(urxvt, foot, VTE)",
        )


def _notify_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 3600")
    return seconds


def _repository(text: str) -> tuple[str, str]:
    name, equals, path = text.partition("=")
    if not equals or not name.strip() or not path.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=PATH (say, backend=~/src/api)")
    return name.strip(), str(Path(path.strip()).expanduser())


def _repo_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repo",
        type=_repository,
        action="append",
        metavar="NAME=PATH",
        help="a local clone of the repository the database calls NAME (or PROJECT/NAME), "
        "for reviewing commits where the database records only URLs; repeatable",
    )


def _log_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log",
        type=Path,
        metavar="FILE",
        help="write what the app does and every error it catches to FILE (for bug reports)",
    )


def _open_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="A terminal dashboard for AI coding-loop orchestrators.",
        epilog="commands: init, status, watch, simulate, demo, backup, prune, check, "
        "push-triggers "
        "(`ringmaster-tui COMMAND --help`)",
    )
    parser.add_argument(
        "db",
        nargs="?",
        help="database path or sqlite:/// URL (default: $RINGMASTER_DB or ~/.ringmaster/data.db)",
    )
    _common_flags(parser)
    _source_flag(parser)
    _repo_flag(parser)
    _notify_flags(parser, terminal=True)
    _log_flag(parser)
    return parser


def _command_parsers() -> dict[str, argparse.ArgumentParser]:
    init = argparse.ArgumentParser(prog=f"{PROG} init", description="create a new database")
    init.add_argument("db", help="path of the database to create")
    _source_flag(init, default=KIND_NAMES[0])

    status = argparse.ArgumentParser(prog=f"{PROG} status", description="print a summary")
    status.add_argument("db", nargs="?", help="database path (default: as for opening)")
    status.add_argument("--json", action="store_true", help="one JSON object")
    _common_flags(status)
    _source_flag(status)

    watch = argparse.ArgumentParser(
        prog=f"{PROG} watch",
        description="no UI: print a line for each new pending decision and alert, "
        "run --notify-command for each; stops on SIGTERM or Ctrl-C",
    )
    watch.add_argument("db", nargs="?", help="database path (default: as for opening)")
    _notify_flags(watch, terminal=False)
    _source_flag(watch)
    _log_flag(watch)

    simulate = argparse.ArgumentParser(
        prog=f"{PROG} simulate", description="write to a database as a live orchestrator would"
    )
    simulate.add_argument("db", help="database to write to (created with demo data if missing)")
    simulate.add_argument("--rate", type=float, default=5.0, help="changes per second")
    simulate.add_argument("--duration", type=float, help="stop after this many seconds")
    simulate.add_argument("--seed", type=int, help="seed for a repeatable run")
    simulate.add_argument("--repos", type=Path, help="folder for the demo git repositories")
    _source_flag(simulate)
    _log_flag(simulate)

    demo = argparse.ArgumentParser(
        prog=f"{PROG} demo", description="a fresh demo database, a live simulator, the dashboard"
    )
    demo.add_argument("--db", type=Path, help="where to make the demo database")
    demo.add_argument("--rate", type=float, default=3.0, help="simulator changes per second")
    demo.add_argument("--seed", type=int, default=7, help="seed for the demo data")
    demo.add_argument("--duration", type=float, help="stop after this many seconds")
    _common_flags(demo)
    _source_flag(demo, default=KIND_NAMES[0])
    _notify_flags(demo, terminal=True)
    _log_flag(demo)
    backup = argparse.ArgumentParser(
        prog=f"{PROG} backup", description="a consistent copy, taken while loops keep writing"
    )
    backup.add_argument("db", help="database to copy")
    backup.add_argument("dest", type=Path, help="where to write the copy")
    backup.add_argument("--force", action="store_true", help="overwrite DEST if it exists")
    _source_flag(backup)

    prune = argparse.ArgumentParser(
        prog=f"{PROG} prune", description="apply the retention policy (dry run by default)"
    )
    prune.add_argument("db", help="database to prune")
    mode = prune.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="only say what would go (default)")
    mode.add_argument("--apply", action="store_true", help="do it, in one transaction")
    defaults = RetentionPolicy()
    prune.add_argument("--archive-after-days", type=int, default=defaults.archive_after_days)
    prune.add_argument("--keep-snapshots", type=int, default=defaults.keep_snapshots)
    prune.add_argument("--metrics-days", type=int, default=defaults.metrics_days)
    prune.add_argument("--heartbeat-minutes", type=int, default=defaults.heartbeat_minutes)
    _source_flag(prune)

    check = argparse.ArgumentParser(
        prog=f"{PROG} check", description="integrity, foreign keys, WAL size, schema"
    )
    push_triggers = argparse.ArgumentParser(
        prog=f"{PROG} push-triggers",
        description="PostgreSQL: install or remove triggers that push each commit to "
        "dashboards (LISTEN/NOTIFY); without them dashboards poll and change nothing",
    )
    push_triggers.add_argument("action", choices=["install", "remove"])
    push_triggers.add_argument("db", help="postgresql:// URL of the database")

    check.add_argument("db", help="database to check")
    check.add_argument("--json", action="store_true", help="one JSON object")
    _source_flag(check)
    return {
        "init": init,
        "status": status,
        "watch": watch,
        "simulate": simulate,
        "demo": demo,
        "backup": backup,
        "prune": prune,
        "check": check,
        "push-triggers": push_triggers,
    }


# The command words, and the function of commands.py each runs.
COMMANDS: dict[str, str] = {
    "init": "cmd_init",
    "status": "cmd_status",
    "watch": "cmd_watch",
    "simulate": "cmd_simulate",
    "demo": "cmd_demo",
    "backup": "cmd_backup",
    "prune": "cmd_prune",
    "check": "cmd_check",
    "push-triggers": "cmd_push_triggers",
}


# The commands that open the dashboard (they run with the collector paused until its
# first screen is painted).
DASHBOARD_COMMANDS = frozenset({"cmd_open", "cmd_demo"})


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in COMMANDS:
        parsed = _command_parsers()[args[0]].parse_args(args[1:])
        function = COMMANDS[args[0]]
    else:
        parsed = _open_parser().parse_args(args)
        function = "cmd_open"
    try:
        # Imported once the arguments are good: all of the engines and the sources. The
        # garbage collector waits meanwhile: imports make many objects and no garbage,
        # and its passes over them took a tenth of the start. The dashboard lets it run
        # again once its first screen is up (ui/app.py, settle_heap).
        gc.disable()
        from ringmaster_tui import commands

        if function not in DASHBOARD_COMMANDS:
            if argv is None:  # this process's own command: what was imported stays
                gc.freeze()  # and its first pass would scan every import (30 ms)
            gc.enable()
        run: Callable[[argparse.Namespace], int] = getattr(commands, function)
        return run(parsed)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from ringmaster_tui.commands import failure_line

        line = failure_line(exc)
        if line is None:
            raise
        print(f"{PROG}: {line}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        gc.enable()  # however the command ended
