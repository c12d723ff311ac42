"""One agent attempt: what it costs, what it writes, what it prints, how it ends.

Everything is drawn from the random source before anything is written, so the demo
(in the past) and the simulator (now, committing before its write transaction) share it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from ringmaster_tui.sources.ringmaster.sim import lifecycle, texts
from ringmaster_tui.sources.ringmaster.sim.gitrepo import Commit


@dataclass(frozen=True)
class AgentWork:
    attempt: int
    agent_type: str
    failed: bool
    started: datetime
    duration_ms: int
    tokens_used: int
    cost_usd: float
    files: dict[str, str]
    message: str
    log: tuple[str, ...]
    error: texts.ErrorText | None

    @property
    def finished(self) -> datetime:
        return self.started + timedelta(milliseconds=self.duration_ms)

    @property
    def error_message(self) -> str | None:
        return None if self.error is None else f"{self.error.error_type}: {self.error.message}"

    def output(self, commit: Commit | None) -> str:
        """The attempt's output column: its log, the commit it made, its verdict."""
        lines = list(self.log)
        if commit is not None:
            lines.append(texts.commit_line(commit.sha, self.message, self.finished))
        lines.append(
            texts.verdict_line(
                self.attempt, self.duration_ms, self.tokens_used, self.cost_usd, self.failed
            )
        )
        return "\n".join(lines)


def plan_work(
    rnd: random.Random,
    *,
    spec: texts.ProjectSpec,
    title: str,
    attempt: int,
    agent_type: str,
    failed: bool,
    started: datetime,
    duration_ms: int,
) -> AgentWork:
    module = texts.module_of(title)
    files = texts.source_files(rnd, spec, module, attempt)
    paths = texts.files_of(spec, module)
    error = (
        texts.error_text(rnd, rnd.choice(lifecycle.AGENT_FAILURES), spec, module, attempt=attempt)
        if failed
        else None
    )
    tokens = rnd.randint(4_000, 90_000)
    log = texts.agent_log(
        rnd,
        title=title,
        agent_type=agent_type,
        attempt=attempt,
        files=paths,
        test_command=texts.LANGUAGES[spec.language].test_command,
        started=started,
        duration_ms=duration_ms,
        error=error,
        # Some agents keep their tools' colours; the dashboard must cope with ESC.
        colours=rnd.random() < 0.15,
    )
    return AgentWork(
        attempt=attempt,
        agent_type=agent_type,
        failed=failed,
        started=started,
        duration_ms=duration_ms,
        tokens_used=tokens,
        cost_usd=round(tokens / 1000 * texts.PRICE_PER_1K_TOKENS.get(agent_type, 0.01), 4),
        files=files,
        message=texts.commit_message(title, module, attempt),
        log=tuple(log),
        error=error,
    )
