"""One call per review screen: pick the repository, resolve the commits, list the files.

These return an outcome instead of raising, so a worker can hand the result straight to
the UI: either the review or a `ReviewProblem` saying what is wrong in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from ringmaster_tui.review.diff import ChangedFiles, changed_files, commit_range, compare_range
from ringmaster_tui.review.git import (
    GIT_TIMEOUT_SECONDS,
    CommitNotFound,
    GitTimeout,
    NoRepository,
    Repository,
    RepositoryNotFound,
    ReviewError,
    UnsafeGitValue,
    choose_repository,
    validate_sha,
)


class ProblemKind(StrEnum):
    UNSAFE_VALUE = "unsafe value"
    NO_REPOSITORY = "repository not found"
    NO_COMMIT = "commit not found"
    TIMEOUT = "git timed out"
    GIT_FAILED = "git failed"


@dataclass(frozen=True, slots=True)
class ReviewProblem:
    kind: ProblemKind
    message: str


@dataclass(frozen=True, slots=True)
class Review:
    repository: Repository
    source: Literal["worktree", "project"]
    files: ChangedFiles
    """`files.range` is what every later per-file call takes."""


def problem_of(error: ReviewError) -> ReviewProblem:
    """A ReviewError (from the per-file calls too) as an outcome for the UI."""
    kinds: tuple[tuple[type[ReviewError], ProblemKind], ...] = (
        (UnsafeGitValue, ProblemKind.UNSAFE_VALUE),
        (RepositoryNotFound, ProblemKind.NO_REPOSITORY),
        (CommitNotFound, ProblemKind.NO_COMMIT),
        (GitTimeout, ProblemKind.TIMEOUT),
    )
    kind = next((k for t, k in kinds if isinstance(error, t)), ProblemKind.GIT_FAILED)
    return ReviewProblem(kind, str(error))


def load_commit_review(
    worktree_path: str | None,
    repository_path: str | None,
    commit_sha: str | None,
    timeout: float = GIT_TIMEOUT_SECONDS,
) -> Review | ReviewProblem:
    """An attempt's commit against its first parent."""
    return _load(worktree_path, repository_path, (commit_sha,), timeout)


def load_comparison(
    worktree_path: str | None,
    repository_path: str | None,
    old_sha: str | None,
    new_sha: str | None,
    timeout: float = GIT_TIMEOUT_SECONDS,
) -> Review | ReviewProblem:
    """Two attempts' commits against each other (old → new)."""
    return _load(worktree_path, repository_path, (old_sha, new_sha), timeout)


def _load(
    worktree_path: str | None,
    repository_path: str | None,
    shas: tuple[str | None, ...],
    timeout: float,
) -> Review | ReviewProblem:
    try:
        # Refuse a bad value before any git runs in anyone's repository.
        valid = [validate_sha(sha) for sha in shas]
        chosen = choose_repository(worktree_path, repository_path, timeout)
        if isinstance(chosen, NoRepository):
            return ReviewProblem(ProblemKind.NO_REPOSITORY, chosen.message)
        repository = chosen.repository
        diff_range = (
            commit_range(repository, valid[0])
            if len(valid) == 1
            else compare_range(repository, valid[0], valid[1])
        )
        return Review(repository, chosen.source, changed_files(repository, diff_range))
    except ReviewError as error:
        return problem_of(error)
