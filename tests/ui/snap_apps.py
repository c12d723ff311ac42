"""The app as every UI test builds it: a real database, the fixed clock, no animation.

Also the factory the snapshot tests hand to snap_compare.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ringmaster_tui.config import Settings
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.ui.app import RingmasterApp
from tests.builders import NOW, DbBuilder, ago, build_standard_board

USER = "ann"


def make_app(
    db: Path, *, read_only: bool = False, user: str = USER, live: bool = False, **settings: Any
) -> RingmasterApp:
    """`live`: follow other writers' commits (the change feed); off, tests reload by hand."""
    source = open_source(db, read_only=read_only, user=user)
    config = Settings(db=str(db), user=user, read_only=read_only, bell=False, **settings)
    return RingmasterApp(source, config, clock=lambda: NOW, animate=False, live=live)


def add_history(b: DbBuilder, card: str) -> None:
    """draft → planning (ann) → coding (bob) → error_fixing (the loop), 9 h to 1 h ago."""
    b.transition(
        card,
        "draft",
        "planning",
        trigger="start_planning",
        created_at=ago(hours=9),
        metadata=json.dumps({"by": "ann"}),
    )
    b.transition(
        card,
        "planning",
        "coding",
        trigger="approve_plan",
        created_at=ago(hours=8),
        metadata=json.dumps({"by": "bob"}),
    )
    b.transition(card, "coding", "error_fixing", trigger="tests_failed", created_at=ago(hours=1))


def build_detailed_board(db: Path) -> None:
    """The standard board, with "Fix flaky test" given everything a card detail shows."""
    b = build_standard_board(db)
    fixing = b.conn.execute("SELECT id FROM cards WHERE title = 'Fix flaky test'").fetchone()[0]
    b.update_card(
        fixing,
        description="The login test fails one run in ten.\nFind the race; keep the test.",
        branch_name="fix/flaky",
        previous_state="coding",
    )
    b.criterion(fixing, "The test passes 100 runs in a row", met=True, order=0)
    b.criterion(fixing, "No sleep() added", order=1)
    b.attempt(
        fixing,
        2,
        "completed",
        cost_usd=1.5,
        tokens_used=5400,
        duration_ms=95_000,
        commit_sha="0123456789abcdef0123456789abcdef01234567",
        agent_type="claude-opus-4",
    )
    add_history(b, fixing)
    b.insert(
        "loop_snapshots",
        card_id=fixing,
        iteration=7,
        state="{}",
        checkpoint_commit="fedcba9876543210",
        created_at=ago(minutes=20),
    )
    b.insert(
        "deployments",
        card_id=fixing,
        image_tag="app:1.4.2",
        workflow_status="completed",
        workflow_conclusion="success",
        argocd_sync_status="Synced",
        argocd_health_status="Healthy",
        namespace="staging",
        replicas_desired=3,
        replicas_ready=3,
        created_at=ago(days=1),
    )
    b.close()
