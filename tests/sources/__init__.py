"""Tests of each source kind in its own package."""
