"""Live updates, engine-neutral: the gate that coalesces reloads and the pacing of loads.
Each engine's change feed (engines/*/feed.py) tells when to reload."""

from ringmaster_tui.live.gate import RefreshGate

__all__ = ["RefreshGate"]
