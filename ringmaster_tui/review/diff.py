"""What a commit (or a pair of commits) changed: the file list, then one file at a time.

The file list is one cheap `git diff-tree --raw --numstat` run. Patches and file contents
are fetched per file, when asked, each capped, so thousands of files or a 50,000-line
file never make one huge read. Plumbing (`diff-tree`, `cat-file`) rather than `git diff`
and `git show`: plumbing ignores the user-interface settings of the repository's config
(diff.noprefix, diff.relative, color, signatures) that would change the output.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum

from ringmaster_tui.review.git import (
    CommitNotFound,
    GitFailed,
    Repository,
    validate_path,
    validate_sha,
)
from ringmaster_tui.review.hunks import Hunk, parse_hunks

FILE_LIST_MAX_BYTES = 32 * 1024 * 1024
PATCH_MAX_BYTES = 1024 * 1024
PATCH_MAX_LINES = 20_000
CONTENT_MAX_BYTES = 2 * 1024 * 1024
_BINARY_SNIFF_BYTES = 8000  # as git does: a NUL in the first 8000 bytes means binary
_GITLINK_MODE = "160000"  # a submodule: its "blob" is a commit of another repository

# Never run a program named by the repository's config or attributes.
_SAFE_DIFF_OPTIONS = ("--no-ext-diff", "--no-textconv", "--no-color")


class FileStatus(StrEnum):
    ADDED = "added"
    DELETED = "deleted"
    MODIFIED = "modified"
    RENAMED = "renamed"
    COPIED = "copied"
    TYPE_CHANGED = "type changed"
    UNMERGED = "unmerged"
    UNKNOWN = "unknown"


_STATUS_LETTERS = {
    "A": FileStatus.ADDED,
    "D": FileStatus.DELETED,
    "M": FileStatus.MODIFIED,
    "R": FileStatus.RENAMED,
    "C": FileStatus.COPIED,
    "T": FileStatus.TYPE_CHANGED,
    "U": FileStatus.UNMERGED,
}


@dataclass(frozen=True, slots=True)
class DiffRange:
    """From `old` to `new` (full shas); `old` None means from nothing (a root commit)."""

    old: str | None
    new: str

    def git_args(self) -> tuple[str, ...]:
        """The commits as diff-tree arguments, validated, after --end-of-options."""
        new = validate_sha(self.new)
        if self.old is None:
            return ("--root", "--end-of-options", new)
        return ("--end-of-options", validate_sha(self.old), new)


@dataclass(frozen=True, slots=True)
class ChangedFile:
    path: str
    """The path after the change (the old path for a deleted file)."""
    old_path: str | None
    """The path before a rename or copy; None otherwise."""
    status: FileStatus
    insertions: int | None
    """None for a binary file (git counts no lines for it) or when unknown."""
    deletions: int | None
    binary: bool
    old_blob: str | None
    """The old content's object id; None when the file did not exist before."""
    new_blob: str | None
    old_mode: str
    new_mode: str
    similarity: int | None = None
    """Percent similarity of a rename or copy."""

    @property
    def display_path(self) -> str:
        """`old → new` for a rename; undecodable bytes shown as U+FFFD."""
        shown = self.path if self.old_path is None else f"{self.old_path} → {self.path}"
        return shown.encode("utf-8", "surrogateescape").decode("utf-8", "replace")

    @property
    def is_submodule(self) -> bool:
        return _GITLINK_MODE in (self.old_mode, self.new_mode)


@dataclass(frozen=True, slots=True)
class ChangedFiles:
    range: DiffRange
    files: tuple[ChangedFile, ...]
    truncated: bool = False
    """True when the list itself was too big to read whole (tens of MB of paths)."""

    @property
    def insertions(self) -> int:
        return sum(f.insertions or 0 for f in self.files)

    @property
    def deletions(self) -> int:
        return sum(f.deletions or 0 for f in self.files)


