"""The ticket/worker system (seed 001) as a source kind."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ringmaster_tui.engines.base import Engine
    from ringmaster_tui.sources.base import SimulationRequest, Source


class TicketsKind:
    name = "tickets"
    title = "ticket system"
    required_tables: tuple[str, ...] = ("tickets", "workers", "worker_types", "comments")

    def ddl(self, engine_kind: str) -> str:
        from ringmaster_tui.sources.tickets.schema import schema_for

        return schema_for(engine_kind)

    def open(self, engine: Engine, user: str) -> Source:
        from ringmaster_tui.sources.tickets.source import TicketsSource

        return TicketsSource(engine, user)

    def create_demo(self, path: Path, *, seed: int, repo_root: Path) -> None:
        from ringmaster_tui.sources.tickets.sim.demo import create_demo_database

        create_demo_database(path, seed=seed)

    def simulate(self, path: Path, request: SimulationRequest) -> str:
        from ringmaster_tui.sources.tickets.sim.simulator import run_simulation

        report = run_simulation(
            path,
            rate=request.rate,
            duration=request.duration,
            seed=request.seed,
            stop=request.stop,
        )
        return str(report)


TICKETS = TicketsKind()
