"""A story's commit, read for the review screen (the diff, file by file, through safe git).

Seed 002 records repository URLs per project and repo name, not paths: a commit is
reviewed in the user's clone of that repo (`--repo backend=PATH`, or
`--repo PROJECT/backend=PATH` for one project), else where the URL is a path (or a
file:// URL) to a repository on this machine; otherwise the review screen says it cannot
find the repository, and the story's detail still shows the commit's message and files
changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlparse

import sqlalchemy as sa

from ringmaster_tui.domain.review import AttemptCommit, AttemptError, AttemptReviewData
from ringmaster_tui.domain.snapshot import AttemptView
from ringmaster_tui.engines.sql import ascending
from ringmaster_tui.sources.ralph.models import (
    agent_executions,
    features,
    git_commits,
    projects,
    stories,
)
from ringmaster_tui.sources.ralph.read.context import Reading, cut

COMMIT_PREFIX = "commit:"
OUTPUT_CHARS = 200_000
REPO_URL_COLUMNS = {
    "backend": projects.c.backend_repo_url,
    "mobile": projects.c.mobile_repo_url,
    "frontend": projects.c.frontend_repo_url,
}


def review_id(commit_pk: object) -> str:
    return f"{COMMIT_PREFIX}{commit_pk}"


def local_repository(url: object) -> str | None:
    """The path a repository URL names on this machine, if it is one."""
    if not isinstance(url, str) or not url.strip():
        return None
    parsed = urlparse(url)
    if parsed.scheme == "file":
        path = Path(unquote(parsed.path))
    elif parsed.scheme == "" and url.startswith("/"):
        path = Path(url)
    else:
        return None  # a remote URL: nothing on this machine to read
    return str(path) if path.is_dir() else None


def mapped_repository(clones: dict[str, str], project: str | None, repo: str) -> str | None:
    """The user's clone for `repo` of `project` (PROJECT/NAME first, then NAME)."""
    for name in (f"{project}/{repo}", repo) if project else (repo,):
        path = clones.get(name)
        if path:
            return path
    return None


def read_commit_review(
    reading: Reading, wanted: str, clones: dict[str, str] | None = None
) -> AttemptReviewData | None:
    if not wanted.startswith(COMMIT_PREFIX) or not reading.has(git_commits):
        return None
    try:
        pk = int(wanted.removeprefix(COMMIT_PREFIX))
    except ValueError:
        return None
    commit = reading.run(sa.select(*git_commits.c).where(git_commits.c.id == pk)).first()
    if commit is None:
        return None
    story = reading.run(
        sa.select(stories.c.id, stories.c.title, stories.c.story_id, stories.c.feature_id).where(
            stories.c.id == commit.story_id
        )
    ).first()
    project_name, repository = None, None
    if reading.has(projects):
        url_column = REPO_URL_COLUMNS.get(str(commit.repo), sa.null())
        project = reading.run(
            sa.select(projects.c.name, url_column.label("url"))
            .join(features, features.c.project_id == projects.c.id)
            .where(features.c.id == commit.feature_id)
        ).first()
        if project is not None:
            project_name, repository = project.name, local_repository(project.url)
    mapped = mapped_repository(clones or {}, project_name, str(commit.repo))
    if mapped is not None:  # the user's word wins over what the database records
        repository = mapped
    commits = reading.rows(
        sa.select(git_commits.c.id, git_commits.c.commit_hash, git_commits.c.timestamp)
        .where(git_commits.c.story_id == commit.story_id)
        .order_by(ascending(git_commits.c.timestamp), git_commits.c.id)
    )
    number = next((n for n, c in enumerate(commits, 1) if c.id == pk), 1)
    files = _files(commit.files_changed)
    failures = reading.rows(
        sa.select(
            agent_executions.c.agent_name,
            agent_executions.c.error_message,
            agent_executions.c.completed_at,
            agent_executions.c.started_at,
        )
        .where(
            agent_executions.c.story_id == commit.story_id,
            agent_executions.c.status == "failed",
        )
        .order_by(ascending(agent_executions.c.started_at), agent_executions.c.id)
    )
    output = str(commit.commit_message or "")
    if files:
        output += "\n\nFiles changed:\n" + "\n".join(files)
    return AttemptReviewData(
        attempt=AttemptView(
            id=wanted,
            attempt_number=number,
            agent_type=cut(commit.repo, 50),
            status="committed",
            tokens_used=None,
            cost_usd=None,
            duration_ms=None,
            started_at=commit.timestamp,
            commit_sha=commit.commit_hash,
            diff_stats={"files_changed": len(files)} if files else None,
            error_message=None,
        ),
        card_id=str(commit.story_id),
        card_title=(story.title if story is not None else None) or f"story {commit.story_id}",
        worktree_path=None,
        project_name=project_name,
        repository_path=repository,
        output=output[:OUTPUT_CHARS],
        output_cut=len(output) > OUTPUT_CHARS,
        errors=tuple(
            AttemptError(
                error_type=f.agent_name or "agent",
                category=None,
                severity=None,
                message=f.error_message or "failed (no message)",
                stack_trace=None,
                resolved=False,
                created_at=f.completed_at or f.started_at,
            )
            for f in failures
        ),
        commits=tuple(
            AttemptCommit(
                id=review_id(c.id),
                attempt_number=n,
                status="committed",
                commit_sha=c.commit_hash,
                started_at=c.timestamp,
            )
            for n, c in enumerate(commits, 1)
            if c.commit_hash
        ),
    )


def _files(stored: object) -> list[str]:
    if isinstance(stored, str):
        try:
            stored = json.loads(stored)
        except ValueError:
            return []
    return [str(f) for f in stored] if isinstance(stored, list) else []
