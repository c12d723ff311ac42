"""The ticket/worker system (seed 001): tickets through their execution plans, workers,
comments and events."""
