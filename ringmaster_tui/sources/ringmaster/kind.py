"""Ringmaster as a source kind: how its databases are recognised, made and simulated."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ringmaster_tui.engines.base import Engine
    from ringmaster_tui.sources.base import SimulationRequest, Source


class RingmasterKind:
    name = "ringmaster"
    title = "Ringmaster"
    # Without these the board has nothing to show; every other table is optional.
    required_tables: tuple[str, ...] = ("projects", "cards")

    def ddl(self, engine_kind: str) -> str:
        from ringmaster_tui.sources.ringmaster.schema import schema_for

        return schema_for(engine_kind)

    def open(self, engine: Engine, user: str) -> Source:
        from ringmaster_tui.sources.ringmaster.source import RingmasterSource

        return RingmasterSource(engine, user)

    def create_demo(self, path: Path, *, seed: int, repo_root: Path) -> None:
        from ringmaster_tui.sources.ringmaster.sim.demo import create_demo_database

        create_demo_database(path, seed=seed, repo_root=repo_root)

    def simulate(self, path: Path, request: SimulationRequest) -> str:
        from ringmaster_tui.sources.ringmaster.sim.simulator import run_simulation

        report = run_simulation(
            path,
            rate=request.rate,
            duration=request.duration,
            seed=request.seed,
            stop=request.stop,
            repo_root=request.repo_root,
        )
        return str(report)


RINGMASTER = RingmasterKind()
