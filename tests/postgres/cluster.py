"""A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server binaries run
as the `postgres` user (the server refuses root), its data and socket in a temporary
folder that user owns, listening on a free port of 127.0.0.1 only; stopped at the end."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"


def server_bin() -> Path | None:
    """The newest installed server's bin folder, or None when no server is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(found[-1]).parent if found else None


def _version(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(*command: str) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SUPERUSER, "--", *command]
    return list(command)


@dataclass
class Cluster:
    root: Path
    port: int
    bin: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres", user: str = SUPERUSER, password: str = "") -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run `sql` as the superuser; its output."""
        done = subprocess.run(
            _as_postgres(
                str(self.bin / "psql"),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-At",
                "-h",
                str(self.root),
                "-p",
                str(self.port),
                "-d",
                database,
                "-c",
                sql,
            ),
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        if done.returncode:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout

    def new_database(self, prefix: str = "t", template: str | None = None) -> str:
        """A new database's name: empty, or a copy of `template`."""
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        copy = f' TEMPLATE "{template}"' if template else ""
        self.psql(f'CREATE DATABASE "{name}"{copy}')
        return name

    def stop(self) -> None:
        subprocess.run(
            _as_postgres(
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "-t",
                "10",
                "stop",
            ),
            capture_output=True,
            check=False,
            timeout=60,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> Cluster:
    """A running cluster; raises RuntimeError when no server is installed or it fails."""
    binaries = server_bin()
    if binaries is None:
        raise RuntimeError(
            "no PostgreSQL server installed (/usr/lib/postgresql/*/bin/initdb); "
            "apt-get install postgresql"
        )
    root = Path(tempfile.mkdtemp(prefix="ringmaster-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam(SUPERUSER)
        os.chown(root, owner.pw_uid, owner.pw_gid)
    os.chmod(root, 0o700)
    cluster = Cluster(root=root, port=_free_port(), bin=binaries)
    init = subprocess.run(
        _as_postgres(
            str(binaries / "initdb"),
            "-D",
            str(cluster.data),
            "-U",
            SUPERUSER,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if init.returncode:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {init.stderr.strip()}")
    options = (
        f"-p {cluster.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
        "-c shared_buffers=128MB"
    )
    start = subprocess.run(
        _as_postgres(
            str(binaries / "pg_ctl"),
            "-D",
            str(cluster.data),
            "-o",
            options,
            "-l",
            str(root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        ),
        capture_output=True,
        text=True,
        check=False,
        timeout=90,
    )
    if start.returncode:
        log = (
            (root / "server.log").read_text(errors="replace")
            if (root / "server.log").exists()
            else ""
        )
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"the server did not start: {start.stderr.strip()} {log[-500:]}")
    # The superuser gets a password so that URLs over TCP can authenticate.
    cluster.psql("ALTER ROLE postgres PASSWORD 'postgres'")
    return cluster
