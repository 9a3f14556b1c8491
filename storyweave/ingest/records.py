"""Article records in JSON and JSONL (design.md's format) → RawDoc, one Reject per bad record.

A record is an object with ``id`` (required), ``title`` and/or ``text`` (one required; ``html`` is
accepted in their place and extracted later), and optionally ``lang`` (a hint), ``publish_date``,
``url`` and ``source``.  Every other key is kept as metadata.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..models import RawDoc, Reject

_STRING_FIELDS = ("title", "text", "html", "url", "source", "publish_date")
_KNOWN = frozenset({"id", "lang", *_STRING_FIELDS})


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def record_to_doc(record: Any, origin: str) -> RawDoc | Reject:
    """Validate one decoded JSON value as an article record."""
    if not isinstance(record, dict):
        return Reject(origin, f"expected a JSON object, got {_json_type(record)}")
    raw_id = record.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int) or not str(raw_id).strip():
        problem = "is missing" if raw_id is None else f"must be a non-empty string, got {_json_type(raw_id)}"
        return Reject(origin, f"field 'id' {problem}")
    values: dict[str, str | None] = {}
    for name in (*_STRING_FIELDS, "lang"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return Reject(origin, f"field {name!r} must be a string, got {_json_type(value)}")
        values[name] = value if value is None or value.strip() else None
    if not (values["title"] or values["text"] or values["html"]):
        return Reject(origin, f"record {_one_line(str(raw_id), 80)!r} needs a non-empty 'title' or 'text'")
    return RawDoc(
        origin=origin,
        id=str(raw_id).strip(),
        title=values["title"],
        text=values["text"],
        html=values["html"],
        url=values["url"],
        source=values["source"],
        lang_hint=values["lang"],
        publish_date=values["publish_date"],
        metadata={key: value for key, value in record.items() if key not in _KNOWN},
    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def _loads(text: str) -> tuple[Any, str | None]:
    """Decode JSON; return (value, None) or (None, a one-line reason)."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    except RecursionError:
        return None, "invalid JSON: nested too deeply"
    except ValueError as exc:  # e.g. integers longer than Python's conversion limit
        return None, f"invalid JSON: {_one_line(str(exc))}"


def iter_jsonl(text: str, origin: str) -> Iterator[RawDoc | Reject]:
    """One record a line; blank lines are skipped, a bad line is rejected as ``origin:LINE``."""
    # Split on \\n only: JSON strings may legally hold U+2028 and friends, which str.splitlines breaks on.
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield jsonl_record(line, f"{origin}:{number}")


def jsonl_record(line: str, where: str) -> RawDoc | Reject:
    """The document on one JSONL line (not blank), or why it is not one."""
    value, problem = _loads(line)
    if problem is not None:
        return Reject(where, problem.replace(" (line 1, ", " ("))
    return record_to_doc(value, where)


def iter_json(text: str, origin: str) -> Iterator[RawDoc | Reject]:
    """One record (an object) or many (a list of objects, item N rejected as ``origin#N``)."""
    value, problem = _loads(text)
    if problem is not None:
        yield Reject(origin, problem)
        return
    if isinstance(value, list):
        if not value:
            yield Reject(origin, "empty JSON list: no records")
        for number, item in enumerate(value, start=1):
            yield record_to_doc(item, f"{origin}#{number}")
        return
    yield record_to_doc(value, origin)


def nesting_depth(value: Any, stop_at: int) -> int:
    """How deep lists and objects nest in ``value`` (a scalar is 0), counted no further than ``stop_at + 1``.

    Iterative, so a value nested thousands deep is measured without touching the recursion limit.
    """
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if not isinstance(item, dict | list) or not item:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > stop_at:
            return deepest
        pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def metadata_problem(metadata: dict[str, Any], max_depth: int) -> str | None:
    """Why a record's extra fields cannot be kept (nested past ``max_depth``), or None.

    Every reader of the article (API responses, JSON output, exports) has a nesting limit of its
    own; bounding it at ingest keeps one record from breaking them.
    """
    if nesting_depth(metadata, max_depth) > max_depth:
        return (f"extra fields nested more than {max_depth} levels deep "
                "(setting max_metadata_depth); flatten them or drop them")
    return None


def flatten_nested(value: Any, max_depth: int) -> Any:
    """``value`` with every list or object below ``max_depth`` levels replaced by its JSON text.

    For values stored before ingest bounded the nesting (or imported): readers get all of it,
    as text past the limit, instead of an error.
    """
    if not isinstance(value, dict | list):
        return value
    if max_depth <= 0:
        try:
            return json.dumps(value, ensure_ascii=False, default=str)
        except (RecursionError, ValueError):
            return "(nested too deeply to show)"
    if isinstance(value, dict):
        return {key: flatten_nested(item, max_depth - 1) for key, item in value.items()}
    return [flatten_nested(item, max_depth - 1) for item in value]
