"""The review screen's read: one attempt, its output and errors, its card's paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringmaster_tui.domain.review import DiffStats, parse_diff_stats
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.ringmaster import review_queries
from tests.builders import DbBuilder, ago, build_standard_board


def test_an_attempt_comes_with_its_output_errors_paths_and_sibling_commits(
    tmp_path: Path,
) -> None:
    db = tmp_path / "review.db"
    b = build_standard_board(db)
    card = b.conn.execute("SELECT id FROM cards WHERE title = 'Fix flaky test'").fetchone()[0]
    b.update_card(card, worktree_path="/work/trees/flaky")
    b.conn.execute("UPDATE projects SET repository_path = '/work/beta' WHERE name = 'beta'")
    second = b.attempt(
        card,
        2,
        commit_sha="a" * 40,
        output="line one\n[b]two[/b]\n",
        error_message="E" * 5000,
        diff_stats='{"filesChanged": 3, "insertions": 10, "deletions": 2}',
    )
    b.attempt(card, 3, "running")
    b.attempt(card, 4, commit_sha="b" * 40)
    b.error(card, "later", attempt_id=second, created_at=ago(minutes=1), stack_trace="at x")
    b.error(card, "first", attempt_id=second, created_at=ago(minutes=9))
    b.error(card, "someone else's")
    b.close()

    source = open_source(db, user="ann")
    data = source.attempt_review(second)
    assert source.attempt_review("no-such-attempt") is None
    source.close()

    assert data is not None
    assert (data.card_id, data.card_title) == (card, "Fix flaky test")
    assert (data.worktree_path, data.repository_path) == ("/work/trees/flaky", "/work/beta")
    assert data.project_name == "beta"
    assert data.output == "line one\n[b]two[/b]\n" and not data.output_cut
    assert data.attempt.attempt_number == 2 and data.attempt.commit_sha == "a" * 40
    assert data.attempt.error_message == "E" * 5000  # whole, not a table cell's cut
    assert [(e.message, e.stack_trace) for e in data.errors] == [
        ("first", None),
        ("later", "at x"),
    ]
    assert [(c.attempt_number, c.commit_sha) for c in data.commits] == [
        (2, "a" * 40),
        (4, "b" * 40),
    ]
    assert parse_diff_stats(data.attempt.diff_stats) == DiffStats(
        files_changed=3, insertions=10, deletions=2
    )


def test_a_huge_output_is_cut_and_flagged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "big.db"
    b = DbBuilder(db)
    card = b.card(b.project("alpha"), "Loud", "coding")
    attempt = b.attempt(card, 1, output="0123456789" * 10)
    quiet = b.attempt(card, 2)
    b.close()
    monkeypatch.setattr(review_queries, "OUTPUT_MAX_CHARS", 25)

    source = open_source(db, user="ann")
    loud, silent = source.attempt_review(attempt), source.attempt_review(quiet)
    source.close()

    assert loud is not None and loud.output == ("0123456789" * 3)[:25] and loud.output_cut
    assert silent is not None and silent.output == "" and not silent.output_cut
    assert silent.errors == () and silent.commits == ()


def test_diff_stats_that_do_not_parse_are_none() -> None:
    for raw in (None, "", "not json", "[1, 2]", '{"other": 1}', '{"insertions": true}'):
        assert parse_diff_stats(raw) is None, raw
    assert parse_diff_stats('{"insertions": 4}') == DiffStats(
        files_changed=None, insertions=4, deletions=None
    )
