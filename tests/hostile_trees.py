"""Directories holding special files and symbolic links, read as directory ingest reads them.

Shared by the hypothesis test (tests/test_fuzz_parsers.py) and the atheris harness
(fuzz/fuzz_files.py), which judge what comes out by the same rules.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ENTRY_KINDS = ["file", "fifo", "link_in", "link_out", "dangling", "loop", "dir_link"]
REFUSED_KINDS = frozenset({"fifo", "link_out", "dangling", "loop"})
OUTSIDE_SECRET = "root:x:0:0"  # a line of /etc/passwd, in the one file outside the tree


def make_entry(folder: Path, outside: Path, index: int, kind: str) -> None:
    """One entry of ``kind`` in ``folder``: a regular file, a named pipe, a link inside, out of the
    tree, dangling or to itself, or a link to a directory outside."""
    path = folder / f"{index:03d}-{kind}.txt"
    if kind == "file":
        path.write_text(f"Harbour pilots {index}\nPilots in Haiphong stopped work on day {index}.\n")
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


def read_tree(kinds: list[str], read: Callable[[str], Iterable[Any]], timeout: float) -> tuple[list[Any], bool]:
    """Build a fresh tree of ``kinds`` beside a file holding ``OUTSIDE_SECRET``, read it with
    ``read`` in a thread, and give what came out and whether the reader was still blocked after
    ``timeout`` seconds (then its named pipes are opened so the thread can end)."""
    with tempfile.TemporaryDirectory() as scratch:
        outside, folder = Path(scratch) / "outside", Path(scratch) / "tree"
        outside.mkdir()
        folder.mkdir()
        (outside / "secret.txt").write_text(f"Secret\n{OUTSIDE_SECRET}\n")
        for index, kind in enumerate(kinds):
            make_entry(folder, outside, index, kind)
        items: list[Any] = []
        reader = threading.Thread(target=lambda: items.extend(read(str(folder))), daemon=True)
        reader.start()
        reader.join(timeout=timeout)
        blocked = reader.is_alive()
        for fifo in folder.glob("*-fifo.txt"):
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    return items, blocked