@dataclass(frozen=True, slots=True)
class FilePatch:
    file: ChangedFile
    text: str
    """The unified diff of this one file, headers included, cut at the cap."""
    header: tuple[str, ...]
    """The lines before the first hunk (diff --git, rename from, new file mode, ...)."""
    hunks: tuple[Hunk, ...]
    binary: bool
    truncated: bool
    """True when the patch was longer than the byte or line cap; `text` is its start."""


@dataclass(frozen=True, slots=True)
class FileText:
    text: str
    """Empty for binary content."""
    binary: bool
    truncated: bool


@dataclass(frozen=True, slots=True)
class FileVersions:
    """One file's content before and after, for a side-by-side view."""

    old: FileText | None
    """None when there is no old content (an added file, a submodule)."""
    new: FileText | None


def resolve_commit(repository: Repository, sha: str) -> str:
    """The full sha of the commit `sha` names, or CommitNotFound."""
    candidate = validate_sha(sha)
    try:
        output = repository.git(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{candidate}^{{commit}}"
        )
    except GitFailed as error:
        # --quiet exits 1 for "no such commit"; an ambiguous short sha fails the same way.
        if error.returncode != 1:
            raise
        raise CommitNotFound(
            f"commit {candidate} not found in {repository.path} (absent, or an ambiguous short sha)"
        ) from error
    return output.stdout.decode("ascii").strip()


def parents(repository: Repository, commit: str) -> tuple[str, ...]:
    output = repository.git(
        "rev-list", "--parents", "--max-count=1", "--end-of-options", validate_sha(commit)
    )
    return tuple(output.stdout.decode("ascii").split()[1:])


def commit_range(repository: Repository, sha: str) -> DiffRange:
    """A commit against its first parent; a root commit against nothing."""
    commit = resolve_commit(repository, sha)
    first_parent = next(iter(parents(repository, commit)), None)
    return DiffRange(old=first_parent, new=commit)


def compare_range(repository: Repository, old_sha: str, new_sha: str) -> DiffRange:
    """One commit's tree against another's (e.g. two attempts at the same card)."""
    return DiffRange(
        old=resolve_commit(repository, old_sha), new=resolve_commit(repository, new_sha)
    )


def changed_files(
    repository: Repository, diff_range: DiffRange, max_bytes: int = FILE_LIST_MAX_BYTES
) -> ChangedFiles:
    """Every changed file with its status and line counts; no patch text is made."""
    output = repository.git(
        "diff-tree",
        "-r",
        "-z",
        "-M",
        "--raw",
        "--numstat",
        "--no-abbrev",
        "--no-commit-id",
        *_SAFE_DIFF_OPTIONS,
        *diff_range.git_args(),
        max_bytes=max_bytes,
    )
    files = _parse_raw_and_numstat(output.stdout)
    return ChangedFiles(range=diff_range, files=files, truncated=output.truncated)


def _parse_raw_and_numstat(data: bytes) -> tuple[ChangedFile, ...]:
    """Parse `--raw --numstat -z`: all raw records, then all numstat records.

    raw:     ":oldmode newmode oldsha newsha STATUS\\0path\\0" (two paths for R and C)
    numstat: "added\\tdeleted\\tpath\\0", or "added\\tdeleted\\t\\0old\\0new\\0"
    A field cut by the output cap (the last one) is dropped with its record.
    """
    fields = data.split(b"\0")[:-1]
    raw: list[tuple[list[str], tuple[str, ...]]] = []
    counts: dict[tuple[str, ...], tuple[str, str]] = {}
    index = 0
    while index < len(fields):
        field = fields[index]
        if field.startswith(b":"):
            meta = field[1:].decode("ascii", "replace").split(" ")
            wanted = 2 if meta[-1].startswith(("R", "C")) else 1
            paths = tuple(os.fsdecode(p) for p in fields[index + 1 : index + 1 + wanted])
            if len(meta) != 5 or len(paths) < wanted:
                break
            raw.append((meta, paths))
            index += 1 + wanted
            continue
        parts = field.split(b"\t", 2)
        if len(parts) != 3:
            break
        if parts[2]:
            key: tuple[str, ...] = (os.fsdecode(parts[2]),)
            index += 1
        else:  # a rename: both paths follow as fields of their own
            key = tuple(os.fsdecode(p) for p in fields[index + 1 : index + 3])
            index += 3
        counts[key] = (parts[0].decode("ascii", "replace"), parts[1].decode("ascii", "replace"))
    return tuple(_changed_file(meta, paths, counts.get(paths)) for meta, paths in raw)


