"""The running app on PostgreSQL follows another process's commits: each one reaches the
screen, and a burst coalesces into few loads and ends up shown."""

from __future__ import annotations

import pytest

from ringmaster_tui.config import Settings
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.ui.app import RingmasterApp
from tests.builders import NOW
from tests.ui.helpers import loaded, screen_text, until
from tests.ui.test_live import SHOWN_WITHIN, CountingSource, ask, titles, writer

pytestmark = pytest.mark.anyio

# A second process, as in tests/ui/test_live.py but through psycopg: on "N" it renames a
# card to "Write the plan vN" in one commit and answers "N"; on "burst N" it makes N
# commits (draft cards) as fast as it can, then answers "done".
WRITER = """
import sys, psycopg
conn = psycopg.connect(sys.argv[1], autocommit=True)
for line in sys.stdin:
    words = line.split()
    if words[0] == "burst":
        for n in range(int(words[1])):
            conn.execute(
                "INSERT INTO cards (id, project_id, title, task_prompt, state) "
                "VALUES (%s, 'project-alpha', %s, 'Burst', 'draft')",
                (f"burst-{n}", f"Burst {n}"),
            )
        print("done", flush=True)
    else:
        conn.execute(
            "UPDATE cards SET title = %s WHERE title LIKE 'Write the plan%%'",
            (f"Write the plan v{words[0]}",),
        )
        print(words[0], flush=True)
"""


def live_app(url: str) -> tuple[RingmasterApp, CountingSource]:
    source = CountingSource(open_source(url, user="ann"))
    settings = Settings(db=url, user="ann", bell=False)
    app = RingmasterApp(source, settings, clock=lambda: NOW, animate=False, live=True)  # type: ignore[arg-type]
    return app, source


async def test_every_commit_of_another_process_reaches_the_screen(board_url: str) -> None:
    app, _ = live_app(board_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        with writer(board_url, WRITER) as process:
            for n in range(1, 21):
                assert (await ask(process, str(n))).strip() == str(n)
                await until(pilot, lambda n=n: f"Write the plan v{n}" in titles(app), SHOWN_WITHIN)
        text = await screen_text(pilot)
    assert "Write the plan v20" in text
    assert "postgres:postgres@" not in text, "the header shows the URL without its password"


async def test_a_burst_coalesces_into_few_loads_and_ends_up_shown(board_url: str) -> None:
    app, source = live_app(board_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        drafts = app.snapshot.lanes[0].count if app.snapshot else 0
        before = source.loads
        with writer(board_url, WRITER) as process:
            assert (await ask(process, "burst 300")).strip() == "done"
        await until(
            pilot,
            lambda: app.snapshot is not None and app.snapshot.lanes[0].count == drafts + 300,
            SHOWN_WITHIN,
        )
        loads = source.loads - before
    assert source.most_at_once == 1, "never two loads at once"
    assert 1 <= loads < 300 / 4, f"{loads} loads for 300 commits"
