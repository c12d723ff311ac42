"""Running git safely over values that come from the database.

Commit shas and paths in the database are untrusted, and so is the repository itself: its
`.git/config` and `.gitattributes` may name programs (external diff, textconv, pager,
fsmonitor, hooks). Every call here refuses a value that is not what it claims to be,
switches those programs off, reads at most a capped amount of output, and stops git after
a timeout. Errors are `ReviewError` subclasses with a message a person can read.
"""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

GIT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024
_MAX_STDERR_BYTES = 64 * 1024
_READ_CHUNK = 256 * 1024

# A commit as the database stores it: abbreviated or full SHA-1 hex, nothing else.
_SHA = re.compile(r"[0-9a-fA-F]{7,40}")

# Options before the subcommand. `-c` overrides beat the repository's own config.
_GLOBAL_OPTIONS = (
    "--no-pager",
    "--literal-pathspecs",  # a path is a path: no globs, no ":(magic)"
    "--no-replace-objects",  # refs/replace could show other content under a sha
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.pager=cat",
    # An empty value is not "unset": a diff that allowed external diffs would fail on it
    # rather than run the repository's program. Every diff here also passes --no-ext-diff.
    "-c",
    "diff.external=",
    "-c",
    "color.ui=false",
    "-c",
    "log.showSignature=false",
    "-c",
    "diff.suppressBlankEmpty=false",
)


class ReviewError(Exception):
    """Something the review could not do; `str(error)` is meant for the user."""


class UnsafeGitValue(ReviewError, ValueError):
    """A value from the database that must not reach git (not a sha, an option, ...)."""


class RepositoryNotFound(ReviewError):
    """The path does not exist or is not a git work tree."""


class CommitNotFound(ReviewError):
    """A well-formed sha that names no commit in the repository (or several)."""


class GitFailed(ReviewError):
    """git is missing, or exited with an error."""

    def __init__(self, message: str, returncode: int | None = None) -> None:
        super().__init__(message)
        self.returncode = returncode


class GitTimeout(GitFailed):
    """git took longer than allowed and was stopped."""


def validate_sha(value: object) -> str:
    """`value` as a lowercase hex sha of 7 to 40 characters, or UnsafeGitValue."""
    if not isinstance(value, str) or not _SHA.fullmatch(value):
        raise UnsafeGitValue(f"not a commit sha (7-40 hex digits): {value!r:.60}")
    return value.lower()


def validate_path(value: object) -> str:
    """`value` as a path inside a repository, or UnsafeGitValue. It goes after `--`."""
    if not isinstance(value, str) or not value or "\0" in value:
        raise UnsafeGitValue(f"not a file path: {value!r:.60}")
    if value.startswith("/") or ".." in value.split("/"):
        raise UnsafeGitValue(f"not a path inside the repository: {value!r:.60}")
    return value


@dataclass(frozen=True, slots=True)
class GitOutput:
    stdout: bytes
    truncated: bool
    """True when git had more to say than the cap allowed (and was stopped)."""


def _environment(repository: Path) -> dict[str, str]:
    # GIT_DIR, GIT_EXTERNAL_DIFF, GIT_CONFIG_* etc. from our own environment would
    # redirect or reconfigure git: drop every GIT_ variable, then set ours.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    environment.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_ATTR_NOSYSTEM="1",
        GIT_PAGER="cat",
        PAGER="cat",
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",
        # Never climb above the given folder: a deleted worktree inside another
        # repository (or a home directory under git) must not be taken for it.
        GIT_CEILING_DIRECTORIES=str(repository.parent),
        LC_ALL="C",
    )
    return environment


