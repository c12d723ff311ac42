"""Demo data and a simulated orchestrator, both writing a Ringmaster database."""
