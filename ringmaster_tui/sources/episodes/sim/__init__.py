"""Demo data and a simulated agent for the episodic memory store."""
