"""SQLite store: connection, migrations and one module of queries per area."""

from .db import connect, schema_version

__all__ = ["connect", "schema_version"]