def _changed_file(
    meta: list[str], paths: tuple[str, ...], count: tuple[str, str] | None
) -> ChangedFile:
    old_mode, new_mode, old_blob, new_blob, status = meta
    binary = count is not None and count[0] == "-"
    insertions = int(count[0]) if count is not None and not binary else None
    deletions = int(count[1]) if count is not None and not binary else None
    return ChangedFile(
        path=paths[-1],
        old_path=paths[0] if len(paths) == 2 else None,
        status=_STATUS_LETTERS.get(status[:1], FileStatus.UNKNOWN),
        insertions=insertions,
        deletions=deletions,
        binary=binary,
        old_blob=None if set(old_blob) == {"0"} else old_blob,
        new_blob=None if set(new_blob) == {"0"} else new_blob,
        old_mode=old_mode,
        new_mode=new_mode,
        similarity=int(status[1:]) if status[1:].isdigit() else None,
    )


def file_patch(
    repository: Repository,
    diff_range: DiffRange,
    file: ChangedFile,
    *,
    max_bytes: int = PATCH_MAX_BYTES,
    max_lines: int = PATCH_MAX_LINES,
) -> FilePatch:
    """This one file's unified diff, parsed into hunks, cut at `max_bytes`/`max_lines`."""
    # Both paths of a rename, so git pairs them again inside the narrowed diff.
    paths = [validate_path(p) for p in (file.old_path, file.path) if p is not None]
    output = repository.git(
        "diff-tree",
        "-r",
        "-p",
        "-M",
        "-U3",
        "--no-commit-id",
        *_SAFE_DIFF_OPTIONS,
        *diff_range.git_args(),
        "--",
        *paths,
        max_bytes=max_bytes,
    )
    data, truncated = output.stdout, output.truncated
    if truncated:
        data = data[: data.rfind(b"\n") + 1]  # a cut line would be wrong, not just short
    lines = data.decode("utf-8", "replace").removesuffix("\n").split("\n") if data else []
    if len(lines) > max_lines:
        lines, truncated = lines[:max_lines], True
    first_hunk = next((i for i, line in enumerate(lines) if line.startswith("@@ ")), len(lines))
    header = tuple(lines[:first_hunk])
    return FilePatch(
        file=file,
        text="\n".join(lines),
        header=header,
        hunks=parse_hunks(lines),
        binary=file.binary or any(line.startswith("Binary files ") for line in header),
        truncated=truncated,
    )


def file_versions(
    repository: Repository, file: ChangedFile, max_bytes: int = CONTENT_MAX_BYTES
) -> FileVersions:
    """The old and the new content of one changed file, each capped at `max_bytes`."""
    if file.is_submodule:
        return FileVersions(old=None, new=None)
    return FileVersions(
        old=_blob_text(repository, file.old_blob, max_bytes),
        new=_blob_text(repository, file.new_blob, max_bytes),
    )


def _blob_text(repository: Repository, blob: str | None, max_bytes: int) -> FileText | None:
    if blob is None:
        return None
    # By object id, not "<sha>:<path>": nothing of the path is parsed by git.
    output = repository.git(
        "cat-file", "blob", "--end-of-options", validate_sha(blob), max_bytes=max_bytes
    )
    data = output.stdout
    if b"\0" in data[:_BINARY_SNIFF_BYTES]:
        return FileText(text="", binary=True, truncated=output.truncated)
    if output.truncated and b"\n" in data:
        data = data[: data.rfind(b"\n") + 1]
    return FileText(text=data.decode("utf-8", "replace"), binary=False, truncated=output.truncated)
