"""Seed 003's coordination database: loops working through tests, locks, waits, events,
decisions and alerts, all in one SQLite file."""
