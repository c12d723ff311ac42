"""Ringmaster (seed 000) with the coordination tables decisions and alerts (seed 003)."""
