"""Notify commands for the tests (small scripts that record what they were given) and
waiting for files and processes."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# The notify command the tests give: it appends one record per run to its log, holding
# what it read on stdin and the whole command line it was started with.
RECORDER = """
import json, sys
data = sys.stdin.buffer.read().decode("utf-8")
with open(sys.argv[1], "a", encoding="utf-8") as log:
    log.write(json.dumps({"argv": sys.argv, "stdin": data}) + "\\n")
"""
# Fails with a message on stderr, after recording that it ran.
FAILING = (
    RECORDER
    + """
print("webhook said 503", file=sys.stderr)
sys.exit(3)
"""
)
# Starts a child that sleeps, records both pids, and waits for ever. A shell, not Python:
# it starts in milliseconds, well within the bounds (a second or more) the tests give it.
HANGING = 'sleep 600 & echo "$$ $!" >> "$1"; wait'


@dataclass
class Script:
    """A notify command: `command` to pass to --notify-command; `log` what it recorded."""

    command: str
    log: Path

    def records(self) -> list[dict[str, object]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text("utf-8").splitlines()]

    def payloads(self) -> list[dict[str, object]]:
        return [json.loads(str(record["stdin"])) for record in self.records()]

    def lines(self) -> list[str]:
        return self.log.read_text("utf-8").splitlines() if self.log.exists() else []


def make_script(tmp_path: Path, name: str, body: str) -> Script:
    path = tmp_path / f"{name}.py"
    path.write_text(body, encoding="utf-8")
    log = tmp_path / f"{name}.log"
    return Script(shlex.join([sys.executable, str(path), str(log)]), log)


def make_shell_script(tmp_path: Path, name: str, body: str) -> Script:
    log = tmp_path / f"{name}.log"
    return Script(shlex.join(["sh", "-c", body, name, str(log)]), log)


def wait_until(condition: Callable[[], object], timeout: float = 20.0) -> None:
    """Poll `condition` (a file written, a line printed) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        time.sleep(0.02)


def process_gone(pid: int) -> bool:
    """Ended: no such process, or a zombie waiting for its parent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"}


# Another process writing the database, as an orchestrator would: one decision or alert
# per run, in one transaction.
WRITER = """
import json, sqlite3, sys
table, row = sys.argv[2], json.loads(sys.argv[3])
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
conn.execute("BEGIN IMMEDIATE")
conn.execute(
    f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
    list(row.values()),
)
conn.execute("COMMIT")
"""


def write_from_another_process(db: Path, table: str, **row: object) -> None:
    subprocess.run(
        [sys.executable, "-c", WRITER, str(db), table, json.dumps(row)], check=True, timeout=60
    )


def new_decision(db: Path, decision_id: str, summary: str) -> None:
    write_from_another_process(
        db,
        "decisions",
        id=decision_id,
        summary=summary,
        decision_type="architecture",
        requested_by="agent-1",
        options=json.dumps(["yes", "no"]),
        default_option="no",
        timeout_minutes=5,
        status="pending",
    )
