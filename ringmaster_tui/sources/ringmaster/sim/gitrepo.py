"""Demo git repositories the simulated agents commit to, so their diffs can be reviewed.

Only repositories this module created are ever committed to: `create` leaves a marker
inside `.git`, and `existing` refuses a folder without it. A project's repository_path
in someone's real database may point at their real work.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

GIT_TIMEOUT_SECONDS = 10
MARKER = "ringmaster-tui-demo"
_SHA = re.compile(r"[0-9a-f]{40}")
# Settings of the user's or the system's git that would change what a commit does.
_GIT_OPTIONS = ("-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false")
_UNSET = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY")


class GitError(Exception):
    """git failed, timed out, or is not installed."""


@dataclass(frozen=True)
class Commit:
    sha: str
    files_changed: int
    insertions: int
    deletions: int

    def diff_stats(self) -> str:
        """The attempts.diff_stats JSON Ringmaster writes."""
        return json.dumps(
            {
                "filesChanged": self.files_changed,
                "insertions": self.insertions,
                "deletions": self.deletions,
            }
        )


class DemoRepo:
    def __init__(self, path: Path) -> None:
        # Absolute, because the path is stored in projects.repository_path.
        self.path = path.resolve()

    @classmethod
    def create(cls, path: Path, when: datetime) -> DemoRepo:
        """A new repository at `path` with one initial commit (made at `when`)."""
        path.mkdir(parents=True, exist_ok=True)
        repo = cls(path)
        repo._git(when, "init", "-q", "-b", "main")
        (repo.path / ".git" / MARKER).write_text("created by ringmaster-tui for demo data\n")
        repo.commit({"README.md": f"# {path.name}\n\nA demo repository.\n"}, "Initial commit", when)
        return repo

    @classmethod
    def existing(cls, path: str | Path | None) -> DemoRepo | None:
        """The demo repository at `path`, or None when there is none of ours there."""
        if not path or not (Path(path) / ".git" / MARKER).is_file():
            return None
        return cls(Path(path))

    def commit(
        self, files: dict[str, str], message: str, when: datetime, author: str = "Demo Agent"
    ) -> Commit:
        """Write `files` (relative path -> content), commit them, and say what changed."""
        for name in files:
            relative = PurePosixPath(name)
            if relative.is_absolute() or ".." in relative.parts or name.startswith("-"):
                raise ValueError(f"not a path inside the repository: {name!r}")
        for name, content in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)
        self._git(when, "add", "--", *files)
        # --allow-empty: an attempt that rewrote a file identically still gets its commit.
        self._git(when, "commit", "-q", "--allow-empty", "-m", message, author=author)
        out = self._git(when, "show", "--no-ext-diff", "--numstat", "--format=%H", "HEAD")
        sha, *rows = out.splitlines()
        if not _SHA.fullmatch(sha):
            raise GitError(f"unexpected output from git show: {sha!r}")
        stats = [row.split("\t") for row in rows if row.strip()]
        return Commit(
            sha,
            len(stats),
            sum(int(s[0]) for s in stats if s[0].isdigit()),
            sum(int(s[1]) for s in stats if s[1].isdigit()),
        )

    def _git(self, when: datetime, *args: str, author: str = "Demo Agent") -> str:
        stamp = when.isoformat()
        env = {k: v for k, v in os.environ.items() if k not in _UNSET}
        env.update(
            GIT_AUTHOR_NAME=author,
            GIT_AUTHOR_EMAIL="agent@ringmaster.invalid",
            GIT_COMMITTER_NAME="Ringmaster",
            GIT_COMMITTER_EMAIL="ringmaster@ringmaster.invalid",
            GIT_AUTHOR_DATE=stamp,
            GIT_COMMITTER_DATE=stamp,
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=os.devnull,
            GIT_TERMINAL_PROMPT="0",
            GIT_PAGER="cat",
        )
        try:
            result = subprocess.run(
                ["git", *_GIT_OPTIONS, *args],
                cwd=self.path,
                env=env,
                capture_output=True,
                text=True,
                check=True,
                timeout=GIT_TIMEOUT_SECONDS,
            )
        except subprocess.CalledProcessError as exc:
            raise GitError(f"git {args[0]} failed: {exc.stderr.strip()}") from exc
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GitError(f"git {args[0]}: {exc}") from exc
        return result.stdout.strip()
