"""A demo database with realistic contents: every lane filled, loops with history,
errors, decisions with time left, alerts of every severity, and a few hostile texts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ringmaster_tui.domain import states as sm
from ringmaster_tui.sim.orchestrator import Orchestrator
from ringmaster_tui.store.engine import create_database

PROJECTS = ("payments", "storefront", "platform")
# How many demo cards start in each state.
CARDS_PER_STATE: dict[str, int] = {
    sm.DRAFT: 5,
    sm.PLANNING: 4,
    sm.CODING: 6,
    sm.ERROR_FIXING: 3,
    sm.CODE_REVIEW: 5,
    sm.TESTING: 4,
    sm.BUILD_QUEUE: 2,
    sm.BUILDING: 2,
    sm.BUILD_SUCCESS: 1,
    sm.BUILD_FAILED: 2,
    sm.DEPLOY_QUEUE: 2,
    sm.DEPLOYING: 2,
    sm.VERIFYING: 2,
    sm.COMPLETED: 8,
    sm.FAILED: 3,
    sm.ARCHIVED: 4,
}
# Real users' data holds text like this; the dashboard must show it literally.
HOSTILE_TITLE = "Escape [b]markup[/b] in [link=http://x]titles[/link]"
HOSTILE_DESCRIPTION = "Agent echoed \x1b]2;pwned\x07 and \x1b[31mred\x1b[0m into the log"


def create_demo_database(
    db_path: Path,
    *,
    seed: int = 7,
    repo_root: Path | None = None,
    now: datetime | None = None,
) -> None:
    now = now or datetime.now(UTC)
    rnd = random.Random(seed)
    orchestrator = Orchestrator(rnd, repo_root)
    database = create_database(db_path)
    with database.write() as conn:
        projects = [
            orchestrator.add_project(conn, name, now - timedelta(days=30)) for name in PROJECTS
        ]
        cards: dict[str, list[str]] = {}
        for state, count in CARDS_PER_STATE.items():
            for _ in range(count):
                age = timedelta(minutes=rnd.randint(5, 60 * 24 * 5))
                card_id = orchestrator.add_card(conn, rnd.choice(projects), state, now - age)
                cards.setdefault(state, []).append(card_id)
        hostile = orchestrator.add_card(
            conn,
            projects[0],
            sm.CODING,
            now,
            title=HOSTILE_TITLE,
            description=HOSTILE_DESCRIPTION,
            priority=5,
        )
        cards[sm.CODING].append(hostile)
        # Some reviews have their pull request, some do not (the approve guard shows).
        for card_id in cards[sm.CODE_REVIEW][:3]:
            conn.exec_driver_sql(
                "UPDATE cards SET pull_request_url = ? WHERE id = ?",
                (f"https://git.example.com/pr/{rnd.randint(100, 999)}", card_id),
            )
        # Planning cards without acceptance criteria cannot be approved.
        conn.exec_driver_sql(
            "DELETE FROM acceptance_criteria WHERE card_id = ?", (cards[sm.PLANNING][0],)
        )
        for card_id in cards[sm.CODING] + cards[sm.ERROR_FIXING] + cards[sm.CODE_REVIEW][:2]:
            for n in range(rnd.randint(1, 4)):
                moment = now - timedelta(hours=rnd.randint(1, 48), minutes=n)
                orchestrator.run_attempt(conn, card_id, moment, failed=rnd.random() < 0.3)
        for card_id in cards[sm.ERROR_FIXING]:
            orchestrator.add_error(conn, card_id, None, "Fix the build", now)
        for state in (sm.DEPLOYING, sm.VERIFYING, sm.COMPLETED):
            for card_id in cards[state][:2]:
                orchestrator.add_deployment(conn, card_id, now - timedelta(hours=2))
        blocked, blocker = cards[sm.CODING][0], cards[sm.TESTING][0]
        conn.exec_driver_sql(
            "INSERT INTO card_dependencies (card_id, depends_on_card_id) VALUES (?, ?)",
            (blocked, blocker),
        )
        for minutes_ago, timeout in ((2, 5), (10, 30), (30, 120), (5, 240), (1, 60)):
            card_id = rnd.choice(cards[sm.CODING] + cards[sm.ERROR_FIXING])
            orchestrator.add_decision(
                conn, card_id, "the card", now - timedelta(minutes=minutes_ago), timeout
            )
        # An old one that timed out: settled with its default by the orchestrator.
        orchestrator.add_decision(conn, None, "an old card", now - timedelta(days=1), 30)
        orchestrator.auto_resolve_expired(conn, now)
        for severity in ("critical", "error", "warning", "info", "warning", "critical"):
            card_id = rnd.choice(cards[sm.CODING])
            orchestrator.add_alert(
                conn, card_id, "the card", now - timedelta(minutes=rnd.randint(1, 300)), severity
            )
        acknowledged = orchestrator.add_alert(conn, None, "old", now - timedelta(days=2), "info")
        conn.exec_driver_sql(
            "UPDATE alerts SET acknowledged = 1, acknowledged_by = 'demo', "
            "acknowledged_at = ? WHERE id = ?",
            (now.strftime("%Y-%m-%d %H:%M:%S"), acknowledged),
        )
    database.dispose()
