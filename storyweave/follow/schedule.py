"""When to poll next: intervals written as ``15m``, backoff after failures, and ``Retry-After``."""

from __future__ import annotations

import random
import re
from email.utils import parsedate_to_datetime

from ..errors import InputError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EVERY_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", re.IGNORECASE)


def parse_every(text: str | int) -> int:
    """``"15m"`` → 900 seconds; a bare number is seconds.  Units: s, m, h, d."""
    match = _EVERY_RE.fullmatch(str(text))
    seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()] if match else 0
    if seconds < 1:
        raise InputError(f"invalid interval {str(text)!r}: write a positive duration such as 90s, 15m, 2h or 1d")
    return int(seconds)


def format_every(seconds: int) -> str:
    """900 → ``"15m"``: the largest unit that divides the interval."""
    for unit in ("d", "h", "m"):
        if seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


def backoff_s(failures: int, base_s: float, cap_s: float, rng: random.Random) -> float:
    """Wait after ``failures`` failed polls in a row: ``base_s`` doubled each time, capped, then
    jittered down by up to half, so sources that failed together do not retry together."""
    exponent = min(max(failures, 1) - 1, 40)
    return min(cap_s, base_s * 2.0**exponent) * rng.uniform(0.5, 1.0)


def retry_after_s(value: str | None, now: float) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number, or an HTTP date); None when absent or unreadable."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)
