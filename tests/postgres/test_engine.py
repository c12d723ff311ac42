"""The PostgreSQL engine against a real server: opening, refusals said in one line with no
password, read transactions, writes retried on serialization failures, read-only roles."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from ringmaster_tui.engines import OpenError, ReadOnlyError, engine_kind, open_engine
from ringmaster_tui.engines.postgres.connect import parse_url, redact
from ringmaster_tui.engines.postgres.engine import PostgresEngine, open_postgres
from tests.postgres.cluster import Cluster, _free_port

SECRET = "s3cret-Pass"


def test_urls_and_the_environment_name_postgresql() -> None:
    for url in (
        "postgresql://ann@db.example:5432/loops",
        "postgresql+psycopg://ann:pw@db/loops",
        "postgres://ann@db/loops",
    ):
        assert engine_kind(url) == "postgresql"
    assert engine_kind("/tmp/x.db") == "sqlite"
    with pytest.raises(OpenError, match="cannot open a mysql database"):
        engine_kind("mysql://ann@db/loops")
    shown = redact(parse_url(f"postgresql+psycopg://ann:{SECRET}@db:5433/loops?sslmode=require"))
    assert shown == "postgresql://ann@db:5433/loops?sslmode=require"


def test_open_reads_in_one_repeatable_read_read_only_transaction(ringmaster_pg: str) -> None:
    engine = open_engine(ringmaster_pg)
    try:
        assert isinstance(engine, PostgresEngine)
        assert engine.writable and engine.read_only_reason == ""
        assert "postgres" not in engine.label.split("@")[0].split("//")[1].split(":")[1:]
        assert ":postgres@" not in engine.label
        with engine.read() as conn:
            assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "repeatable read"
            assert conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
            with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
                conn.exec_driver_sql("UPDATE cards SET priority = 1")
        assert {"cards", "projects", "decisions"} <= engine.table_names()
    finally:
        engine.dispose()


def test_a_server_that_is_down_is_one_line() -> None:
    url = f"postgresql://ann:{SECRET}@127.0.0.1:{_free_port()}/loops"
    with pytest.raises(OpenError) as caught:
        open_engine(url)
    message = str(caught.value)
    assert "cannot reach the PostgreSQL server at 127.0.0.1" in message
    assert SECRET not in message and "\n" not in message


def test_a_wrong_password_is_one_line(pg_cluster: Cluster, role: Callable[..., str]) -> None:
    name = role("wrongpw")
    with pytest.raises(OpenError) as caught:
        open_engine(pg_cluster.url("postgres", user=name, password="not-" + SECRET))
    message = str(caught.value)
    assert f"refused the password of role '{name}'" in message
    assert SECRET not in message and "not-" not in message and "\n" not in message


def test_no_password_given_says_where_one_goes(
    pg_cluster: Cluster, role: Callable[..., str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    name = role("nopw")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(OpenError, match="PGPASSWORD"):
        open_engine(pg_cluster.url("postgres", user=name))


def test_the_password_may_come_from_pgpassword(
    pg_cluster: Cluster, role: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = role("envpw")
    monkeypatch.setenv("PGPASSWORD", SECRET)
    engine = open_engine(pg_cluster.url("postgres", user=name))
    engine.dispose()


def test_a_missing_database_is_one_line(pg_cluster: Cluster) -> None:
    with pytest.raises(OpenError) as caught:
        open_engine(pg_cluster.url("no_such_db", password="postgres"))
    message = str(caught.value)
    assert "has no database 'no_such_db'" in message and "createdb no_such_db" in message
    assert ":postgres@" not in message


def test_a_role_without_connect_rights_is_one_line(
    pg_cluster: Cluster, role: Callable[..., str], ringmaster_pg: str
) -> None:
    database = sa.make_url(ringmaster_pg).database
    name = role("noconnect")
    pg_cluster.psql(f'REVOKE CONNECT ON DATABASE "{database}" FROM PUBLIC')
    with pytest.raises(OpenError) as caught:
        open_engine(pg_cluster.url(database or "", user=name, password=SECRET))
    assert f"role '{name}' may not connect" in str(caught.value)


def test_a_role_that_may_read_nothing_is_refused(
    pg_cluster: Cluster, role: Callable[..., str], ringmaster_pg: str
) -> None:
    database = sa.make_url(ringmaster_pg).database or ""
    name = role("noselect")
    with pytest.raises(OpenError, match=f"role '{name}' may not read any table"):
        open_engine(pg_cluster.url(database, user=name, password=SECRET))


def test_a_select_only_role_is_read_only_and_says_why(
    pg_cluster: Cluster, role: Callable[..., str], ringmaster_pg: str
) -> None:
    database = sa.make_url(ringmaster_pg).database or ""
    name = role("reader")
    pg_cluster.psql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {name}", database=database)
    engine = open_engine(pg_cluster.url(database, user=name, password=SECRET))
    try:
        assert not engine.writable
        assert (
            engine.read_only_reason
            == f"role '{name}' may only read these tables (it has SELECT only)"
        )
        with pytest.raises(ReadOnlyError):
            engine.write_with_retry(lambda conn: None)
        assert "cards" in engine.table_names()
    finally:
        engine.dispose()


def test_read_only_flag_and_a_standby_setting(ringmaster_pg: str, pg_cluster: Cluster) -> None:
    engine = open_engine(ringmaster_pg, read_only=True)
    assert not engine.writable and engine.read_only_reason == "opened with --read-only"
    engine.dispose()
    database = sa.make_url(ringmaster_pg).database
    pg_cluster.psql(f'ALTER DATABASE "{database}" SET default_transaction_read_only = on')
    engine = open_engine(ringmaster_pg)
    assert engine.read_only_reason == "the server's default_transaction_read_only is on"
    engine.dispose()


def test_a_write_that_meets_a_serialization_failure_is_tried_again(ringmaster_pg: str) -> None:
    """Another transaction changes the row after this one's snapshot: the server refuses
    this one's update (40001); the write is tried again on a new snapshot and succeeds."""
    engine = open_postgres(ringmaster_pg)
    other = sa.create_engine(parse_url(ringmaster_pg))
    tries: list[int] = []
    try:
        with engine.read() as conn:
            card_id = conn.exec_driver_sql("SELECT id FROM cards ORDER BY id LIMIT 1").scalar_one()

        def work(conn: sa.Connection) -> int:
            tries.append(1)
            priority = conn.execute(
                sa.text("SELECT priority FROM cards WHERE id = :id"), {"id": card_id}
            ).scalar_one()
            if len(tries) == 1:
                # A second connection commits a change to the same row meanwhile.
                done = threading.Event()

                def meanwhile() -> None:
                    with other.begin() as c2:
                        c2.execute(
                            sa.text("UPDATE cards SET priority = 77 WHERE id = :id"),
                            {"id": card_id},
                        )
                    done.set()

                thread = threading.Thread(target=meanwhile)
                thread.start()
                thread.join(10)
                assert done.is_set()
            conn.execute(
                sa.text("UPDATE cards SET priority = :p WHERE id = :id"),
                {"p": int(priority) + 1, "id": card_id},
            )
            return int(priority) + 1

        assert engine.write_with_retry(work) == 78
        assert len(tries) == 2
    finally:
        engine.dispose()
        other.dispose()
