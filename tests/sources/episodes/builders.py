"""Episodic memory stores with known contents, written with plain sqlite3 as the agent
(another program) would, relative to the tests' fixed NOW.

Run as a program (`python -m tests.sources.episodes.builders PATH`) it builds the
standard store at PATH: the tests build their databases in a second process that way.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import timedelta
from itertools import count
from pathlib import Path
from typing import Any

from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.sources.episodes.schema import schema_sql
from tests.builders import NOW

ROOT = Path(__file__).resolve().parents[3]


def ago(**delta: float) -> str:
    return sqlite_timestamp(NOW - timedelta(**delta))


class EpisodeBuilder:
    def __init__(self, path: Path, ddl: str | None = None) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None)
        if ddl is not None or not self._has_tables():
            self.conn.executescript(ddl or schema_sql())
        self._ids = count(1)

    def _has_tables(self) -> bool:
        return bool(
            self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'").fetchone()
        )

    def insert(self, table: str, **values: Any) -> str:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values())
        )
        return str(values.get("id", ""))

    def episode(
        self, episode_id: str, domain: str, context: str, status: str = "active", **values: Any
    ) -> str:
        values.setdefault("task_type", "debugging")
        values.setdefault("created_at", ago(hours=2))
        if status in ("completed", "failed", "archived"):
            values.setdefault("completed_at", ago(hours=1))
        return self.insert(
            "episodes", id=episode_id, domain=domain, context=context, status=status, **values
        )

    def steps(self, episode_id: str, outcomes: str, *, last_minutes_ago: float = 1) -> None:
        """One step per character of `outcomes` ("+" success, "-" failure, "?" unknown),
        a minute apart, the last `last_minutes_ago` minutes before NOW."""
        total = len(outcomes)
        for n, outcome in enumerate(outcomes, start=1):
            success = {"+": 1, "-": 0, "?": None}[outcome]
            self.insert(
                "steps",
                id=f"{episode_id}-s{n}",
                episode_id=episode_id,
                step_number=n,
                action=f"action {n} of {episode_id}",
                result="ok" if success else ("boom" if success == 0 else None),
                duration_ms=1000 * n,
                success=success,
                timestamp=ago(minutes=last_minutes_ago + total - n),
            )

    def pattern(self, pattern_id: str, pattern_type: str, data: Any, **values: Any) -> str:
        raw = data if isinstance(data, str) else json.dumps(data)
        values.setdefault("success_rate", 0.5)
        values.setdefault("usage_count", 0)
        return self.insert(
            "patterns", id=pattern_id, pattern_type=pattern_type, pattern_data=raw, **values
        )

    def embedding(self, episode_id: str, model: str, n: int) -> str:
        ident = f"emb-{next(self._ids)}"
        self.insert(
            "embeddings",
            id=ident,
            episode_id=episode_id,
            content=f"chunk {n}",
            embedding=b"\x00\x01VECTOR-BYTES" * 8,
            model_name=model,
        )
        return ident

    def close(self) -> None:
        self.conn.close()


def build_standard_store(path: Path) -> None:
    """The store every episodes test reads; each count is written down in the tests.

    auth: e-login (active, live: 5 steps, 4 ok, last 1 min ago), e-stuck (active, stalled:
    last step 30 min ago), e-done (completed), e-old (archived).
    billing: e-vat (failed, 3 steps), e-quiet (active, stalled, no steps, started 1 h
    ago), e-coupon (completed, broken metadata).
    """
    b = EpisodeBuilder(path)
    b.episode(
        "e-login",
        "auth",
        "Fix the login redirect loop\nafter a password reset",
        task_type="debugging",
        created_at=ago(minutes=40),
        metadata=json.dumps({"agent": "memory-agent"}),
        embedding_version="v2",
    )
    b.steps("e-login", "++-++", last_minutes_ago=1)
    b.embedding("e-login", "text-embedding-3-small", 1)
    b.embedding("e-login", "text-embedding-3-small", 2)
    b.embedding("e-login", "nomic-embed-text", 1)
    b.episode(
        "e-stuck", "auth", "Rotate refresh tokens", task_type="refactoring", created_at=ago(hours=3)
    )
    b.steps("e-stuck", "+-", last_minutes_ago=30)
    b.episode(
        "e-done",
        "auth",
        "Explain the SSO failures",
        "completed",
        task_type="analysis",
        success_rate=0.9,
        created_at=ago(hours=5),
        completed_at=ago(hours=4),
    )
    b.steps("e-done", "+++", last_minutes_ago=250)
    b.episode("e-old", "auth", "An archived episode", "archived", created_at=ago(days=9))
    b.episode(
        "e-vat",
        "billing",
        "Round VAT like the ledger",
        "failed",
        task_type="testing",
        success_rate=0.33,
        created_at=ago(hours=2),
        completed_at=ago(minutes=50),
    )
    b.steps("e-vat", "-+-", last_minutes_ago=55)
    b.episode(
        "e-quiet",
        "billing",
        "Prorate upgrades [red]mid-cycle[/red]",
        task_type="code_generation",
        created_at=ago(hours=1),
    )
    b.episode(
        "e-coupon",
        "billing",
        "Coupon stacking tests",
        "completed",
        task_type="testing",
        success_rate=1.0,
        metadata="{not json",
        created_at=ago(hours=6),
        completed_at=ago(hours=5, minutes=30),
    )
    b.steps("e-coupon", "++", last_minutes_ago=340)
    b.pattern(
        "p-seq",
        "tool_sequence",
        {"domain": "auth", "sequence": ["read", "edit", "test"]},
        success_rate=0.92,
        usage_count=4,
        last_used=ago(minutes=10),
    )
    b.pattern(
        "p-retry",
        "error_resolution",
        {"domain": "auth", "fix": "raise the timeout"},
        success_rate=0.4,
        usage_count=30,
        last_used=ago(hours=2),
    )
    b.pattern(
        "p-cache",
        "optimization",
        {"domains": ["billing", "auth"], "hint": "cache it"},
        success_rate=0.75,
        usage_count=12,
    )
    b.pattern(
        "p-vat",
        "error_resolution",
        {"domain": "billing", "fix": "use Decimal"},
        success_rate=0.8,
        usage_count=2,
        last_used=ago(days=1),
    )
    b.close()


def build_in_second_process(path: Path) -> Path:
    """The standard store, written by another process (as the agent would)."""
    subprocess.run(
        [sys.executable, "-m", "tests.sources.episodes.builders", str(path)],
        cwd=ROOT,
        check=True,
    )
    return path


if __name__ == "__main__":
    build_standard_store(Path(sys.argv[1]))
