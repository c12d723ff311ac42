"""Frozen view models of one attempt's review: what the review screen shows besides git.

Read once per visit to the review screen. Texts are the database's, as they are; the UI
makes them safe to show (see ui/safe_text.py).
"""

from __future__ import annotations

from ringmaster_tui.domain.model import Frozen
from ringmaster_tui.domain.snapshot import AttemptView
from ringmaster_tui.domain.values import JsonText, Moment, to_json_text


class AttemptCommit(Frozen):
    """An attempt of the same card that recorded a commit: one to compare with."""

    id: str
    attempt_number: int
    status: str | None
    commit_sha: str
    started_at: Moment


class AttemptError(Frozen):
    """A row of `errors` raised by the attempt."""

    error_type: str
    category: str | None
    severity: str | None
    message: str
    stack_trace: str | None
    resolved: bool
    created_at: Moment


class DiffStats(Frozen):
    """The attempt's `diff_stats` JSON ({filesChanged, insertions, deletions})."""

    files_changed: int | None
    insertions: int | None
    deletions: int | None


class AttemptReviewData(Frozen):
    attempt: AttemptView
    """Its error_message is the whole message here, not a table cell's cut."""
    card_id: str
    card_title: str
    worktree_path: str | None
    project_name: str | None
    repository_path: str | None
    output: str
    """The attempt's output ("" when it has none)."""
    output_cut: bool
    """True when the output was longer than the reader's cap and `output` is its start."""
    errors: tuple[AttemptError, ...]
    """Oldest first."""
    commits: tuple[AttemptCommit, ...]
    """Every attempt of the card with a commit (this one included), by attempt number."""


def parse_diff_stats(stored: JsonText | str | None) -> DiffStats | None:
    """`diff_stats` read, or None when it is missing or not the JSON object expected."""
    data = to_json_text(stored)
    value = data.value if data is not None else None
    if not isinstance(value, dict):
        return None

    def number(*keys: str) -> int | None:
        for key in keys:
            item = value.get(key)
            if isinstance(item, int) and not isinstance(item, bool):
                return item
        return None

    stats = DiffStats(
        files_changed=number("filesChanged", "files_changed", "files"),
        insertions=number("insertions", "additions"),
        deletions=number("deletions"),
    )
    if stats.files_changed is None and stats.insertions is None and stats.deletions is None:
        return None
    return stats


class DiffRequest(Frozen):
    """Which diff the review screen wants: a commit against its parent, or two commits."""

    worktree_path: str | None
    repository_path: str | None
    new_sha: str
    old_sha: str | None = None
    """None: `new_sha` against its first parent; else the diff from `old_sha` to it."""
