"""Ralph demo data and a simulator that writes as its orchestrator would."""
