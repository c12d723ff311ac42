"""The demo database and the simulator of the ticket system."""
