"""The dashboard and the read commands never damage the database they watch.

Real files, real second processes, a real read-only mount and a real full disk:
- reading never writes: the file stays byte-identical and keeps its journal mode;
- a backup moved over the open database is never paired with the old file's -wal;
- committed data that cannot be read is said to be missing, not shown as current;
- a full disk and a file without read permission get their own clear message.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from ringmaster_tui.engines.errors import DiskFullError
from ringmaster_tui.engines.sqlite.engine import open_sqlite
from ringmaster_tui.engines.sqlite.feed import SqliteChangeFeed
from ringmaster_tui.engines.sqlite.files import StaleFilesError
from ringmaster_tui.sources.registry import open_source
from tests.builders import build_standard_board
from tests.hardening.pty_session import TerminalSession
from tests.test_status import run_cli

# An orchestrator: opens the database, commits `commits` transactions of 2 KB each (a
# -wal of several MB), prints "done" and closes cleanly, or waits for stdin to close
# when asked to stay (its connection, and so its -wal, stay open meanwhile).
ORCHESTRATOR = """
import sqlite3, sys
path, commits, stay = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "stay"
conn = sqlite3.connect(path, isolation_level=None, timeout=10)
conn.execute("PRAGMA wal_autocheckpoint = 0")  # as a busy loop's -wal grows between checkpoints
for n in range(1, commits + 1):
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "UPDATE cards SET title = ?, description = ? WHERE id = 'card-3'",
        (f"Orchestrated {n}", "x" * 2048),
    )
    conn.execute("COMMIT")
print("done", flush=True)
if stay:
    sys.stdin.read()
conn.close()
"""

# A writer that commits one new card and is killed before it can close: its -wal holds
# the commit, and nothing has copied it into the main file.
KILLED_WRITER = """
import os, signal, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA wal_autocheckpoint = 0")
conn.execute(
    "INSERT INTO cards (id, project_id, title, state, task_prompt) "
    "VALUES ('card-new', 'project-alpha', 'Committed before the crash', 'draft', 'p')"
)
os.kill(os.getpid(), signal.SIGKILL)
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


def read_only_dump(path: Path) -> list[str]:
    """Every row as SQL, read through a connection that cannot checkpoint."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return list(conn.iterdump())


def journal_mode(path: Path) -> str:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def rollback_journal_board(path: Path) -> Path:
    """The standard board in the rollback-journal mode a network-file-system setup needs."""
    build_standard_board(path).close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    assert journal_mode(path) == "delete"
    return path


def orchestrate(path: Path, commits: int, *, stay: bool = False) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", ORCHESTRATOR, str(path), str(commits), "stay" if stay else "go"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "done"
    return process


def move_away_the_old_side_files(db: Path) -> None:
    """What the dashboard tells the user to do once the old file's writer is gone."""
    for suffix in ("-wal", "-shm"):
        old = db.with_name(db.name + suffix)
        if old.exists():
            old.rename(db.with_name("old" + suffix))


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Poll `condition` (a condition, not a duration: the bound is only a give-up)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


# --- reading never writes ---


READ_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("status",),
    ("status", "--json"),
    ("check",),
    ("prune",),
)


@pytest.mark.parametrize("mode", ["wal", "delete"])
def test_read_commands_leave_the_file_byte_identical(tmp_path: Path, mode: str) -> None:
    db = tmp_path / "board.db"
    if mode == "wal":
        build_standard_board(db).close()
    else:
        rollback_journal_board(db)
    before, rows = digest(db), read_only_dump(db)

    for command in READ_COMMANDS:
        result = run_cli(command[0], db, *command[1:])
        assert "Traceback" not in result.stderr, result.stderr
        assert digest(db) == before, f"`{' '.join(command)}` changed the file"
    result = run_cli("backup", db, tmp_path / "copy.db")
    assert result.returncode == 0, result.stderr

    assert digest(db) == before
    assert read_only_dump(db) == rows
    assert journal_mode(db) == mode, "a reader must not change the journal mode"
    if mode == "delete":
        assert side_files(db) == [], "a rollback-journal database gains no -wal or -shm"


