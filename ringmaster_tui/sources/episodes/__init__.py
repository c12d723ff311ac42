"""The episodic memory store (seed 004) as a source kind."""
