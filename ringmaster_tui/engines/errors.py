"""What an engine raises, whatever its database: each message is one line a user can act on."""

from __future__ import annotations


class OpenError(Exception):
    """A database that cannot be opened; the message names it and says what to do."""


class ReadOnlyError(Exception):
    """A write was asked of a database opened read-only."""


class WriteBusyError(Exception):
    """Another writer held the database longer than a write may wait; nothing was written."""


class DiskFullError(Exception):
    """The disk holding the database is full; the write was rolled back."""


class StaleFilesError(Exception):
    """The database file was replaced but files of the one it replaced are still beside
    it: reading them together would show, and writing would make, a corrupt database."""
