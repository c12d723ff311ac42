"""The review screen's slow work, each job a plain function the app runs in a thread worker.

A job reads the database (through the Source) or runs git (through `review`), never
touches a widget, never raises, and returns the message to post with its outcome.
"""

from __future__ import annotations

from ringmaster_tui.domain.review import DiffRequest
from ringmaster_tui.review import (
    ChangedFile,
    OutputIndex,
    Review,
    ReviewError,
    file_patch,
    load_commit_review,
    load_comparison,
    problem_of,
)
from ringmaster_tui.sources.base import Source
from ringmaster_tui.ui.highlight import PLAIN_LEXER, SAMPLE_LINES, lexer_name_for
from ringmaster_tui.ui.messages import DiffLoaded, PatchLoaded, ReviewDataLoaded


def read_attempt(source: Source, attempt_id: str) -> ReviewDataLoaded:
    """The attempt's row, once per visit, with its output indexed by line."""
    try:
        data = source.attempt_review(attempt_id)
    except Exception as exc:  # a locked or vanished database: the screen says so
        return ReviewDataLoaded(attempt_id, None, error=_first_line(exc))
    if data is None:
        return ReviewDataLoaded(attempt_id, None)
    output = OutputIndex(data.output)
    longest = max(map(len, data.output.split("\n"))) if data.output else 0
    return ReviewDataLoaded(attempt_id, data, output, longest)


def list_files(request: DiffRequest) -> DiffLoaded:
    """The repository chosen, the commits checked, the changed files listed (no patches)."""
    if request.old_sha is None:
        outcome = load_commit_review(
            request.worktree_path, request.repository_path, request.new_sha
        )
    else:
        outcome = load_comparison(
            request.worktree_path, request.repository_path, request.old_sha, request.new_sha
        )
    return DiffLoaded(request, outcome)


def read_patch(review: Review, file: ChangedFile) -> PatchLoaded:
    """One file's patch, and the lexer to colour it (picking one may load Pygments)."""
    try:
        patch = file_patch(review.repository, review.files.range, file)
    except ReviewError as error:
        return PatchLoaded(review, file, problem_of(error), PLAIN_LEXER)
    sample = "\n".join(line.text for h in patch.hunks[:3] for line in h.lines[:SAMPLE_LINES])
    lexer = PLAIN_LEXER if patch.binary else lexer_name_for(file.path, sample)
    return PatchLoaded(review, file, patch, lexer)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    lines = str(orig or exc).splitlines()
    return lines[0] if lines else type(exc).__name__
