"""The episodic memory store (seed 004) as a source kind: recognised by its episodes,
steps and patterns tables, made from its schema in valid SQLite, demo and simulator."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ringmaster_tui.engines.base import Engine
    from ringmaster_tui.sources.base import SimulationRequest, Source


class EpisodesKind:
    name = "episodes"
    title = "memory store"
    # embeddings (1.1.0) and the FTS table are optional: older databases lack them.
    required_tables: tuple[str, ...] = ("episodes", "steps", "patterns")

    def ddl(self, engine_kind: str) -> str:
        from ringmaster_tui.sources.episodes.schema import schema_sql

        return schema_sql(engine_kind)

    def open(self, engine: Engine, user: str) -> Source:
        from ringmaster_tui.sources.episodes.source import EpisodesSource

        return EpisodesSource(engine, user)

    def create_demo(self, path: Path, *, seed: int, repo_root: Path) -> None:
        from ringmaster_tui.sources.episodes.sim.demo import create_demo_database

        create_demo_database(path, seed=seed)

    def simulate(self, path: Path, request: SimulationRequest) -> str:
        from ringmaster_tui.sources.episodes.sim.simulator import run_simulation

        report = run_simulation(
            path,
            rate=request.rate,
            duration=request.duration,
            seed=request.seed,
            stop=request.stop,
        )
        return str(report)


EPISODES = EpisodesKind()
