"""The SQLite engine: a database file, its -wal and -shm, watched without a connection."""
