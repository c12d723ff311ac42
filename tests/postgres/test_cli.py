"""The commands on PostgreSQL, run as a user runs them: init, status (also from
RINGMASTER_DB), check, prune, backup by pg_dump; refusals in one line, and the password
never in the output nor in the --log file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from ringmaster_tui.engines.postgres.connect import parse_url
from tests.postgres.cluster import Cluster, _free_port

SECRET = "postgres"  # the test superuser's password


def run_cli(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ringmaster_tui", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def _no_secret(*texts: str) -> None:
    for text in texts:
        assert f":{SECRET}@" not in text, text


def test_init_status_check_and_prune_on_a_new_database(pg_cluster: Cluster) -> None:
    url = pg_cluster.url(pg_cluster.new_database("cli"), password=SECRET)
    made = run_cli("init", url, "--source", "ringmaster")
    assert made.returncode == 0, made.stderr
    assert "with the Ringmaster schema" in made.stdout
    _no_secret(made.stdout, made.stderr)

    again = run_cli("init", url)
    assert again.returncode == 1 and "init only fills an empty database" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1

    status = run_cli("status", "--json", env={"RINGMASTER_DB": url})
    assert status.returncode == 0, status.stderr
    found = json.loads(status.stdout)
    assert found["source"] == "ringmaster"
    assert found["database"] == url.replace(f":{SECRET}@", "@")

    checked = run_cli("check", url)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "healthy" in checked.stdout
    pruned = run_cli("prune", url)
    assert pruned.returncode == 0, pruned.stderr
    _no_secret(status.stdout, checked.stdout, pruned.stdout)


def test_check_names_what_differs_from_the_schema(pg_cluster: Cluster, ringmaster_pg: str) -> None:
    engine = sa.create_engine(ringmaster_pg.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX idx_cards_state")
        conn.exec_driver_sql("ALTER TABLE cards DROP COLUMN deadline")
    engine.dispose()
    checked = run_cli("check", ringmaster_pg)
    assert checked.returncode == 1
    assert "missing: column cards.deadline" in checked.stdout
    assert "missing: index idx_cards_state" in checked.stdout


def test_backup_runs_pg_dump(ringmaster_pg: str, tmp_path: Path) -> None:
    dest = tmp_path / "copy.dump"
    done = run_cli("backup", ringmaster_pg, dest)
    assert done.returncode == 0, done.stderr
    assert dest.stat().st_size > 10_000
    assert not dest.with_name("copy.dump.partial").exists()
    _no_secret(done.stdout, done.stderr)
    listed = subprocess.run(
        ["pg_restore", "--list", str(dest)], capture_output=True, text=True, check=False
    )
    if listed.returncode == 0:  # pg_restore on PATH: the archive holds the cards table
        assert "TABLE DATA public cards" in listed.stdout


def test_refusals_are_one_line_and_the_log_has_no_password(
    pg_cluster: Cluster, tmp_path: Path
) -> None:
    log = tmp_path / "run.log"
    cases = {
        pg_cluster.url("postgres", password="wrong-" + SECRET): "refused the password",
        pg_cluster.url("no_such_db", password=SECRET): "has no database 'no_such_db'",
        f"postgresql://postgres:{SECRET}@127.0.0.1:{_free_port()}/x": "cannot reach",
    }
    for url, said in cases.items():
        done = run_cli("status", url)
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and said in lines[0], done.stderr
        assert "Traceback" not in done.stderr
        assert "wrong-" not in done.stderr
        _no_secret(done.stderr, done.stdout)
    # The dashboard's --log, with the URL refused: the log names it without the password.
    url = pg_cluster.url("no_such_db", password=SECRET)
    done = run_cli(url, "--log", log)
    assert done.returncode == 1
    text = log.read_text()
    assert "no_such_db" in text
    _no_secret(text)


def test_push_triggers_install_and_remove_say_what_they_do(ringmaster_pg: str) -> None:
    with sa.create_engine(parse_url(ringmaster_pg)).connect() as conn:
        tables = len(sa.inspect(conn).get_table_names())
    installed = run_cli("push-triggers", "install", ringmaster_pg)
    assert installed.returncode == 0, installed.stderr
    assert f"a trigger ringmaster_tui_notify on {tables} tables" in installed.stdout
    assert "ringmaster-tui push-triggers remove URL" in installed.stdout
    removed = run_cli("push-triggers", "remove", ringmaster_pg)
    assert removed.returncode == 0, removed.stderr
    assert f"removed the trigger ringmaster_tui_notify from {tables} tables" in removed.stdout
    _no_secret(installed.stdout, removed.stdout)
