"""Helpers shared by the benchmark scripts: where the evaluation data is, and memory readings."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL_DIR = REPO.parent / "shared" / "eval" / "semeval-dev"


def eval_file(name: str) -> Path:
    """The evaluation file, or exit 0 with a note when the evaluation data is not here."""
    path = EVAL_DIR / name
    if not path.is_file():
        print(f"skipped: {path} is not present", file=sys.stderr)
        raise SystemExit(0)
    return path


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
