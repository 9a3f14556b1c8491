"""The small, explicit dialect layer between the area modules' SQL and PostgreSQL.

The area modules write each statement once, in SQLite's spelling.  Most of it is standard SQL that
PostgreSQL runs as it is; what differs is rewritten here, statement by statement, and the result
is cached:

- parameters: ``?`` and ``:name`` become PostgreSQL's ``$1``, ``$2``… (string literals and quoted
  identifiers are left alone, so a ``?`` inside one stays text);
- ``INSERT OR IGNORE`` becomes ``INSERT … ON CONFLICT DO NOTHING``;
- SQLite's functions become PostgreSQL's: ``instr`` → ``strpos``, ``group_concat`` → ``string_agg``,
  ``json_group_array`` → ``json_agg`` (as text, which the callers decode), ``json_extract(x, '$.k')``
  → ``x::jsonb ->> 'k'``;
- ``sqlite_master`` table look-ups read ``pg_tables`` of the store's schema.

Anything else SQLite-only (PRAGMAs, FTS5, ``rowid`` of tables without one) never reaches this
layer: the engines keep those parts in their own modules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

_TOKENS = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|\?|(?<![:\w]):([A-Za-z_]\w*)""")
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\binstr\(", re.IGNORECASE), "strpos("),
    (re.compile(r"\bgroup_concat\(\s*(DISTINCT\s+)?([\w.]+)\s*\)", re.IGNORECASE), r"string_agg(\1\2, ',')"),
    (re.compile(r"\bjson_group_array\(\s*(DISTINCT\s+)?([\w.]+)\s*\)", re.IGNORECASE), r"json_agg(\1\2)::text"),
    (re.compile(r"\bjson_extract\(([\w.]+),\s*'\$\.(\w+)'\)", re.IGNORECASE), r"(\1::jsonb ->> '\2')"),
    (re.compile(r"\bsqlite_master\s+WHERE\s+type\s*=\s*'table'\s+AND\s+name\s*=", re.IGNORECASE),
     "pg_tables WHERE schemaname = current_schema() AND tablename ="),
)


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> tuple[str, tuple[str, ...] | None]:
    """``sql`` in PostgreSQL's spelling, and the parameter names in ``$n`` order when it takes named
    parameters (``None`` when it takes positional ones)."""
    names: list[str] = []
    positional = 0

    def placeholder(match: re.Match[str]) -> str:
        nonlocal positional
        token = match.group(0)
        if token == "?":
            positional += 1
            return f"${positional}"
        if match.group(1) is None:  # a string literal or a quoted identifier
            return token
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    query = _TOKENS.sub(placeholder, sql)
    if positional and names:
        raise ValueError("a statement mixes ? and :name parameters")
    if _OR_IGNORE.match(query):
        query = _OR_IGNORE.sub("INSERT INTO", query) + " ON CONFLICT DO NOTHING"
    for pattern, replacement in _REWRITES:
        query = pattern.sub(replacement, query)
    return query, tuple(names) if names else None


def arguments(names: tuple[str, ...] | None, parameters: Sequence[Any] | Mapping[str, Any]) -> list[Any]:
    """The parameters in ``$n`` order."""
    if names is None:
        if isinstance(parameters, Mapping):
            raise ValueError("named parameters given to a statement with ? parameters")
        return list(parameters)
    if not isinstance(parameters, Mapping):
        raise ValueError("positional parameters given to a statement with :name parameters")
    return [parameters[name] for name in names]
