"""The coordination database (seed 003) as a source kind: recognised by its loops and
tests tables, made from schema.py, filled by its demo and written by its simulator."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ringmaster_tui.engines.base import Engine
    from ringmaster_tui.sources.base import SimulationRequest, Source


class CoordinationKind:
    name = "coordination"
    title = "coordination"
    required_tables: tuple[str, ...] = ("loops", "tests")

    def ddl(self, engine_kind: str) -> str:
        from ringmaster_tui.sources.coordination.schema import schema_sql

        return schema_sql(engine_kind)

    def open(self, engine: Engine, user: str) -> Source:
        from ringmaster_tui.sources.coordination.source import CoordinationSource

        return CoordinationSource(engine, user)

    def create_demo(self, path: Path, *, seed: int, repo_root: Path) -> None:
        from ringmaster_tui.sources.coordination.sim.demo import create_demo_database

        create_demo_database(path, seed=seed)

    def simulate(self, path: Path, request: SimulationRequest) -> str:
        from ringmaster_tui.sources.coordination.sim.simulator import run_simulation

        report = run_simulation(
            path,
            rate=request.rate,
            duration=request.duration,
            seed=request.seed,
            stop=request.stop,
        )
        return str(report)


COORDINATION = CoordinationKind()
