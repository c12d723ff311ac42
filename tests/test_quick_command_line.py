"""The command line answers `--help` and a mistyped flag without importing the engines,
the sources or the UI: those come once it is known what to run. The names `--source`
accepts are the registry's kinds, in its order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ringmaster_tui.sources.names import KIND_NAMES
from ringmaster_tui.sources.registry import KINDS, create_source_database

# What answering the help must not import (each costs tens of milliseconds or more).
HEAVY = ("sqlalchemy", "pydantic", "pydantic_settings", "textual", "rich", "psycopg")
PROBE = """
import json, sys
from ringmaster_tui.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted(name for name in sys.modules if name.split(".")[0] in {heavy!r})
sys.stderr.write("\\n" + json.dumps(sorted(set(n.split(".")[0] for n in heavy))) + "\\n")
"""


def test_the_source_names_are_the_registrys_kinds() -> None:
    assert tuple(kind.name for kind in KINDS) == KIND_NAMES


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["status", "--help"], ["demo", "--help"], ["prune", "--help"], ["--bogus"]],
)
def test_help_and_usage_errors_import_nothing_heavy(argv: list[str]) -> None:
    probe = PROBE.replace("{heavy!r}", repr(set(HEAVY)))
    done = subprocess.run(
        [sys.executable, "-c", probe, *argv], capture_output=True, text=True, timeout=60
    )
    imported = json.loads(done.stderr.strip().splitlines()[-1])
    assert imported == []
    assert "ringmaster-tui" in done.stdout + done.stderr  # the help, or the usage line


def test_a_heavy_command_still_runs_after_the_quick_parse() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ringmaster_tui", "status", "/nonexistent/x.db"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("ringmaster-tui: ") and "Traceback" not in done.stderr


# What `status` and `check` do not need: the UI, the change feed's watcher (watchfiles
# brings anyio), and the PostgreSQL driver for a SQLite file.
NOT_FOR_A_REPORT = ("textual", "rich", "watchfiles", "anyio", "psycopg")


@pytest.mark.parametrize("command", ["status", "check"])
def test_status_and_check_import_only_what_they_report_with(command: str, tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    create_source_database(str(db), KINDS[0])
    probe = PROBE.replace("{heavy!r}", repr(set(NOT_FOR_A_REPORT) | {"sqlalchemy"}))
    done = subprocess.run(
        [sys.executable, "-c", probe, command, str(db)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    imported = json.loads(done.stderr.strip().splitlines()[-1])
    assert imported == ["sqlalchemy"]  # the probe sees imports: the report needs this one
