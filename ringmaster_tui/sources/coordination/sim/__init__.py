"""A demo coordination database and a simulator that writes as its loops would."""
