"""Sources: one package per orchestrator schema, the same files in each, and a registry."""
