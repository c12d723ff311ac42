"""Notifications for people who are not looking: what is new among the pending decisions
and the alerts, a command run once for each (its JSON on stdin), a memory of what was
notified that outlives the process, terminal notifications, and the headless watcher.

Nothing here imports Textual: `watch` runs on a server without loading the UI.
"""
