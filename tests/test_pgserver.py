"""The PostgreSQL test server (``tests/pgserver.py``) starts a real server, serves queries in UTF-8,
and leaves nothing behind: the ground the PostgreSQL store engine's tests stand on."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest
from pgserver import postgres_server, unavailable

psycopg = pytest.importorskip("psycopg", reason="psycopg is the postgresql extra: pip install storyweave[postgresql]")
pytestmark = pytest.mark.skipif(unavailable() is not None, reason=str(unavailable()))


def test_a_real_server_starts_answers_and_goes_away() -> None:
    with postgres_server() as url:
        with psycopg.connect(url, autocommit=True) as conn:
            version = conn.execute("SHOW server_version_num").fetchone()
            assert version is not None and int(version[0]) >= 150000
            assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)
            conn.execute("CREATE TABLE t (name text)")
            conn.execute("INSERT INTO t VALUES (%s)", ("بوتين 普京 Путин",))
            assert conn.execute("SELECT name FROM t").fetchone() == ("بوتين 普京 Путин",)
        port = urlsplit(url).port
    assert port is not None
    with socket.socket() as probe, pytest.raises(OSError):
        probe.settimeout(2)
        probe.connect(("127.0.0.1", port))
