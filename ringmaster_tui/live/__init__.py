"""Live updates: the change feed that tells the app to reload, and the gate that coalesces."""

from ringmaster_tui.live.feed import ChangeFeed, RefreshGate

__all__ = ["ChangeFeed", "RefreshGate"]
