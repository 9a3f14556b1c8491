"""atheris: directories holding special files and symbolic links, through directory ingest.

Each input byte adds one entry to a fresh directory: a regular file, a named pipe (FIFO), a link
to a file inside, a link out of the tree (to a file holding a secret), a dangling link, a link
to itself, or a link to a directory outside.  Rules: the ingest never blocks (it runs in a thread
with a deadline), every refusal is one line from a real check, nothing from outside the tree is
read, and every regular file (and every link inside) becomes a document.

python fuzz/fuzz_files.py -max_total_time=600
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from pathlib import Path

import atheris
from _common import check_reason

with atheris.instrument_imports():
    from storyweave import Settings
    from storyweave.ingest import iter_inputs
    from storyweave.models import RawDoc, Reject

SETTINGS = Settings({"fetch_feed_links": False})
SECRET = "root:x:0:0"
KINDS = ["file", "fifo", "link_in", "link_out", "dangling", "loop", "dir_link"]
REFUSED = {"fifo", "link_out", "dangling", "loop"}


def _entry(folder: Path, outside: Path, index: int, kind: str) -> None:
    path = folder / f"{index:03d}-{kind}.txt"
    if kind == "file":
        path.write_text(f"Harbour pilots {index}\nPilots stopped work on day {index}.\n")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "link_in":
        target = folder / f"{index:03d}-target.md"
        target.write_text(f"Harbour pilots target {index}\nThe target file {index}.\n")
        path.symlink_to(target)
    elif kind == "link_out":
        path.symlink_to(outside / "secret.txt")
    elif kind == "dangling":
        path.symlink_to(folder / "nowhere.txt")
    elif kind == "loop":
        path.symlink_to(path)
    else:
        (folder / f"{index:03d}-dir").symlink_to(outside, target_is_directory=True)


def test_one_input(data: bytes) -> None:
    kinds = [KINDS[byte % len(KINDS)] for byte in data[:12]]
    with tempfile.TemporaryDirectory() as scratch:
        outside, folder = Path(scratch) / "outside", Path(scratch) / "tree"
        outside.mkdir()
        folder.mkdir()
        (outside / "secret.txt").write_text(f"Secret\n{SECRET}\n")
        for index, kind in enumerate(kinds):
            _entry(folder, outside, index, kind)
        items: list[RawDoc | Reject] = []
        reader = threading.Thread(target=lambda: items.extend(iter_inputs(str(folder), SETTINGS)), daemon=True)
        reader.start()
        reader.join(timeout=20)
        blocked = reader.is_alive()
        for fifo in folder.glob("*-fifo.txt"):
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    if blocked:
        raise AssertionError(f"directory ingest blocked on {kinds}")
    for item in items:
        if isinstance(item, Reject):
            check_reason(item.reason)
        elif SECRET in (item.text or "") + (item.title or ""):
            raise AssertionError(f"a file outside the tree was read: {item.origin}")
    documents = sum(isinstance(item, RawDoc) for item in items)
    if documents != kinds.count("file") + 2 * kinds.count("link_in"):
        raise AssertionError(f"{documents} documents from {kinds}")
    if sum(isinstance(item, Reject) for item in items) != sum(kind in REFUSED for kind in kinds):
        raise AssertionError(f"wrong rejects from {kinds}: {items}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
