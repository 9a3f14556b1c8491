"""Do two stores hold the same decisions?  Row by row, through each store's export.

    python benchmarks/same_decisions.py a.db b.db
    python benchmarks/same_decisions.py a.db postgresql://user@host/db

Every table of the export is compared as a sorted list of rows, leaving out time stamps, insertion
sequence numbers and change tokens (``tests/decisions_support.py``).  Two writers that decide alike
give "ALL IDENTICAL", whichever engine each ran on and however it batched its reads.  Exit status 1
when a table differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from decisions_support import decisions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("first", help="A SQLite file or a postgresql:// URL.")
    parser.add_argument("second", help="A SQLite file or a postgresql:// URL.")
    args = parser.parse_args()
    first, second = decisions(args.first), decisions(args.second)
    same = True
    for table in sorted(first.keys() | second.keys()):
        a, b = first.get(table, []), second.get(table, [])
        verdict = "identical" if a == b else f"DIFFERENT ({len(set(a) ^ set(b))} rows in one only)"
        same &= a == b
        print(f"{table:<22} {len(a):>8} rows vs {len(b):>8}: {verdict}")
    print("ALL IDENTICAL" if same else "DIFFERENCES")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
