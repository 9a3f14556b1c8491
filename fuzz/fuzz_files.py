"""atheris: directories holding special files and symbolic links, through directory ingest.

Each input byte adds one entry to a fresh directory: a regular file, a named pipe (FIFO), a link
to a file inside, a link out of the tree (to a file holding a secret), a dangling link, a link
to itself, or a link to a directory outside.  Rules: the ingest never blocks (it runs in a thread
with a deadline), every refusal is one line from a real check, nothing from outside the tree is
read, and every regular file (and every link inside) becomes a document.

python fuzz/fuzz_files.py -max_total_time=600
"""

from __future__ import annotations

import sys

import atheris
from _common import check_reason
from hostile_trees import ENTRY_KINDS, OUTSIDE_SECRET, REFUSED_KINDS, read_tree

with atheris.instrument_imports():
    from storyweave import Settings
    from storyweave.ingest import iter_inputs
    from storyweave.models import RawDoc, Reject

SETTINGS = Settings({"fetch_feed_links": False})


def test_one_input(data: bytes) -> None:
    kinds = [ENTRY_KINDS[byte % len(ENTRY_KINDS)] for byte in data[:12]]
    items, blocked = read_tree(kinds, lambda folder: iter_inputs(folder, SETTINGS), timeout=20)
    if blocked:
        raise AssertionError(f"directory ingest blocked on {kinds}")
    for item in items:
        if isinstance(item, Reject):
            check_reason(item.reason)
        elif OUTSIDE_SECRET in (item.text or "") + (item.title or ""):
            raise AssertionError(f"a file outside the tree was read: {item.origin}")
    documents = sum(isinstance(item, RawDoc) for item in items)
    if documents != kinds.count("file") + 2 * kinds.count("link_in"):
        raise AssertionError(f"{documents} documents from {kinds}")
    if sum(isinstance(item, Reject) for item in items) != sum(kind in REFUSED_KINDS for kind in kinds):
        raise AssertionError(f"wrong rejects from {kinds}: {items}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