def run_git(
    repository: Path,
    *args: str,
    timeout: float = GIT_TIMEOUT_SECONDS,
    max_bytes: int = DEFAULT_MAX_OUTPUT_BYTES,
) -> GitOutput:
    """Run `git <args>` in `repository`; stdout is cut (and git stopped) past `max_bytes`.

    Callers validate every value in `args` first; this adds the safety options.
    """
    command = ["git", *_GLOBAL_OPTIONS, *args]
    try:
        process = subprocess.Popen(
            command,
            cwd=repository,
            env=_environment(repository),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError as error:
        if not repository.is_dir():
            raise RepositoryNotFound(f"repository not found: {repository}") from error
        raise GitFailed("git is not installed") from error
    except OSError as error:
        raise RepositoryNotFound(f"cannot open repository {repository}: {error}") from error
    with process:
        stdout, stderr, truncated = _read_capped(process, timeout, max_bytes, args)
    if process.returncode != 0 and not truncated:
        raise GitFailed(_describe_failure(args, process.returncode, stderr), process.returncode)
    return GitOutput(stdout=stdout, truncated=truncated)


def _read_capped(
    process: subprocess.Popen[bytes], timeout: float, max_bytes: int, args: tuple[str, ...]
) -> tuple[bytes, bytes, bool]:
    """Read stdout and stderr together until git exits, the cap is hit, or time runs out."""
    assert process.stdout is not None and process.stderr is not None
    deadline = time.monotonic() + timeout
    stdout = bytearray()
    stderr = bytearray()
    truncated = False
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ, stdout)
        selector.register(process.stderr, selectors.EVENT_READ, stderr)
        while selector.get_map() and not truncated:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                process.kill()
                process.wait()
                raise GitTimeout(f"git {_subcommand(args)} took longer than {timeout:g} s")
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fd, _READ_CHUNK)
                if not chunk:
                    selector.unregister(key.fileobj)
                elif key.data is stdout:
                    room = max_bytes - len(stdout)
                    stdout += chunk[:room]
                    truncated = len(chunk) > room
                elif len(stderr) < _MAX_STDERR_BYTES:
                    stderr += chunk
    if truncated:
        process.kill()
    try:
        process.wait(max(deadline - time.monotonic(), 0.1))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise GitTimeout(f"git {_subcommand(args)} took longer than {timeout:g} s") from None
    return bytes(stdout), bytes(stderr), truncated


def _subcommand(args: tuple[str, ...]) -> str:
    return next((a for a in args if not a.startswith("-")), "")


def _describe_failure(args: tuple[str, ...], returncode: int, stderr: bytes) -> str:
    # The first fatal/error line says what went wrong; hints follow it (e.g. after
    # "detected dubious ownership" comes a `git config --global` suggestion).
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    errors = [line for line in lines if line.startswith(("fatal:", "error:"))]
    detail = next(iter(errors or [line for line in lines if line]), f"exit {returncode}")
    return f"git {_subcommand(args)} failed: {detail}"


@dataclass(frozen=True, slots=True)
class Repository:
    """A checked git work tree; `git()` runs safely inside it."""

    path: Path
    timeout: float = GIT_TIMEOUT_SECONDS

    def git(self, *args: str, max_bytes: int = DEFAULT_MAX_OUTPUT_BYTES) -> GitOutput:
        return run_git(self.path, *args, timeout=self.timeout, max_bytes=max_bytes)


def open_repository(path: str | Path, timeout: float = GIT_TIMEOUT_SECONDS) -> Repository:
    """The git work tree at `path`, or RepositoryNotFound."""
    text = str(path)
    if not text or "\0" in text:
        raise RepositoryNotFound(f"repository not found: {text!r:.80}")
    folder = Path(text).expanduser().resolve()
    if not folder.is_dir():
        raise RepositoryNotFound(f"repository not found: {folder} does not exist")
    try:
        answer = run_git(folder, "rev-parse", "--is-inside-work-tree", timeout=timeout)
    except GitTimeout:
        raise
    except GitFailed as error:
        raise RepositoryNotFound(f"not a git work tree: {folder} ({error})") from error
    if answer.stdout.strip() != b"true":
        raise RepositoryNotFound(f"not a git work tree: {folder}")
    return Repository(path=folder, timeout=timeout)


@dataclass(frozen=True, slots=True)
class ChosenRepository:
    repository: Repository
    source: Literal["worktree", "project"]
    """Where it came from: the card's worktree, or the project's repository_path."""


@dataclass(frozen=True, slots=True)
class NoRepository:
    reasons: tuple[str, ...]
    """Why each candidate was refused, in the order tried."""

    @property
    def message(self) -> str:
        return "repository not found: " + "; ".join(self.reasons)


_MISSING = {"worktree": "the card has no worktree", "project": "the project has no repository_path"}


def choose_repository(
    worktree_path: str | None,
    repository_path: str | None,
    timeout: float = GIT_TIMEOUT_SECONDS,
) -> ChosenRepository | NoRepository:
    """The card's worktree if it is a work tree, else the project's repository."""
    reasons: list[str] = []
    candidates: tuple[tuple[Literal["worktree", "project"], str | None], ...] = (
        ("worktree", worktree_path),
        ("project", repository_path),
    )
    for source, path in candidates:
        if not path:
            reasons.append(_MISSING[source])
            continue
        try:
            return ChosenRepository(open_repository(path, timeout), source)
        except RepositoryNotFound as error:  # a timeout is reported as one, not skipped
            reasons.append(f"{source}: {error}")
    return NoRepository(tuple(reasons))
