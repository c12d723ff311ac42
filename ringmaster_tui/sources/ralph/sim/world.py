"""Ralph's orchestrator, played: one step advances one story as its agents would, writing
what Ralph writes (status, history, agent executions, quality gates, commits, progress
and system logs). The demo plays many steps on a made-up clock; the simulator plays
them live. Only projects whose status is `running` are worked on: pausing a project from
the dashboard stops it here, as it would stop Ralph.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ringmaster_tui.sources.ralph.sim.texts import (
    ERRORS,
    GATE_FINDINGS_FAIL,
    GATE_FINDINGS_PASS,
    LEARNINGS,
)
from ringmaster_tui.sources.ringmaster.sim.gitrepo import DemoRepo, GitError

MAX_ATTEMPTS = 3


def stamp(moment: datetime) -> str:
    """A timestamp as SQLite's CURRENT_TIMESTAMP writes it (UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class World:
    conn: sqlite3.Connection
    rng: random.Random
    clock: Callable[[], datetime]
    repo_root: Path | None = None
    repos: dict[tuple[int, str], DemoRepo | None] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def _now(self) -> str:
        return stamp(self.clock())

    def _count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    # --- one step ---

    def step(self) -> bool:
        """Advance one story of a running project; False when none can move."""
        rows = self.conn.execute(
            "SELECT s.id, s.status, s.feature_id, f.project_id, s.dependencies"
            " FROM stories s JOIN features f ON f.id = s.feature_id"
            " JOIN projects p ON p.id = f.project_id"
            " WHERE p.status = 'running' AND s.status IN"
            " ('pending', 'in_progress', 'review', 'testing', 'rework')"
        ).fetchall()
        ready = [r for r in rows if r[1] != "pending" or self._dependencies_done(r[2], r[4])]
        if not ready:
            return False
        story_id, status, feature_id, project_id, _ = self.rng.choice(ready)
        self.advance(story_id, status, feature_id, project_id)
        return True

    def stories_in(self, status: str) -> list[tuple[int, int, int]]:
        """(story, feature, project) of each story in `status` whose dependencies are done."""
        rows = self.conn.execute(
            "SELECT s.id, s.feature_id, f.project_id, s.dependencies FROM stories s"
            " JOIN features f ON f.id = s.feature_id WHERE s.status = ? ORDER BY s.id",
            (status,),
        ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows if self._dependencies_done(r[1], r[3])]

    def advance(
        self, story_id: int, status: str, feature_id: int, project_id: int, **outcome: bool
    ) -> None:
        {
            "pending": self.start,
            "rework": self.start,
            "in_progress": self.implemented,
            "review": self.reviewed,
            "testing": self.tested,
        }[status](story_id, feature_id, project_id, **outcome)

    def _dependencies_done(self, feature_id: int, stored: str | None) -> bool:
        try:
            wanted = json.loads(stored or "[]")
        except ValueError:
            return True
        if not wanted:
            return True
        marks = ",".join("?" * len(wanted))
        done = self.conn.execute(
            f"SELECT count(*) FROM stories WHERE feature_id = ? AND status = 'done'"
            f" AND story_id IN ({marks})",
            (feature_id, *wanted),
        ).fetchone()[0]
        return int(done) == len(wanted)

    # --- what the agents do ---

    def start(self, story: int, feature: int, project: int, **_outcome: bool) -> None:
        now = self._now()
        self._set_status(
            story,
            "in_progress",
            "assigned_agent = 'developer',"
            " attempt_count = attempt_count + 1, started_at = coalesce(started_at, ?)",
            now,
        )
        self.conn.execute(
            "UPDATE features SET status = 'in_progress', started_at = coalesce(started_at, ?),"
            " updated_at = ? WHERE id = ? AND status = 'pending'",
            (now, now, feature),
        )
        self.conn.execute(
            "INSERT INTO agent_executions (story_id, agent_name, started_at, status, input_data)"
            " VALUES (?, 'developer', ?, 'running', ?)",
            (
                story,
                now,
                json.dumps({"story": story, "instructions": "Implement the story and its tests"}),
            ),
        )
        self._history(story, "implementation_started", "developer")
        self._count("started")

    def implemented(
        self, story: int, feature: int, project: int, *, passes: bool | None = None
    ) -> None:
        run = self._running_execution(story)
        if not (self.rng.random() >= 0.15 if passes is None else passes):
            error = self.rng.choice(ERRORS)
            self._finish_execution(run, "failed", error=error)
            self._system_log(
                "ERROR",
                "worker",
                f"Agent developer failed on story {story}: {error}",
                {"story_id": story},
            )
            attempts = self.conn.execute(
                "SELECT attempt_count FROM stories WHERE id = ?", (story,)
            ).fetchone()[0]
            if (attempts or 0) >= MAX_ATTEMPTS:
                self._set_status(story, "failed")
                self._history(story, "implementation_failed", "developer", error)
                self._count("failed")
            else:
                self._set_status(story, "rework")
                self._history(story, "implementation_failed", "developer", error)
                self._count("errors")
            return
        commit = self._commit(story, feature, project)
        self._finish_execution(run, "success", output={"summary": "Implemented", "commit": commit})
        self._set_status(story, "review", "assigned_agent = 'reviewer'")
        self._history(story, "implementation_completed", "developer")
        if self.rng.random() < 0.5:
            self.conn.execute(
                "INSERT INTO progress_logs"
                " (feature_id, story_id, timestamp, agent, log_type, message)"
                " VALUES (?, ?, ?, 'developer', 'learning', ?)",
                (feature, story, self._now(), self.rng.choice(LEARNINGS)),
            )
        self._count("implemented")

    def reviewed(
        self, story: int, feature: int, project: int, *, passes: bool | None = None
    ) -> None:
        passed = self._gate(story, "reviewer", "code_review", pass_rate=0.75, passes=passes)
        if passed:
            self._set_status(story, "testing", "assigned_agent = 'qa-agent'")
            self._history(story, "review_passed", "reviewer")
        else:
            self._set_status(story, "rework", "assigned_agent = 'developer'")
            self._history(story, "review_failed", "reviewer", "Changes requested")
        self._count("reviewed")

    def tested(self, story: int, feature: int, project: int, *, passes: bool | None = None) -> None:
        passed = self._gate(story, "qa-agent", "qa", pass_rate=0.8, passes=passes)
        now = self._now()
        if passed:
            self._set_status(story, "done", "completed_at = ?", now)
            self._history(story, "story_completed", "qa-agent")
            self.conn.execute(
                "UPDATE features SET completed_stories = completed_stories + 1, updated_at = ?"
                " WHERE id = ?",
                (now, feature),
            )
            left = self.conn.execute(
                "SELECT count(*) FROM stories WHERE feature_id = ? AND status != 'done'", (feature,)
            ).fetchone()[0]
            if not left:
                self.conn.execute(
                    "UPDATE features SET status = 'completed', completed_at = ? WHERE id = ?",
                    (now, feature),
                )
                self._system_log(
                    "INFO", "orchestrator", f"Feature {feature} completed", {"feature_id": feature}
                )
            self._count("done")
        else:
            attempts = self.conn.execute(
                "SELECT attempt_count FROM stories WHERE id = ?", (story,)
            ).fetchone()[0]
            final = (attempts or 0) >= MAX_ATTEMPTS
            self._set_status(story, "failed" if final else "rework", "assigned_agent = 'developer'")
            self._history(
                story, "qa_failed", "qa-agent", "Attempts exhausted" if final else "Tests failed"
            )
            if final:
                self._system_log(
                    "ERROR",
                    "orchestrator",
                    f"Story {story} failed after {attempts} attempts",
                    {"story_id": story},
                )
            self._count("failed" if final else "sent back")

    # --- rows ---

    def _set_status(self, story: int, status: str, more: str = "", *values: object) -> None:
        extra = f", {more}" if more else ""
        self.conn.execute(
            f"UPDATE stories SET status = ?, updated_at = ?{extra} WHERE id = ?",
            (status, self._now(), *values, story),
        )

    def _history(self, story: int, action: str, agent: str, notes: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO story_history (story_id, timestamp, action, agent, notes, metadata)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (story, self._now(), action, agent, notes, json.dumps({"by": "orchestrator"})),
        )

    def _running_execution(self, story: int) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM agent_executions WHERE story_id = ? AND status = 'running'"
            " ORDER BY id DESC LIMIT 1",
            (story,),
        ).fetchone()
        return None if row is None else int(row[0])

    def _finish_execution(
        self, run: int | None, status: str, *, error: str | None = None, output: object = None
    ) -> None:
        if run is None:
            return
        duration = self.rng.randint(40, 1500)
        self.conn.execute(
            "UPDATE agent_executions SET status = ?, completed_at = ?, duration_seconds = ?,"
            " error_message = ?, output_data = ? WHERE id = ?",
            (
                status,
                self._now(),
                duration,
                error,
                None if output is None else json.dumps(output),
                run,
            ),
        )

    def _gate(
        self, story: int, agent: str, gate: str, *, pass_rate: float, passes: bool | None
    ) -> bool:
        now = self._now()
        passed = self.rng.random() < pass_rate if passes is None else passes
        duration = self.rng.randint(20, 400)
        cursor = self.conn.execute(
            "INSERT INTO agent_executions (story_id, agent_name, started_at, completed_at, status,"
            " input_data, output_data, duration_seconds) VALUES (?, ?, ?, ?, 'success', ?, ?, ?)",
            (
                story,
                agent,
                now,
                now,
                json.dumps({"gate": gate}),
                json.dumps({"verdict": "pass" if passed else "fail"}),
                duration,
            ),
        )
        findings = self.rng.choice(GATE_FINDINGS_PASS if passed else GATE_FINDINGS_FAIL)
        self.conn.execute(
            "INSERT INTO quality_gate_results (story_id, gate_name, status, timestamp, details,"
            " agent_execution_id) VALUES (?, ?, ?, ?, ?, ?)",
            (
                story,
                gate,
                "pass" if passed else "fail",
                now,
                json.dumps(findings),
                cursor.lastrowid,
            ),
        )
        if self.rng.random() < 0.3:
            self.conn.execute(
                "INSERT INTO quality_gate_results (story_id, gate_name, status, timestamp, details)"
                " VALUES (?, 'security', 'pass', ?, ?)",
                (story, now, json.dumps({"scanner": "semgrep", "findings": 0})),
            )
        return passed

    def _commit(self, story: int, feature: int, project: int) -> str:
        story_code, repo_name, title, attempt = self.conn.execute(
            "SELECT story_id, repo, title, attempt_count FROM stories WHERE id = ?", (story,)
        ).fetchone()
        slug = "".join(c if c.isalnum() else "_" for c in title.lower())[:40]
        # Each attempt rewrites the story's files: its commit has a diff of its own.
        files = {
            f"src/{slug}.py": f'"""{title} (attempt {attempt})."""\n\n\ndef run() -> str:\n'
            f'    return "{story_code}-{attempt}"\n',
            f"tests/test_{slug}.py": f"from src.{slug} import run\n\n\ndef test_run():\n"
            f'    assert run() == "{story_code}-{attempt}"\n',
        }
        message = f"feat: {story_code} {title}"
        sha = self._git_commit(project, repo_name, files, message)
        self.conn.execute(
            "INSERT INTO git_commits (story_id, feature_id, repo, commit_hash, commit_message,"
            " files_changed, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (story, feature, repo_name, sha, message, json.dumps(sorted(files)), self._now()),
        )
        return sha

    def _git_commit(self, project: int, repo_name: str, files: dict[str, str], message: str) -> str:
        key = (project, repo_name)
        if key not in self.repos:
            self.repos[key] = self._repo(project, repo_name)
        repo = self.repos[key]
        if repo is not None:
            try:
                return repo.commit(files, message, self.clock(), author="developer").sha
            except GitError:
                self.repos[key] = None
        return f"{self.rng.getrandbits(160):040x}"

    def _repo(self, project: int, repo_name: str) -> DemoRepo | None:
        if self.repo_root is None:
            return None
        path = self.repo_root / f"project-{project}-{repo_name}"
        existing = DemoRepo.existing(path)
        if existing is not None:
            return existing
        if path.exists():
            return None  # not ours: never commit to it
        try:
            return DemoRepo.create(path, self.clock() - timedelta(days=3))
        except GitError:
            return None

    def _system_log(
        self, level: str, source: str, message: str, metadata: dict[str, object]
    ) -> None:
        self.conn.execute(
            "INSERT INTO system_logs (timestamp, level, source, message, metadata)"
            " VALUES (?, ?, ?, ?, ?)",
            (self._now(), level, source, message, json.dumps(metadata)),
        )
