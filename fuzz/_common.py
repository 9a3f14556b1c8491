"""What every atheris harness shares: offline settings and the one rule for a refusal."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

SAFETY_NETS = ("unexpected error while reading:", "could not process:")


def check_reason(reason: str) -> None:
    """A refusal is one line and comes from a real check, never from a safety net catching a crash."""
    if not reason or "\n" in reason or "\r" in reason:
        raise AssertionError(f"bad reason: {reason!r}")
    if reason.startswith(SAFETY_NETS):
        raise AssertionError(f"a safety net fired (a bug was caught, not handled): {reason}")
