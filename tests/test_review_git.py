"""Attempt review over REAL git repositories made in tmp_path: lists, patches, safety."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from ringmaster_tui.review import (
    ChangedFile,
    ChangedFiles,
    ChosenRepository,
    CommitNotFound,
    DiffRange,
    FileStatus,
    GitTimeout,
    LineKind,
    NoRepository,
    ProblemKind,
    Repository,
    Review,
    ReviewProblem,
    UnsafeGitValue,
    changed_files,
    choose_repository,
    commit_range,
    compare_range,
    file_patch,
    file_versions,
    load_commit_review,
    load_comparison,
    open_repository,
    resolve_commit,
    side_by_side,
    validate_path,
    validate_sha,
)
from ringmaster_tui.review.diff import PATCH_MAX_LINES

KEEP_V1 = "".join(f"line {n}\n" for n in range(1, 11))
# Line 3 changed, line 7 removed, a line added at the end.
KEEP_V2 = KEEP_V1.replace("line 3\n", "line three\n").replace("line 7\n", "") + "line 11\n"
OLD_TXT = "".join(f"a rather long line of text number {n}\n" for n in range(20))
BINARY_V1 = bytes(range(256)) * 4
BINARY_V2 = bytes(reversed(range(256))) * 4
DASH_NAME = "-n dash.txt"  # a path that would be an option if it came before `--`


def _git_env() -> dict[str, str]:
    # The tests' own git must not read the developer's config (signing, hooks, ...).
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.com",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.com",
        GIT_AUTHOR_DATE="2026-01-15T12:00:00Z",
        GIT_COMMITTER_DATE="2026-01-15T12:00:00Z",
    )
    return env


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env=_git_env(), capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def write(repo: Path, files: Mapping[str, str | bytes]) -> None:
    for name, content in files.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


class History:
    """root → change (added, deleted, renamed, binary, modified) → merge of a side branch."""

    def __init__(self, path: Path) -> None:
        self.path = init_repo(path)
        write(
            path,
            {
                "README.md": "hello\n",
                "keep.py": KEEP_V1,
                "old.txt": OLD_TXT,
                "gone.txt": "soon gone\n",
                "image.bin": BINARY_V1,
            },
        )
        self.root = commit_all(path, "root")
        git(path, "checkout", "-q", "-b", "side")
        write(path, {"side.txt": "from the side branch\n"})
        self.side = commit_all(path, "side")
        git(path, "checkout", "-q", "main")
        (path / "gone.txt").unlink()
        git(path, "mv", "old.txt", "new.txt")
        write(
            path,
            {
                "keep.py": KEEP_V2,
                "new.txt": OLD_TXT + "one more line\n",
                "image.bin": BINARY_V2,
                "added.txt": "one\ntwo\nthree\n",
                DASH_NAME: "dash\n",
            },
        )
        self.change = commit_all(path, "change")
        git(path, "merge", "-q", "--no-ff", "--no-edit", "side")
        self.merge = git(path, "rev-parse", "HEAD")
        self.repository = open_repository(path)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return History(tmp_path_factory.mktemp("history") / "repo")


def by_path(files: ChangedFiles) -> dict[str, ChangedFile]:
    return {f.path: f for f in files.files}


# --- file lists ---------------------------------------------------------------------


def test_a_root_commit_is_compared_with_nothing(history: History) -> None:
    diff_range = commit_range(history.repository, history.root)
    assert diff_range == DiffRange(old=None, new=history.root)
    files = by_path(changed_files(history.repository, diff_range))
    assert set(files) == {"README.md", "keep.py", "old.txt", "gone.txt", "image.bin"}
    assert all(f.status is FileStatus.ADDED and f.old_blob is None for f in files.values())
    assert (files["keep.py"].insertions, files["keep.py"].deletions) == (10, 0)
    assert files["image.bin"].binary


def test_a_commit_lists_every_kind_of_change_with_counts(history: History) -> None:
    listing = changed_files(history.repository, commit_range(history.repository, history.change))
    files = by_path(listing)
    assert set(files) == {"keep.py", "new.txt", "gone.txt", "image.bin", "added.txt", DASH_NAME}

    assert files["keep.py"].status is FileStatus.MODIFIED
    assert (files["keep.py"].insertions, files["keep.py"].deletions) == (2, 2)
    assert files["gone.txt"].status is FileStatus.DELETED
    assert (files["gone.txt"].deletions, files["gone.txt"].new_blob) == (1, None)
    assert files["added.txt"].status is FileStatus.ADDED
    assert files["added.txt"].insertions == 3

    renamed = files["new.txt"]
    assert renamed.status is FileStatus.RENAMED
    assert renamed.old_path == "old.txt"
    assert renamed.display_path == "old.txt → new.txt"
    assert (renamed.insertions, renamed.deletions) == (1, 0)
    assert renamed.similarity is not None and renamed.similarity > 90

    binary = files["image.bin"]
    assert binary.binary and binary.status is FileStatus.MODIFIED
    assert (binary.insertions, binary.deletions) == (None, None)

    assert (listing.insertions, listing.deletions) == (2 + 1 + 3 + 1, 2 + 1)


def test_a_merge_commit_is_compared_with_its_first_parent(history: History) -> None:
    diff_range = commit_range(history.repository, history.merge)
    assert diff_range.old == history.change
    files = changed_files(history.repository, diff_range)
    assert [(f.path, f.status) for f in files.files] == [("side.txt", FileStatus.ADDED)]


def test_two_commits_are_compared_tree_to_tree(history: History) -> None:
    short_root, short_merge = history.root[:7], history.merge[:10]
    diff_range = compare_range(history.repository, short_root, short_merge)
    assert diff_range == DiffRange(old=history.root, new=history.merge)
    paths = set(by_path(changed_files(history.repository, diff_range)))
    assert "side.txt" in paths and "new.txt" in paths and "gone.txt" in paths


# --- per-file patches and contents --------------------------------------------------


def test_a_file_patch_parses_into_numbered_hunks(history: History) -> None:
    diff_range = commit_range(history.repository, history.change)
    keep = by_path(changed_files(history.repository, diff_range))["keep.py"]
    patch = file_patch(history.repository, diff_range, keep)
    assert not patch.truncated and not patch.binary
    assert patch.header[0] == "diff --git a/keep.py b/keep.py"
    assert patch.text.startswith("diff --git") and "+line three" in patch.text

    changes = [
        (line.kind, line.text, line.old_number, line.new_number)
        for h in patch.hunks
        for line in h.lines
    ]
    assert (LineKind.REMOVED, "line 3", 3, None) in changes
    assert (LineKind.ADDED, "line three", None, 3) in changes
    assert (LineKind.REMOVED, "line 7", 7, None) in changes
    assert (LineKind.ADDED, "line 11", None, 10) in changes
    assert (LineKind.CONTEXT, "line 8", 8, 7) in changes
    assert all(h.complete for h in patch.hunks)

    rows = [row for hunk in patch.hunks for row in side_by_side(hunk)]
    changed = [
        (r.left.text if r.left else None, r.right.text if r.right else None)
        for r in rows
        if r.changed
    ]
    assert changed == [("line 3", "line three"), ("line 7", None), (None, "line 11")]


def test_a_renamed_file_patch_keeps_the_rename(history: History) -> None:
    diff_range = commit_range(history.repository, history.change)
    renamed = by_path(changed_files(history.repository, diff_range))["new.txt"]
    patch = file_patch(history.repository, diff_range, renamed)
    assert "rename from old.txt" in patch.header and "rename to new.txt" in patch.header
    added = [line.text for h in patch.hunks for line in h.lines if line.kind is LineKind.ADDED]
    assert added == ["one more line"]


def test_a_binary_file_has_no_hunks_and_no_text(history: History) -> None:
    diff_range = commit_range(history.repository, history.change)
    binary = by_path(changed_files(history.repository, diff_range))["image.bin"]
    patch = file_patch(history.repository, diff_range, binary)
    assert patch.binary and patch.hunks == ()
    versions = file_versions(history.repository, binary)
    assert versions.old is not None and versions.old.binary and versions.old.text == ""
    assert versions.new is not None and versions.new.binary


def test_a_path_that_looks_like_an_option_is_only_a_path(history: History) -> None:
    diff_range = commit_range(history.repository, history.change)
    dash = by_path(changed_files(history.repository, diff_range))[DASH_NAME]
    patch = file_patch(history.repository, diff_range, dash)
    assert [line.text for h in patch.hunks for line in h.lines] == ["dash"]


def test_file_versions_give_old_and_new_content(history: History) -> None:
    diff_range = commit_range(history.repository, history.change)
    files = by_path(changed_files(history.repository, diff_range))
    keep = file_versions(history.repository, files["keep.py"])
    assert keep.old is not None and keep.old.text == KEEP_V1
    assert keep.new is not None and keep.new.text == KEEP_V2 and not keep.new.truncated
    added = file_versions(history.repository, files["added.txt"])
    assert added.old is None and added.new is not None and added.new.text == "one\ntwo\nthree\n"
    gone = file_versions(history.repository, files["gone.txt"])
    assert gone.new is None and gone.old is not None and gone.old.text == "soon gone\n"

    capped = file_versions(history.repository, files["new.txt"], max_bytes=100)
    assert capped.new is not None and capped.new.truncated
    assert capped.new.text == OLD_TXT[: OLD_TXT.rfind("\n", 0, 100) + 1]


# --- refusing unsafe values ---------------------------------------------------------


def test_a_sha_must_be_7_to_40_hex_digits() -> None:
    assert validate_sha("ABCDEF1") == "abcdef1"
    assert validate_sha("a" * 40) == "a" * 40
    for bad in ("HEAD", "abc", "xyz1234", "a" * 41, "", "abcdef1\n", " abcdef1", "main~1"):
        with pytest.raises(UnsafeGitValue):
            validate_sha(bad)
    with pytest.raises(UnsafeGitValue):
        validate_sha(None)


def test_an_option_as_commit_is_refused_and_writes_nothing(
    history: History, tmp_path: Path
) -> None:
    target = tmp_path / "written-by-git"
    option = f"--output={target}"
    with pytest.raises(UnsafeGitValue):
        resolve_commit(history.repository, option)
    with pytest.raises(UnsafeGitValue):
        changed_files(history.repository, DiffRange(old=option, new=history.change))
    with pytest.raises(UnsafeGitValue):
        changed_files(history.repository, DiffRange(old=None, new=option))
    outcome = load_commit_review(str(history.path), None, option)
    assert isinstance(outcome, ReviewProblem) and outcome.kind is ProblemKind.UNSAFE_VALUE
    comparison = load_comparison(str(history.path), None, history.root, option)
    assert isinstance(comparison, ReviewProblem)
    assert comparison.kind is ProblemKind.UNSAFE_VALUE
    assert not target.exists()


def test_paths_outside_the_repository_are_refused(history: History) -> None:
    for bad in ("", "/etc/passwd", "../secret", "a/../../b", "nul\0byte"):
        with pytest.raises(UnsafeGitValue):
            validate_path(bad)
    outside = ChangedFile(
        path="../../etc/passwd",
        old_path=None,
        status=FileStatus.MODIFIED,
        insertions=1,
        deletions=1,
        binary=False,
        old_blob=None,
        new_blob="--output=/tmp/x",
        old_mode="100644",
        new_mode="100644",
    )
    diff_range = DiffRange(old=history.root, new=history.change)
    with pytest.raises(UnsafeGitValue):
        file_patch(history.repository, diff_range, outside)
    with pytest.raises(UnsafeGitValue):
        file_versions(history.repository, outside)


# --- clear outcomes for missing things ----------------------------------------------


def test_a_missing_repository_is_a_clear_outcome(tmp_path: Path, history: History) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    for path in (str(tmp_path / "nowhere"), str(plain), ""):
        outcome = load_commit_review(path, None, history.change)
        assert isinstance(outcome, ReviewProblem)
        assert outcome.kind is ProblemKind.NO_REPOSITORY
        assert "repository not found" in outcome.message


def test_a_folder_inside_a_repository_is_not_taken_for_it(history: History) -> None:
    # A deleted worktree's path inside some other repository must not find that one.
    nested = history.path / "sub" / "dir"
    nested.mkdir(parents=True)
    chosen = choose_repository(str(nested), None)
    assert isinstance(chosen, NoRepository)
    assert "not a git work tree" in chosen.message


def test_the_worktree_is_preferred_and_the_project_is_the_fallback(
    history: History, tmp_path: Path
) -> None:
    worktree = tmp_path / "worktree"
    git(history.path, "worktree", "add", "-q", "--detach", str(worktree), history.change)
    chosen = choose_repository(str(worktree), str(history.path))
    assert isinstance(chosen, ChosenRepository) and chosen.source == "worktree"
    assert chosen.repository.path == worktree.resolve()

    fallback = choose_repository(str(tmp_path / "deleted-worktree"), str(history.path))
    assert isinstance(fallback, ChosenRepository) and fallback.source == "project"

    neither = choose_repository(None, str(tmp_path / "nowhere"))
    assert isinstance(neither, NoRepository) and len(neither.reasons) == 2
    assert "no worktree" in neither.reasons[0]

    review = load_commit_review(str(worktree), str(history.path), history.change[:12])
    assert isinstance(review, Review) and review.source == "worktree"
    assert review.files.range == DiffRange(old=history.root, new=history.change)


def test_a_well_formed_but_absent_commit_is_a_clear_outcome(history: History) -> None:
    absent = "0123456789abcdef0123456789abcdef01234567"
    with pytest.raises(CommitNotFound):
        resolve_commit(history.repository, absent)
    outcome = load_commit_review(str(history.path), None, absent)
    assert isinstance(outcome, ReviewProblem) and outcome.kind is ProblemKind.NO_COMMIT
    assert absent in outcome.message
    # A blob's id is an object, but not a commit.
    blob = git(history.path, "rev-parse", f"{history.root}:README.md")
    outcome = load_commit_review(str(history.path), None, blob)
    assert isinstance(outcome, ReviewProblem) and outcome.kind is ProblemKind.NO_COMMIT


def test_git_that_takes_too_long_is_stopped(history: History) -> None:
    hurried = Repository(path=history.repository.path, timeout=1e-6)
    with pytest.raises(GitTimeout, match="took longer than"):
        commit_range(hurried, history.change)
    outcome = load_commit_review(str(history.path), None, history.change, timeout=1e-6)
    assert isinstance(outcome, ReviewProblem) and outcome.kind is ProblemKind.TIMEOUT


# --- a hostile repository -----------------------------------------------------------


def test_programs_named_by_the_repository_never_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = init_repo(tmp_path / "hostile")
    marker = tmp_path / "marker"
    script = tmp_path / "evil.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> "{marker}"\ncat "$1" 2>/dev/null\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    write(repo, {"a.txt": "one\n", ".gitattributes": "*.txt diff=evil\n"})
    first = commit_all(repo, "first")
    write(repo, {"a.txt": "two\n"})
    second = commit_all(repo, "second")
    for key in ("diff.external", "core.pager", "pager.diff", "diff.evil.textconv"):
        git(repo, "config", key, str(script))
    git(repo, "config", "diff.evil.command", str(script))
    git(repo, "config", "core.fsmonitor", str(script))
    git(repo, "config", "core.hooksPath", str(tmp_path))
    monkeypatch.setenv("GIT_EXTERNAL_DIFF", str(script))
    monkeypatch.setenv("GIT_PAGER", str(script))

    review = load_commit_review(str(repo), None, second)
    assert isinstance(review, Review)
    for changed in review.files.files:
        patch = file_patch(review.repository, review.files.range, changed)
        file_versions(review.repository, changed)
        if changed.path == "a.txt":
            assert [line.text for h in patch.hunks for line in h.lines] == ["one", "two"]
    comparison = load_comparison(str(repo), None, second, first)
    assert isinstance(comparison, Review)
    assert not marker.exists()

    # The traps are real: plain `git diff` runs the external diff, and without it the
    # textconv driver; `git diff-tree -p --ext-diff` runs the diff driver's command.
    for extra in ((), ("--no-ext-diff",)):
        marker.unlink(missing_ok=True)
        subprocess.run(["git", "diff", *extra, first, second], cwd=repo, env=_git_env())
        assert marker.exists(), extra


# --- big changes stay responsive ----------------------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repository, str]:
    repo = init_repo(tmp_path_factory.mktemp("big") / "repo")
    write(repo, {"huge.txt": "".join(f"row {n} of the original\n" for n in range(50_000))})
    commit_all(repo, "before")
    many = {f"pkg/m{n:04d}.py": f"value = {n}\n" for n in range(3_000)}
    write(repo, {"huge.txt": "".join(f"row {n} rewritten\n" for n in range(50_000)), **many})
    return open_repository(repo), commit_all(repo, "after")


def test_a_huge_change_lists_its_files_quickly(big: tuple[Repository, str]) -> None:
    repository, sha = big
    started = time.perf_counter()
    listing = changed_files(repository, commit_range(repository, sha))
    assert time.perf_counter() - started < 5
    assert len(listing.files) == 3_001 and not listing.truncated
    huge = by_path(listing)["huge.txt"]
    assert (huge.insertions, huge.deletions) == (50_000, 50_000)


def test_a_huge_file_patch_is_capped_and_flagged(big: tuple[Repository, str]) -> None:
    repository, sha = big
    diff_range = commit_range(repository, sha)
    huge = by_path(changed_files(repository, diff_range))["huge.txt"]

    by_lines = file_patch(repository, diff_range, huge)
    assert by_lines.truncated
    assert by_lines.text.count("\n") + 1 == PATCH_MAX_LINES
    hunk = by_lines.hunks[-1]
    assert not hunk.complete and hunk.lines[0].text == "row 0 of the original"
    assert hunk.lines[-1].kind in (LineKind.REMOVED, LineKind.ADDED)

    by_bytes = file_patch(repository, diff_range, huge, max_bytes=10_000)
    assert by_bytes.truncated and len(by_bytes.text.encode()) <= 10_000
    # The cut falls between lines: the last line read is whole.
    last = by_bytes.hunks[-1].lines[-1]
    assert last.text.endswith(("of the original", "rewritten"))
