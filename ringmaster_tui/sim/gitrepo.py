"""A demo git repository the simulated agents commit to, so diffs can be reviewed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_TIMEOUT_SECONDS = 10
_ENV = {
    "GIT_AUTHOR_NAME": "Demo Agent",
    "GIT_AUTHOR_EMAIL": "agent@example.com",
    "GIT_COMMITTER_NAME": "Demo Agent",
    "GIT_COMMITTER_EMAIL": "agent@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
}


class DemoRepo:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _git(self, *args: str) -> str:
        result = subprocess.run(
            ["git", "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false", *args],
            cwd=self.path,
            env={**os.environ, **_ENV},
            capture_output=True,
            text=True,
            check=True,
            timeout=GIT_TIMEOUT_SECONDS,
        )
        return result.stdout.strip()

    def ensure(self) -> DemoRepo:
        if not (self.path / ".git").exists():
            self.path.mkdir(parents=True, exist_ok=True)
            self._git("init", "-q", "-b", "main")
            (self.path / "README.md").write_text("# Demo project\n")
            self.commit("Initial commit", {})
        return self

    def commit(self, message: str, files: dict[str, str]) -> str:
        """Write `files` (path -> content), commit everything, return the new sha."""
        for name, content in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)
        self._git("add", "-A")
        self._git("commit", "-q", "--allow-empty", "-m", message)
        return self._git("rev-parse", "HEAD")

    def diff_stats(self, sha: str) -> dict[str, int]:
        out = self._git("show", "--numstat", "--format=", sha)
        rows = [line.split("\t") for line in out.splitlines() if line.strip()]
        return {
            "filesChanged": len(rows),
            "insertions": sum(int(r[0]) for r in rows if r[0].isdigit()),
            "deletions": sum(int(r[1]) for r in rows if r[1].isdigit()),
        }
