"""Reading the episodic memory store: one module per view, on one read context."""
