"""Reaching a PostgreSQL server: URLs (their passwords never shown) and what a refused
connection means, said in one line.

Passwords come from libpq's usual places (PGPASSWORD, ~/.pgpass, a service file) or the
URL; libpq reads them itself, so a URL without one works as `psql` would.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import URL

DRIVER = "postgresql+psycopg"
SCHEMES = ("postgresql", "postgres")


def parse_url(target: str) -> URL:
    """The SQLAlchemy URL for `target` (postgresql://, postgres:// or postgresql+psycopg://),
    always with the psycopg 3 driver."""
    text = target.strip()
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://") :]
    url = sa.engine.make_url(text)
    return url.set(drivername=DRIVER)


def redact(url: URL) -> str:
    """The URL as the user may see it: the driver's name and the password left out."""
    shown = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return shown.render_as_string(hide_password=False)


def scrub(message: str, url: URL) -> str:
    """`message` with the URL's password, if it is in there, replaced by ***."""
    if url.password:
        message = message.replace(str(url.password), "***")
    return re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", message)


def _where(url: URL) -> str:
    host = url.host or "the local socket"
    port = f":{url.port}" if url.port else ""
    return f"{host}{port}"


def explain_connect_error(message: str, url: URL) -> str:
    """One line a user can act on, for a connection the server or the network refused."""
    text = message.lower()
    where = _where(url)
    user = url.username or "your login name"
    database = url.database or user
    label = redact(url)
    if "password authentication failed" in text or "authentication failed" in text:
        return (
            f"{label}: the server refused the password of role {user!r}; check PGPASSWORD, "
            "~/.pgpass or the URL"
        )
    if "no password supplied" in text or "fe_sendauth" in text:
        return (
            f"{label}: the server asks for role {user!r}'s password and none was given; set "
            "PGPASSWORD, add it to ~/.pgpass or put it in the URL"
        )
    if "does not exist" in text and "database" in text:
        return (
            f"{label}: the server at {where} has no database {database!r}; create it "
            f"(`createdb {database}`), then `ringmaster-tui init {label}`"
        )
    if "role" in text and "does not exist" in text:
        return f"{label}: the server at {where} has no role {user!r}; ask its administrator"
    if "permission denied" in text or "no pg_hba.conf entry" in text or "not permitted" in text:
        return (
            f"{label}: role {user!r} may not connect to database {database!r} on {where}; ask "
            "its administrator to GRANT CONNECT (and SELECT on its tables)"
        )
    if (
        "connection refused" in text
        or "no such file or directory" in text
        or "could not translate host name" in text
        or "failed to resolve host" in text
        or "name or service not known" in text
        or "timeout" in text
        or "could not connect" in text
        or "server closed the connection" in text
        or "is the server running" in text
    ):
        return f"{label}: cannot reach the PostgreSQL server at {where}; is it running?"
    first = scrub(message.strip().splitlines()[0] if message.strip() else message, url)
    return f"{label}: cannot connect ({first})"
