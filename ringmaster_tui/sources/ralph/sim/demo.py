"""A demo Ralph database: three projects, features with their PRDs, stories at every
stage, played through the orchestrator's own steps (world.py) on a made-up clock so that
histories, executions, gates, commits (in demo git repositories) and logs agree."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ringmaster_tui.engines import create_database
from ringmaster_tui.sources.ralph.schema import schema_sql
from ringmaster_tui.sources.ralph.sim.texts import FEATURES, PROJECTS
from ringmaster_tui.sources.ralph.sim.world import World, stamp

STEPS = 70
REPOS = ("backend", "mobile", "frontend")
# A feature whose PRD grew after its counters were written: the picker marks it.
STALE_COUNTER_FEATURE = "Search"


def create_demo_database(
    path: Path, *, seed: int, repo_root: Path, now: datetime | None = None
) -> None:
    create_database(path, schema_sql()).dispose()
    rng = random.Random(seed)
    end = now or datetime.now(UTC)
    start = end - timedelta(hours=30)
    clock_at = [start]

    def clock() -> datetime:
        return clock_at[0]

    conn = sqlite3.connect(path)
    try:
        with conn:
            _fill(conn, stamp(start), rng, repo_root)
            world = World(conn, rng, clock, repo_root=repo_root)
            gap = (end - start) / (STEPS + 1)
            for _ in range(STEPS):
                clock_at[0] += gap
                if not world.step():
                    break
            _stage(world)
            statuses = {i + 1: status for i, (_, _, status) in enumerate(PROJECTS)}
            for project_id, status in statuses.items():
                conn.execute("UPDATE projects SET status = ? WHERE id = ?", (status, project_id))
            conn.execute(
                "INSERT INTO system_logs (timestamp, level, source, message, metadata)"
                " VALUES (?, 'INFO', 'orchestrator', 'Project Field App paused by ops', ?)",
                (stamp(end - timedelta(minutes=40)), json.dumps({"user": "ops"})),
            )
    finally:
        conn.close()


def _stage(world: World) -> None:
    """Leave a story at every stage: two in progress (their runs still running), one in
    review, one failed after its last attempt."""
    waiting = [("pending", *s) for s in world.stories_in("pending")]
    waiting += [("rework", *s) for s in world.stories_in("rework")]
    for status, story, feature, project in waiting[:3]:
        world.advance(story, status, feature, project)
    in_progress = world.stories_in("in_progress")
    if in_progress:
        story, feature, project = in_progress[0]
        world.advance(story, "in_progress", feature, project, passes=True)
    testing = world.stories_in("testing") or world.stories_in("review")
    if testing:
        story, feature, project = testing[-1]
        world.conn.execute("UPDATE stories SET attempt_count = 3 WHERE id = ?", (story,))
        status = world.conn.execute("SELECT status FROM stories WHERE id = ?", (story,)).fetchone()[
            0
        ]
        if status == "review":
            world.advance(story, "review", feature, project, passes=True)
        world.advance(story, "testing", feature, project, passes=False)


def _fill(conn: sqlite3.Connection, at: str, rng: random.Random, repo_root: Path) -> None:
    # A second account, its hash made up (never a real password): the dashboard must
    # never show it.
    fake_hash = "$2b$12$" + "".join(
        rng.choice("abcdefghijklmnopqrstuvwxyz0123456789./") for _ in range(53)
    )
    conn.execute(
        "INSERT INTO users (username, password_hash, created_at) VALUES ('ops', ?, ?)",
        (fake_hash, at),
    )
    for number, (name, description, _status) in enumerate(PROJECTS, 1):
        # Cloned from the demo's own repositories on this machine (world.py makes them),
        # so that the dashboard can review the commits.
        local = {repo: str((repo_root / f"project-{number}-{repo}").resolve()) for repo in REPOS}
        conn.execute(
            "INSERT INTO projects (name, description, backend_repo_url, mobile_repo_url,"
            " frontend_repo_url, status, created_at, updated_at, created_by)"
            " VALUES (?, ?, ?, ?, ?, 'running', ?, ?, 1)",
            (
                name,
                description,
                local["backend"],
                local["mobile"],
                local["frontend"],
                at,
                at,
            ),
        )
    for project_index, name, branch, stories in FEATURES:
        prd = {
            "project": PROJECTS[project_index][0],
            "branchName": branch,
            "description": f"{name}: what the PRD asks for",
            "userStories": [
                {
                    "id": f"US-{n:03d}",
                    "title": title,
                    "acceptanceCriteria": list(criteria),
                    "priority": n,
                    "passes": False,
                }
                for n, (_, title, criteria, _) in enumerate(stories, 1)
            ],
        }
        total = len(stories) + (1 if name == STALE_COUNTER_FEATURE else 0)
        cursor = conn.execute(
            "INSERT INTO features (project_id, name, description, branch_name, prd_json, status,"
            " total_stories, completed_stories, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 'pending', ?, 0, ?, ?)",
            (project_index + 1, name, prd["description"], branch, json.dumps(prd), total, at, at),
        )
        feature_id = cursor.lastrowid
        for n, (repo, title, criteria, depends) in enumerate(stories, 1):
            conn.execute(
                "INSERT INTO stories (feature_id, story_id, repo, title, description,"
                " acceptance_criteria, priority, status, dependencies, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                (
                    feature_id,
                    f"US-{n:03d}",
                    repo,
                    title,
                    f"As a user I want {title.lower()} so that the {name.lower()} feature works.",
                    json.dumps(list(criteria)),
                    1 + (n - 1) // 2,
                    json.dumps([f"US-{d:03d}" for d in depends]),
                    at,
                    at,
                ),
            )
