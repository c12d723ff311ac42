"""Ralph-Advanced (seed 002) as a source kind."""