def test_the_dashboard_keeps_a_rollback_journal_database_as_it_is(tmp_path: Path) -> None:
    db = rollback_journal_board(tmp_path / "board.db")
    before = digest(db)

    with TerminalSession(db, size=(120, 40)) as app:
        app.wait_for("Sketch the API")
        assert app.quit() == 0

    assert digest(db) == before
    assert journal_mode(db) == "delete"
    assert side_files(db) == []


def test_a_write_keeps_the_journal_mode_the_orchestrator_chose(tmp_path: Path) -> None:
    db = rollback_journal_board(tmp_path / "board.db")
    source = open_source(db, user="ann")
    try:
        outcome = source.transition("card-3", "draft", "start_planning", "planning")
    finally:
        source.close()

    assert outcome.ok, outcome.message
    assert journal_mode(db) == "delete"
    assert side_files(db) == []


def test_an_empty_file_is_refused_and_stays_empty(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    db.touch()

    for command in (("status",), ("status", "--json"), ("check",)):
        result = run_cli(command[0], db, *command[1:])
        assert result.returncode == 1
        assert "is an empty file, not a database yet" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    with TerminalSession(db) as app:
        assert app.process.wait(timeout=30) == 1

    assert db.stat().st_size == 0
    assert side_files(db) == []


# --- no connection keeps an orchestrator's -wal alive ---


def test_an_orchestrator_that_closes_takes_its_wal_with_it(tmp_path: Path) -> None:
    """With the dashboard's change feed running, the writer's close is the last one: SQLite
    copies its -wal back and removes it, as it does with no dashboard at all."""
    db = tmp_path / "board.db"
    build_standard_board(db).close()
    database = open_sqlite(db)
    feed = SqliteChangeFeed(database, lambda: None)
    feed.start()
    try:
        orchestrator = orchestrate(db, 2000)
        assert orchestrator.wait(timeout=60) == 0

        assert not (tmp_path / "board.db-wal").exists()
    finally:
        feed.stop()
        database.dispose()


# --- a file replaced while open ---


def test_a_backup_moved_over_the_open_dashboard_is_left_as_it_was(tmp_path: Path) -> None:
    """The reported case: the dashboard open, an orchestrator writes and exits cleanly,
    then a backup that passed its integrity check is moved into place."""
    db = tmp_path / "x.db"
    build_standard_board(db).close()
    backup = tmp_path / "backup.db"
    build_standard_board(backup).close()
    with closing(sqlite3.connect(backup)) as conn:
        conn.execute("UPDATE cards SET title = 'Restored copy' WHERE id = 'card-3'")
        conn.commit()
        conn.execute("PRAGMA journal_mode = DELETE")  # one file, as a backup is kept
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored = digest(backup)

    with TerminalSession(db, size=(120, 40)) as app:
        app.wait_for("Sketch the API")
        orchestrator = orchestrate(db, 2000)
        assert orchestrator.wait(timeout=60) == 0
        app.wait_for("Orchestrated 2000")
        os.replace(backup, db)
        drawn = app.wait_for_any("Restored copy", "was replaced, but")
        if "was replaced, but" in drawn:
            # A read was under way as the orchestrator closed, so its close was not the
            # last and its -wal stayed: the dashboard refuses the pair and says why.
            assert digest(db) == restored
            move_away_the_old_side_files(db)
            drawn = app.wait_for("Restored copy")
        assert "malformed" not in drawn
        assert app.quit() == 0

    assert digest(db) == restored, "the dashboard wrote into the restored file"
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_backup_moved_over_the_dashboards_own_write(tmp_path: Path) -> None:
    """The dashboard's own write leaves no -wal behind for a restored file to meet."""
    db = tmp_path / "x.db"
    build_standard_board(db).close()
    backup = tmp_path / "backup.db"
    shutil.copy(db, backup)
    restored = digest(backup)

    with TerminalSession(db, size=(120, 40)) as app:
        app.wait_for("Sketch the API")
        app.type(b"a")  # the first card is a draft: start planning it
        app.wait_for("draft → planning")
        os.replace(backup, db)
        app.wait_for("database was replaced")
        assert app.quit() == 0

    assert digest(db) == restored
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.fixture
def replaced_under_a_running_orchestrator(
    tmp_path: Path,
) -> Iterator[tuple[Path, subprocess.Popen[str], str]]:
    """x.db open in the dashboard's engine and in an orchestrator that stays (its -wal
    full of commits), then a backup moved over x.db: the old -wal and -shm remain."""
    db = tmp_path / "x.db"
    build_standard_board(db).close()
    backup = tmp_path / "backup.db"
    shutil.copy(db, backup)
    orchestrator = orchestrate(db, 500, stay=True)
    try:
        assert (tmp_path / "x.db-wal").stat().st_size > 500 * 2048
        yield db, orchestrator, digest(backup)
    finally:
        if orchestrator.stdin is not None:
            orchestrator.stdin.close()
        orchestrator.wait(timeout=30)


def test_a_replaced_file_beside_the_old_wal_is_never_read(
    replaced_under_a_running_orchestrator: tuple[Path, subprocess.Popen[str], str],
) -> None:
    db, orchestrator, restored = replaced_under_a_running_orchestrator
    source = open_source(db, user="ann")
    statuses: list[str | None] = []
    feed = SqliteChangeFeed(source.engine, lambda: None, statuses.append)
    feed.start()
    try:
        with source.engine.read() as conn:  # seen once, with its -wal
            conn.exec_driver_sql("SELECT count(*) FROM cards").scalar()
        os.replace(db.with_name("backup.db"), db)

        wait_until(lambda: any(s and "was replaced, but" in s for s in statuses), "the warning")
        expected = re.escape("x.db-wal of the file it replaced is still beside it")
        with pytest.raises(StaleFilesError, match=expected), source.engine.read():
            pass
        with pytest.raises(StaleFilesError):
            source.transition("card-3", "draft", "start_planning", "planning")
        assert digest(db) == restored

        # Once the orchestrator is gone and its files are moved away, the new file is read.
        assert orchestrator.stdin is not None
        orchestrator.stdin.close()
        assert orchestrator.wait(timeout=30) == 0
        move_away_the_old_side_files(db)
        wait_until(lambda: statuses[-1] is None, "the new file accepted")
        with source.engine.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM cards").scalar() == 15
    finally:
        feed.stop()
        source.close()
    assert digest(db) == restored


def test_the_dashboard_says_what_to_do_about_the_old_wal(
    replaced_under_a_running_orchestrator: tuple[Path, subprocess.Popen[str], str],
) -> None:
    db, _, restored = replaced_under_a_running_orchestrator
    log = db.with_name("app.log")
    with TerminalSession(db, "--log", log, size=(160, 40)) as app:
        app.wait_for("Orchestrated 500")
        os.replace(db.with_name("backup.db"), db)
        app.wait_for("x.db was replaced, but x.db-wal of the file it replaced")
        assert app.quit() == 0
    assert digest(db) == restored
    assert "then move x.db-wal and x.db-shm away" in log.read_text()


# --- commits that cannot be read ---


@pytest.fixture
def hot_wal_on_a_read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A writer committed a card and was killed; its -shm is gone; the folder is mounted
    read-only: the commit sits in the -wal, where SQLite cannot read it from here."""
    data = tmp_path / "data"
    data.mkdir()
    db = data / "board.db"
    build_standard_board(db).close()
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(db)])
    assert killed.returncode == -signal.SIGKILL
    (data / "board.db-shm").unlink()
    assert (data / "board.db-wal").stat().st_size > 32
    mounted = tmp_path / "mounted"
    mounted.mkdir()
    bind = subprocess.run(["mount", "--bind", str(data), str(mounted)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip(f"cannot make a read-only mount here: {bind.stderr!r}")
    try:
        subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(mounted)], check=True, capture_output=True
        )
        yield mounted / "board.db"
    finally:
        subprocess.run(["umount", str(mounted)], capture_output=True)


def test_status_says_the_latest_commits_cannot_be_read(hot_wal_on_a_read_only_mount: Path) -> None:
    db = hot_wal_on_a_read_only_mount

    as_json = run_cli("status", db, "--json")
    as_text = run_cli("status", db)

    assert as_json.returncode == 0, as_json.stderr
    warning = json.loads(as_json.stdout)["warning"]
    assert warning and "commits that cannot be read" in warning
    assert "may be out of date" in warning
    assert "WARNING: board.db-wal holds" in as_text.stdout


def test_the_dashboard_says_the_latest_commits_cannot_be_read(
    hot_wal_on_a_read_only_mount: Path, tmp_path: Path
) -> None:
    log = tmp_path / "app.log"
    with TerminalSession(hot_wal_on_a_read_only_mount, "--log", log, size=(200, 40)) as app:
        app.wait_for("commits that cannot be read", "READ-ONLY")
        assert app.quit() == 0
    text = log.read_text()
    assert "commits that cannot be read" in text
    assert "as last saved" not in text.replace("read-only (as last saved)", "")


# --- a full disk, a file without read permission ---


def fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass  # full at this size: go on with smaller ones
    finally:
        os.close(fd)
    assert os.statvfs(folder).f_bavail == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """The standard board alone on a small disk (no writer has it open: no -wal, no -shm)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small disk here: {made.stderr!r}")
    try:
        db = disk / "board.db"
        build_standard_board(db).close()
        assert side_files(db) == []
        yield db
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_a_full_disk_is_read_and_said_to_be_full(small_disk: Path) -> None:
    fill(small_disk.parent)
    before = digest(small_disk)

    status = run_cli("status", small_disk, "--json")

    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["lanes"]["DRAFT"] == 2
    assert json.loads(status.stdout)["writable"] is False
    source = open_source(small_disk, user="ann")
    try:
        outcome = source.transition("card-3", "draft", "start_planning", "planning")
    finally:
        source.close()
    assert not outcome.ok
    assert "the disk is full" in outcome.message
    assert digest(small_disk) == before


def test_a_write_on_a_full_disk_says_so(small_disk: Path) -> None:
    # A writer has the database open (its -wal and -shm exist), then the disk fills up.
    with closing(sqlite3.connect(small_disk, isolation_level=None)) as orchestrator:
        orchestrator.execute("SELECT count(*) FROM cards").fetchone()
        fill(small_disk.parent)
        source = open_source(small_disk, user="ann")
        try:
            assert source.writable
            with pytest.raises(DiskFullError, match=r"the disk holding .* is full"):
                source.transition("card-3", "draft", "start_planning", "planning")
        finally:
            source.close()
        row = orchestrator.execute("SELECT state FROM cards WHERE id = 'card-3'").fetchone()
    assert row == ("draft",), "nothing was written"


def test_a_file_you_cannot_read_says_so(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    build_standard_board(db).close()
    nobody = 65534
    os.chown(db, nobody, nobody)
    db.chmod(0o600)
    os.chmod(tmp_path, 0o755)
    # Root reads any file; without the capabilities that let it, it is held to file modes.
    result = subprocess.run(
        [
            "setpriv",
            "--bounding-set=-dac_override,-dac_read_search",
            sys.executable,
            "-m",
            "ringmaster_tui",
            "status",
            str(db),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "you cannot read it (permission denied)" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
