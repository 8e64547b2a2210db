"""A throwaway PostgreSQL 15 cluster for the tests: started once per session, stopped at the end.

`initdb --no-sync` and `pg_ctl` run as the `postgres` user when the tests run as root (as CI
does: PostgreSQL refuses to run as root), with the data folder and the unix socket in a temp
folder that user owns, fsync off and no TCP listener. Each test that wants a store of its own
gets a new database, copied from a template that already has the extensions.
"""

from __future__ import annotations

import itertools
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["Cluster", "binaries", "database_or_throwaway"]

#: Where Debian's postgresql-15 puts its programs; later versions are taken when 15 is absent.
_BINARIES = [Path("/usr/lib/postgresql/15/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]
TEMPLATE = "archivist_template"
EXTENSIONS = ("pg_trgm", "unaccent")


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    candidates = [*_BINARIES, *([Path(found).parent] if found else [])]
    return next((folder for folder in candidates if (folder / "initdb").exists()), None)


class Cluster:
    """A cluster in a temp folder; `url(database)` gives a store URL over its unix socket."""

    def __init__(self) -> None:
        folder = binaries()
        if folder is None:
            raise RuntimeError(
                "PostgreSQL is not installed (no initdb); apt-get install -y postgresql-15 postgresql-contrib-15"
            )
        self.bin = folder
        self.as_postgres = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="archivist-pg-", dir="/tmp" if Path("/tmp").is_dir() else None))
        self.data = self.root / "data"
        self.user = "postgres" if self.as_postgres else _login()
        self._numbers = itertools.count(1)
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o700)

    def _run(self, *command: str) -> None:
        argv = list(command)
        if self.as_postgres:
            # runuser (util-linux) where it is; su otherwise, as on a minimal image.
            if shutil.which("runuser"):
                argv = ["runuser", "-u", "postgres", "--", *argv]
            else:
                argv = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(argv)]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command[:2])} failed: {result.stdout}{result.stderr}".strip())

    def start(self) -> None:
        self._run(
            str(self.bin / "initdb"), "--no-sync", "-D", str(self.data), "-U", self.user,
            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
        )
        options = " ".join(
            [
                "-c listen_addresses=''",
                f"-c unix_socket_directories={self.root}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60", "-o", options, "start")
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {TEMPLATE}")
        with psycopg.connect(self.url(TEMPLATE), autocommit=True) as connection:
            for extension in EXTENSIONS:
                connection.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@/{database}?host={self.root}"

    def database(self) -> str:
        """A new, empty database with the extensions; its URL."""
        import psycopg

        name = f"archive_{os.getpid()}_{next(self._numbers)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def drop(self, url: str) -> None:
        import psycopg

        name = url.split("?")[0].rsplit("/", 1)[1]
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        try:
            if self.data.exists():
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _login() -> str:
    import getpass

    return getpass.getuser()


@contextmanager
def database_or_throwaway(url: str | None) -> Iterator[str]:
    """`url` when one is given; else a new database of a throwaway cluster, stopped afterwards
    (the benchmarks' `--postgres` option)."""
    if url is not None:
        yield url
        return
    cluster = Cluster()
    cluster.start()
    try:
        yield cluster.database()
    finally:
        cluster.stop()
