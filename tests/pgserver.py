"""A real PostgreSQL server for tests: ``initdb`` and ``pg_ctl`` in a temporary folder.

The server listens on a free loopback port and on a Unix socket inside its folder, trusts local
connections (nothing but this machine can reach it) and is stopped and deleted afterwards.
PostgreSQL refuses to run as root, so under root (CI runs as root) the folder is handed to the
``postgres`` system user, which Debian's ``postgresql`` package creates, and the server runs as it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Debian's postgresql package puts the server programs under /usr/lib/postgresql/<major>/bin;
# /usr/local/bin may hold links to them.
SEARCH_PATH = ["/usr/local/bin", *sorted((str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")), reverse=True)]
USER = "storyweave"


def find_program(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=os.pathsep.join(SEARCH_PATH))


def unavailable() -> str | None:
    """Why no server can be started here, or None when one can."""
    for program in ("initdb", "pg_ctl"):
        if find_program(program) is None:
            return f"{program} not found (install Debian's postgresql package)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run the server as"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(command: list[str], owner: pwd.struct_passwd | None) -> None:
    if owner is not None:
        command = ["runuser", "-u", owner.pw_name, "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip() or done.stdout}")


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a fresh server; yield its connection URL (database ``postgres``, user ``storyweave``)."""
    reason = unavailable()
    if reason is not None:
        raise RuntimeError(reason)
    owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="storyweave-pg-"))
    data = folder / "data"
    port = _free_port()
    try:
        if owner is not None:
            os.chown(folder, owner.pw_uid, owner.pw_gid)
        _run([str(find_program("initdb")), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8",
              "--locale=C.UTF-8", "--no-sync"], owner)
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
        _run([str(find_program("pg_ctl")), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w",
              "start"], owner)
        try:
            yield f"postgresql://{USER}@127.0.0.1:{port}/postgres"
        finally:
            _run([str(find_program("pg_ctl")), "-D", str(data), "-m", "fast", "-w", "stop"], owner)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Databases:
    """Fresh, empty, migrated databases on one server: each a copy of a template migrated once."""

    def __init__(self, url: str) -> None:
        import psycopg

        from storyweave.store import open_store

        self.url = url
        self._admin = psycopg.connect(url, autocommit=True)
        self._count = 0
        self._admin.execute("CREATE DATABASE storyweave_template")
        open_store(self.url_of("storyweave_template")).close()

    def url_of(self, name: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + name

    def fresh(self, *, migrated: bool = True) -> str:
        """The URL of a new database: a migrated store, or (``migrated=False``) an empty database."""
        self._count += 1
        name = f"storyweave_{self._count}"
        template = "storyweave_template" if migrated else "template0"
        self._admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url_of(name)

    def close(self) -> None:
        self._admin.close()


@contextmanager
def databases() -> Iterator[Databases]:
    """A server for a whole test session, handing out fresh databases."""
    with postgres_server() as url:
        found = Databases(url)
        try:
            yield found
        finally:
            found.close()
