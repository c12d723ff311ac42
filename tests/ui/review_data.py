"""A real git repository and a board whose card has attempts with its commits.

The repository's commits have fixed authors and dates (tests/test_review_git.py's git
environment), so their shas are the same on every run and snapshots stay stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.builders import DbBuilder, ago, build_standard_board
from tests.test_review_git import commit_all, git, init_repo, write

LOGIN_V1 = '''\
"""Logging in."""

import time


def login(user, password):
    """Try once; the test retries."""
    time.sleep(0.5)
    return check(user, password)


def check(user, password):
    return user == "ann" and password == "secret"
'''

LOGIN_V2 = '''\
"""Logging in."""

import threading

_lock = threading.Lock()


def login(user, password):
    """One login at a time: the race is gone."""
    with _lock:
        return check(user, password)


def check(user, password):
    return user == "ann" and password == "secret"
'''

SESSION = '''\
"""Sessions, kept in memory."""

SESSIONS: dict[str, str] = {}


def open_session(user: str) -> str:
    token = f"token-{len(SESSIONS)}"
    SESSIONS[token] = user
    return token
'''

GUIDE = "".join(f"Step {n}: read the guide, line {n}.\n" for n in range(1, 31))
PNG_V1 = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2
PNG_V2 = b"\x89PNG\r\n\x1a\n" + bytes(reversed(range(256))) * 2

OUTPUT = "\n".join(
    [
        "$ pytest tests/test_login.py",
        "collected 12 items",
        "tests/test_login.py ....F.......  [100%]",
        "FAILED tests/test_login.py::test_concurrent_login - AssertionError",
        "[bold red]not markup[/bold red] and \x1b]2;retitled\x07 an escape",
        *(f"[{n:04d}] retry {n}: login took {n * 7 % 100} ms" for n in range(1, 61)),
        "Error: the race is in login(); a lock fixes it",
        "$ git commit -m 'Lock login'",
    ]
)


@dataclass(frozen=True)
class Commits:
    root: str
    change: str
    later: str


def build_repo(path: Path) -> Commits:
    """root → change (modified, added, deleted, renamed, binary) → later (one more edit)."""
    repo = init_repo(path)
    write(
        repo,
        {
            "app/login.py": LOGIN_V1,
            "docs/old-guide.md": GUIDE,
            "legacy.txt": "kept for old clients\n",
            "logo.png": PNG_V1,
        },
    )
    root = commit_all(repo, "root")
    (repo / "legacy.txt").unlink()
    git(repo, "mv", "docs/old-guide.md", "docs/guide.md")
    write(
        repo,
        {
            "app/login.py": LOGIN_V2,
            "app/session.py": SESSION,
            "docs/guide.md": GUIDE + "Step 31: log in.\n",
            "logo.png": PNG_V2,
        },
    )
    change = commit_all(repo, "Lock login")
    write(repo, {"app/session.py": SESSION + "\n\ndef close_session(token: str) -> None:\n"})
    later = commit_all(repo, "Close sessions")
    return Commits(root, change, later)


@dataclass(frozen=True)
class ReviewBoard:
    card: str
    first: str
    """Attempt 1: failed, no commit."""
    second: str
    """Attempt 2: the `change` commit, an output, errors."""
    third: str
    """Attempt 3: the `later` commit."""


def build_review_board(
    db: Path,
    commits: Commits | None,
    *,
    worktree: str | None,
    repository: str | None = None,
    second_commit: str | None = None,
    output: str = OUTPUT,
) -> ReviewBoard:
    """The standard board; "Fix flaky test" gets attempts 2 and 3 with real commits."""
    b: DbBuilder = build_standard_board(db)
    card = _one(b, "SELECT id FROM cards WHERE title = 'Fix flaky test'")
    first = _one(b, "SELECT id FROM attempts WHERE card_id = ? AND attempt_number = 1", card)
    b.update_card(card, worktree_path=worktree, branch_name="fix/flaky")
    b.conn.execute(
        "UPDATE projects SET repository_path = ? WHERE id = 'project-beta'", (repository,)
    )
    second = b.attempt(
        card,
        2,
        "completed",
        agent_type="claude-opus-4",
        tokens_used=5400,
        cost_usd=1.5,
        duration_ms=95_000,
        commit_sha=second_commit or (commits.change if commits else None),
        diff_stats='{"filesChanged": 5, "insertions": 18, "deletions": 5}',
        output=output,
        error_message="1 test failed before the fix",
    )
    b.error(
        card,
        "AssertionError: expected one session, got two",
        attempt_id=second,
        category="test",
        stack_trace='File "tests/test_login.py", line 40, in test_concurrent_login',
        created_at=ago(hours=7),
    )
    third = b.attempt(
        card,
        3,
        "completed",
        agent_type="claude-opus-4",
        tokens_used=1200,
        cost_usd=0.3,
        duration_ms=30_000,
        commit_sha=commits.later if commits else None,
        output="all green\n",
    )
    b.close()
    return ReviewBoard(card=card, first=first, second=second, third=third)


def _one(b: DbBuilder, sql: str, *params: object) -> str:
    return str(b.conn.execute(sql, params).fetchone()[0])
