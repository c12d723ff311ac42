"""The PostgreSQL change feed: a call once it watches, one after each commit of another
connection (none missed), none for reads (its own dashboard's included), and a status
line while the server cannot be reached."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from ringmaster_tui.engines import OpenError, change_notices
from ringmaster_tui.engines.postgres.connect import parse_url
from ringmaster_tui.engines.postgres.engine import open_postgres
from ringmaster_tui.engines.postgres.feed import PostgresChangeFeed
from tests.postgres.cluster import _free_port


class Calls:
    def __init__(self) -> None:
        self.count = 0
        self.statuses: list[str | None] = []
        self._cond = threading.Condition()

    def change(self) -> None:
        with self._cond:
            self.count += 1
            self._cond.notify_all()

    def status(self, message: str | None) -> None:
        with self._cond:
            self.statuses.append(message)
            self._cond.notify_all()

    def wait_for(self, predicate: object, timeout: float = 10.0) -> bool:
        assert callable(predicate)
        with self._cond:
            return self._cond.wait_for(predicate, timeout)


def test_every_commit_of_another_connection_is_noticed(ringmaster_pg: str) -> None:
    engine = open_postgres(ringmaster_pg)
    writer = sa.create_engine(parse_url(ringmaster_pg))
    calls = Calls()
    feed = engine.change_feed(calls.change, calls.status)
    feed.start()
    try:
        assert calls.wait_for(lambda: calls.count >= 1), "the first call comes once it watches"
        for step in range(30):
            before = calls.count
            with writer.begin() as conn:
                conn.exec_driver_sql(
                    f"UPDATE cards SET priority = {step} WHERE id = (SELECT min(id) FROM cards)"
                )
            assert calls.wait_for(lambda before=before: calls.count > before), (
                f"commit {step} missed"
            )
            # What the call announced is visible to a read started after it.
            with engine.read() as conn:
                seen = conn.exec_driver_sql(
                    "SELECT priority FROM cards WHERE id = (SELECT min(id) FROM cards)"
                ).scalar()
            assert seen == step
    finally:
        feed.stop()
        engine.dispose()
        writer.dispose()


def test_reads_wake_nothing_and_a_poke_does(ringmaster_pg: str) -> None:
    engine = open_postgres(ringmaster_pg)
    calls = Calls()
    feed = engine.change_feed(calls.change, calls.status)
    feed.start()
    try:
        assert calls.wait_for(lambda: calls.count >= 1)
        settled = calls.count
        for _ in range(20):
            with engine.read() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM cards").scalar()
        # Polls happen every few tens of milliseconds: count ten of them, then compare.
        deadline = time.monotonic() + 0.6
        while time.monotonic() < deadline:
            time.sleep(0.05)
        assert calls.count == settled, "read-only transactions are not commits"
        feed.poke()
        assert calls.wait_for(lambda: calls.count > settled)
    finally:
        feed.stop()
        engine.dispose()


def test_a_server_out_of_reach_is_said_and_not_fatal(ringmaster_pg: str) -> None:
    engine = open_postgres(ringmaster_pg)
    port = parse_url(ringmaster_pg).port
    engine.url = engine.url.set(port=_free_port())
    engine.engine.dispose()
    engine.engine = sa.create_engine(engine.url, connect_args={"connect_timeout": 2})
    calls = Calls()
    feed = engine.change_feed(calls.change, calls.status)
    feed.start()
    try:
        assert calls.wait_for(lambda: any(calls.statuses))
        message = next(s for s in calls.statuses if s)
        assert "cannot reach the server" in message and ":postgres@" not in message
        assert port is not None
    finally:
        feed.stop()
        engine.dispose()


def test_notify_triggers_are_installed_on_request_wake_the_feed_and_go_again(
    ringmaster_pg: str,
) -> None:
    said = change_notices(ringmaster_pg, install=True)
    assert "installed the function ringmaster_tui_notify()" in said and "cards" in said
    assert ":postgres@" not in said
    engine = open_postgres(ringmaster_pg)
    writer = sa.create_engine(parse_url(ringmaster_pg))
    calls = Calls()
    # A poll so slow that only a NOTIFY can wake the feed within the wait below.
    feed = PostgresChangeFeed(engine, calls.change, calls.status, poll_seconds=30.0)
    feed.start()
    try:
        assert calls.wait_for(lambda: calls.count >= 1)
        for step in range(5):
            before = calls.count
            with writer.begin() as conn:
                conn.exec_driver_sql(
                    f"UPDATE cards SET priority = {step} WHERE id = (SELECT min(id) FROM cards)"
                )
            assert calls.wait_for(lambda before=before: calls.count > before, timeout=5.0)
    finally:
        feed.stop(timeout=2.0)
        engine.dispose()
        writer.dispose()
    removed = change_notices(ringmaster_pg, install=False)
    assert "removed the trigger ringmaster_tui_notify from" in removed
    check = sa.create_engine(parse_url(ringmaster_pg))
    with check.connect() as conn:
        left = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'ringmaster_tui_notify'"
        ).scalar()
        function = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_proc WHERE proname = 'ringmaster_tui_notify'"
        ).scalar()
    check.dispose()
    assert left == 0 and function == 0
    with pytest.raises(OpenError, match="push-triggers is for PostgreSQL"):
        change_notices("/tmp/some.db", install=True)
