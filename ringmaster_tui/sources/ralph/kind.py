"""Ralph-Advanced as a source kind: how its databases are recognised, made and simulated."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ringmaster_tui.engines.base import Engine
    from ringmaster_tui.sources.base import SimulationRequest, Source


class RalphKind:
    name = "ralph"
    title = "Ralph-Advanced"
    # Its own tables: a Ringmaster database has `projects` too, but none of these.
    required_tables: tuple[str, ...] = ("features", "stories", "agent_executions")

    def ddl(self, engine_kind: str) -> str:
        from ringmaster_tui.sources.ralph.schema import schema_for

        return schema_for(engine_kind)

    def open(self, engine: Engine, user: str) -> Source:
        from ringmaster_tui.sources.ralph.source import RalphSource

        return RalphSource(engine, user)

    def create_demo(self, path: Path, *, seed: int, repo_root: Path) -> None:
        from ringmaster_tui.sources.ralph.sim.demo import create_demo_database

        create_demo_database(path, seed=seed, repo_root=repo_root)

    def simulate(self, path: Path, request: SimulationRequest) -> str:
        from ringmaster_tui.sources.ralph.sim.simulator import run_simulation

        return run_simulation(path, request)


RALPH = RalphKind()
