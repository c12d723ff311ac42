"""The ticket/worker system (seed 001)."""
