"""Where documents come from: files, directories, stdin and URLs, each read with the same rules.

Every source goes through :func:`iter_bytes`: size cap, empty and binary checks, decoding, then the
reader for its format (named by the file extension or the HTTP content type, else sniffed from the
content).  Problems with one document become a ``Reject`` and the batch carries on.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Literal
from urllib.parse import urljoin

import httpx

from ..encoding import binary_kind, bom_problem, decode_bytes
from ..errors import FetchError
from ..extract import page_hints
from ..fetch import Fetcher, size_cap_message
from ..limits import checked_item, cut_at_word, valid_text
from ..models import RawDoc, Reject
from ..settings import Settings
from .feeds import FeedReader
from .records import iter_json, iter_jsonl, jsonl_record

logger = logging.getLogger(__name__)

Format = Literal["text", "markdown", "html", "json", "jsonl", "feed"]

EXTENSIONS: dict[str, Format] = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".xml": "feed", ".rss": "feed", ".atom": "feed", ".rdf": "feed",
}
URL_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_FIRST_ELEMENT_RE = re.compile(r"<(?![?!/])([A-Za-z][\w:.-]*)")
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "rdf"})
_SETEXT_RULE_RE = re.compile(r"^(=+|-+)$")
_READ_CHUNK = 1 << 20
_SNIFF_BYTES = 1 << 16  # enough to tell text from binary data
UNEXPECTED = "unexpected error while reading:"


def sniff_format(text: str) -> Format:
    """Guess the format of content that came without a trustworthy name (stdin, URLs)."""
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith("["):
        return "json"
    if start.startswith("{"):
        first, _, rest = start.partition("\n")
        # Several lines that each open an object: JSONL; one object spread over lines: JSON.
        return "jsonl" if rest.strip().startswith("{") and first.rstrip().endswith("}") else "json"
    if start.startswith("<"):
        element = _FIRST_ELEMENT_RE.search(start[:65536])
        if element and element.group(1).lower() in _FEED_ROOTS:
            return "feed"
        if start[:5].lower() == "<?xml" and not (element and element.group(1).lower() == "html"):
            return "feed"  # XML that is not XHTML: let the feed reader say whether it is a feed
        return "html"
    return "text"


def _text_doc(text: str, origin: str, markdown: bool, max_title_chars: int) -> RawDoc | Reject:
    """First non-empty line is the title, the rest is the text.

    A first line longer than a title can be is a paragraph: it stays in the text, whole, and the
    title is its start.
    """
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.strip():
            title = line.strip()
            rest = lines[index + 1 :]
            if markdown:
                title = title.lstrip("#").strip()
                if rest and _SETEXT_RULE_RE.match(rest[0].strip()):
                    rest = rest[1:]  # "Title\n=====" heading underline
            if len(title) > max_title_chars:
                title, rest = cut_at_word(title, max_title_chars), lines[index:]
            return RawDoc(origin=origin, title=title, text="\n".join(rest).strip("\n"))
    return Reject(origin, "empty file")


def _settle_format(named: Format | None, text: str) -> Format:
    """The format to read ``text`` as: the sniffed one when unnamed, and JSON / JSONL mix-ups fixed."""
    sniffed = sniff_format(text)
    if named is None:
        return sniffed
    if named == "json" and sniffed == "jsonl":
        return "jsonl"  # a .json file with one object a line
    if named == "jsonl" and sniffed == "json":
        first_line = text.lstrip("\ufeff \t\r\n").split("\n", 1)[0].rstrip()
        if first_line.startswith("[") or not first_line.endswith("}"):
            return "json"  # a .jsonl file holding a list or one pretty-printed object
    return named


def _lines_under_cap(stream: BinaryIO, cap: int) -> Iterator[bytes | None]:
    """Each line of ``stream``; ``None`` for a line longer than ``cap`` bytes, which is skipped."""
    while line := stream.readline(cap + 1):
        if len(line) > cap and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(_READ_CHUNK)
            yield None
        else:
            yield line


_SPECIAL_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                  (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"))


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular one is (``"a named pipe"``), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _SPECIAL_KINDS if test(mode)), "a special file")


def _open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading without blocking on it, and only if it is (still) a regular file.

    The check before opening can race with a rename: O_NONBLOCK keeps a named pipe renamed into
    place meanwhile from blocking the open, and the descriptor's own type is checked again.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        kind = special_kind(os.fstat(fd).st_mode)
        if kind:
            raise OSError(errno.EINVAL, f"not a regular file ({kind})")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _directory_errors(errors: list[OSError]) -> Iterator[Reject]:
    while errors:
        error = errors.pop(0)
        yield Reject(str(error.filename), f"cannot read directory: {error.strerror or error}")


class Session:
    """One ``iter_inputs`` call: shares one Fetcher (created on first use) across all its URLs."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self.transport = transport
        self._fetcher: Fetcher | None = None
        self.feeds = FeedReader(settings, self.fetcher)

    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings, self.transport)
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None

    # -- bytes → documents -------------------------------------------------------------------------
    def iter_bytes(
        self,
        data: bytes,
        origin: str,
        fmt: Format | None = None,
        charset: str | None = None,
        content_type: str | None = None,
        page_url: str | None = None,
        what: str = "file",
    ) -> Iterator[RawDoc | Reject]:
        """Documents in ``data``; ``fmt`` None means sniff it.  Never raises for bad content."""
        try:
            yield from self._documents(data, origin, fmt, charset, content_type, page_url, what)
        except Exception as exc:  # a parser bug on one input must not end the whole batch
            logger.warning("unexpected error reading %s", origin, exc_info=True)
            yield Reject(origin, f"{UNEXPECTED} {type(exc).__name__}: {' '.join(str(exc).split())[:200]}")

    def _documents(
        self,
        data: bytes,
        origin: str,
        fmt: Format | None,
        charset: str | None,
        content_type: str | None,
        page_url: str | None,
        what: str,
    ) -> Iterator[RawDoc | Reject]:
        if not data.strip():
            yield Reject(origin, f"empty {what}")
            return
        kind = binary_kind(data)
        if kind:
            yield Reject(origin, f"binary data ({kind}), not text")
            return
        problem = bom_problem(data)
        if problem:
            yield Reject(origin, problem)
            return
        if fmt == "feed":
            yield from self.feeds.read(data, origin, content_type)
            return
        text, _ = decode_bytes(data, charset)
        if not text.strip():
            yield Reject(origin, f"empty {what}")
            return
        fmt = _settle_format(fmt, text)
        if fmt == "feed":
            yield from self.feeds.read(data, origin, content_type)
        elif fmt == "jsonl":
            yield from iter_jsonl(text, origin)
        elif fmt == "json":
            yield from iter_json(text, origin)
        elif fmt == "html":
            declared = page_hints(text).url
            # A relative canonical link is relative to the page that carried it.
            url = urljoin(page_url, declared) if page_url and declared else declared or page_url
            yield RawDoc(origin=origin, html=text, url=url)
        else:
            yield _text_doc(text, origin, fmt == "markdown", int(self.settings.max_title_chars))

    def read_capped(self, stream: BinaryIO, origin: str, subject: str) -> bytes | Reject:
        """Read at most ``max_input_bytes`` + 1 bytes: enough to know the input is too big."""
        cap = int(self.settings.max_input_bytes)
        chunks: list[bytes] = []
        total = 0
        while total <= cap:
            # Small reads: read(cap + 1) would allocate the whole cap even for a tiny file.
            chunk = stream.read(min(_READ_CHUNK, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > cap:
            return Reject(origin, size_cap_message(subject, cap))
        return b"".join(chunks)

    def jsonl_stream(self, stream: BinaryIO, origin: str) -> Iterator[RawDoc | Reject]:
        """Records of a JSONL stream of any size, read a line at a time; a line over
        ``max_input_bytes`` is rejected as ``origin:LINE`` without being held in memory."""
        head = stream.read(_SNIFF_BYTES)
        stream.seek(0)
        kind = binary_kind(head)
        if kind:
            yield Reject(origin, f"binary data ({kind}), not text")
            return
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            yield Reject(origin, "a JSONL file over max_input_bytes must be UTF-8 to stream; this one is UTF-16")
            return
        cap = int(self.settings.max_input_bytes)
        for number, line in enumerate(_lines_under_cap(stream, cap), start=1):
            where = f"{origin}:{number}"
            if line is None:
                yield Reject(where, size_cap_message("line", cap))
                continue
            try:
                text = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                text, _ = decode_bytes(line)
            if text.strip():
                yield jsonl_record(text, where)

    # -- sources -----------------------------------------------------------------------------------
    def stdin(self, stream: BinaryIO | None = None) -> Iterator[RawDoc | Reject]:
        data = self.read_capped(stream or sys.stdin.buffer, "stdin", "standard input")
        if isinstance(data, Reject):
            yield data
            return
        yield from self.iter_bytes(data, "stdin", what="input on stdin")

    def file(self, path: Path, fmt: Format | None, real: Path | None = None) -> Iterator[RawDoc | Reject]:
        """The documents in the file ``path`` (read from ``real``, the file a checked link points to)."""
        origin = str(path)
        try:
            kind = special_kind(os.stat(real or path).st_mode)
            if kind:
                # Never opened: opening a named pipe blocks until a writer comes, reading a device never ends.
                yield Reject(origin, f"not a regular file ({kind}); only regular files are read")
                return
            with _open_regular(real or path) as stream:
                if fmt == "jsonl" and os.fstat(stream.fileno()).st_size > int(self.settings.max_input_bytes):
                    # A JSONL dump is many records, not one document: it streams whatever its size.
                    yield from self.jsonl_stream(stream, origin)
                    return
                data = self.read_capped(stream, origin, "file")
        except OSError as exc:
            yield Reject(origin, f"cannot read file: {exc.strerror or exc}")
            return
        if isinstance(data, Reject):
            yield data
            return
        for doc in self.iter_bytes(data, origin, fmt):
            # A plain-text article is named by its file (000_f35a….txt → 000_f35a…), so that
            # `storyweave show` takes the name the user sees; a second different file of the same
            # name elsewhere is rejected by the store, never silently dropped.
            if isinstance(doc, RawDoc) and doc.id is None and doc.html is None and doc.origin == origin:
                doc.id = valid_text(path.stem)  # a name that is not UTF-8 still names its article
            yield doc

    def directory(self, root: Path) -> Iterator[RawDoc | Reject]:
        """Every non-hidden file below ``root``, in sorted order; unknown types are rejected."""
        errors: list[OSError] = []
        for folder, subfolders, files in os.walk(root, onerror=errors.append):
            yield from _directory_errors(errors)
            subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                path = Path(folder) / name
                fmt = EXTENSIONS.get(path.suffix.lower())
                if fmt is None:
                    known = " ".join(sorted(EXTENSIONS))
                    found = path.suffix or "(no extension)"
                    yield Reject(str(path), f"unsupported file type {found}; expected one of {known}")
                    continue
                real = self._link_inside(path, root)
                if isinstance(real, Reject):
                    yield real
                    continue
                yield from self.file(path, fmt, real)
        yield from _directory_errors(errors)

    def _link_inside(self, path: Path, root: Path) -> Path | Reject | None:
        """For a symbolic link, the file it points to when that lies inside ``root`` (or may lie
        outside: ``follow_symlinks_outside``); None for a plain file; a reject otherwise."""
        if not path.is_symlink():
            return None
        try:
            real = path.resolve(strict=True)
            inside = real.is_relative_to(root.resolve(strict=True))
        except (OSError, RuntimeError) as exc:  # a dangling link, a loop
            return Reject(str(path), f"cannot follow symbolic link: {getattr(exc, 'strerror', None) or exc}")
        if not inside and not self.settings.follow_symlinks_outside:
            return Reject(str(path), "symbolic link to a file outside the directory; not followed "
                                     "(set follow_symlinks_outside to read such files)")
        return real

    def url(self, url: str) -> Iterator[RawDoc | Reject]:
        try:
            page = self.fetcher().get(url)
        except FetchError as exc:
            yield Reject(url, str(exc))
            return
        media = page.content_type
        fmt: Format | None = None
        if "html" in media:
            fmt = "html"
        elif any(word in media for word in ("rss", "atom", "rdf", "xml")):
            fmt = "feed"
        elif media in ("application/x-ndjson", "application/jsonl", "application/x-jsonlines"):
            fmt = "jsonl"
        yield from self.iter_bytes(
            page.body, url, fmt, charset=page.charset, content_type=media or None, page_url=page.final_url,
            what="response",
        )

    def target(self, target: str) -> Iterator[RawDoc | Reject]:
        if target == "-":
            yield from self.stdin()
            return
        path = Path(target)
        if URL_SCHEME_RE.match(target) and not path.exists():
            yield from self.url(target)
            return
        if path.is_dir():
            yield from self.directory(path)
        elif path.is_file():
            yield from self.file(path, EXTENSIONS.get(path.suffix.lower()))
        elif path.exists():
            yield Reject(target, "not a regular file or directory")
        else:
            yield Reject(
                target, "no such file or directory (expected a file, a directory, '-' for stdin or an http(s) URL)"
            )


def iter_inputs(
    target: str, settings: Settings, transport: httpx.BaseTransport | None = None
) -> Iterator[RawDoc | Reject]:
    """Documents from a file, a directory, ``-`` (stdin) or an http(s) URL (a page or a feed)."""
    session = Session(settings, transport)
    try:
        # Checked here as well as in the pipeline: `storyweave cluster` spools these documents first.
        for item in session.target(target):
            yield checked_item(item, settings)
    finally:
        session.close()

