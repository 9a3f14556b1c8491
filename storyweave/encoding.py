"""Bytes → text: pick the right character encoding and recognise binary data.

Order of trust in :func:`decode_bytes`: a byte-order mark, then strict UTF-8, then "mostly UTF-8"
(a UTF-8 document with a few corrupt bytes keeps its UTF-8 reading, with replacement characters,
instead of being misread as Windows-1250), then the declared charset (HTTP header, HTML meta, XML
declaration), then charset-normalizer's guess, with ties broken in favour of the legacy encodings
the web actually uses.
"""

from __future__ import annotations

import codecs
import logging
import re

import charset_normalizer

logger = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Signatures of binary formats people drop into news folders by mistake (images, PDFs, archives).
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"WEBP", 8, "WebP image"),
    (b"%PDF-", 0, "PDF document"),
    (b"PK\x03\x04", 0, "ZIP archive"),
    (b"PK\x05\x06", 0, "ZIP archive"),
    (b"\x1f\x8b", 0, "gzip archive"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", 0, "zstd archive"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
    (b"\x7fELF", 0, "ELF executable"),
    (b"ftyp", 4, "MP4 video"),
    (b"OggS", 0, "Ogg media"),
    (b"ID3", 0, "MP3 audio"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "Microsoft Office document"),
)

# When charset-normalizer finds several equally plausible single-byte readings (Windows-1250 and
# Windows-1252 read French equally well by its measures), prefer the one most used on the web.
_WEB_PREFERENCE = (
    "utf_8", "cp1252", "cp1251", "gb18030", "gbk", "shift_jis", "euc_kr", "big5", "cp1256", "cp1250",
    "iso8859_2", "koi8_r", "cp1254", "cp1253", "cp1255", "cp874", "cp1257", "cp1258", "euc_jp", "iso8859_15",
)

_CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1B)) | frozenset(range(0x1C, 0x20))
_SNIFF_BYTES = 8192
_MIN_BOM_CHECK_BYTES = 16
_DECLARED_RE = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})"""
    rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""",
    re.IGNORECASE,
)


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a BOM: ASCII characters leave a NUL on every other byte."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    even_nuls, odd_nuls = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def binary_kind(data: bytes) -> str | None:
    """Name the binary type of ``data`` (``"PNG image"``), or None when it looks like text."""
    for magic, offset, name in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return name
    head = data[:_SNIFF_BYTES]
    if any(head.startswith(bom) for bom, _ in _BOMS) or _utf16_without_bom(head):
        return None
    if b"\x00" in head:
        return "unknown type with NUL bytes"
    if head and sum(byte in _CONTROL_BYTES for byte in head) / len(head) > 0.1:
        return "unknown type with control characters"
    return None


def bom_problem(data: bytes) -> str | None:
    """A one-line reason when the byte-order mark contradicts the bytes after it, else None.

    Decoding by a wrong mark turns the whole text into mojibake that looks like real CJK (UTF-8 read
    as UTF-16) or into replacement characters, and the language detector is then sure of nonsense.
    """
    first = next(((bom, codec) for bom, codec in _BOMS if data.startswith(bom)), None)
    if first is None:
        return None
    bom, codec = first
    rest = data[len(bom) :]
    second = next((other for mark, other in _BOMS if rest.startswith(mark)), None)
    if second is not None and second != codec:
        return f"two byte-order marks ({codec}, then {second}): the text's encoding cannot be known"
    if codec.startswith("utf-16") and len(rest) >= _MIN_BOM_CHECK_BYTES and b"\x00" not in rest[:_SNIFF_BYTES]:
        try:
            rest.decode("utf-8")
        except UnicodeDecodeError:
            return None  # no NUL is rare but possible in UTF-16 (all CJK, no spaces): trust the mark
        # Real UTF-16 text has a NUL in nearly every space, digit, newline and Latin letter.
        return f"byte-order mark says {codec} but the bytes are UTF-8 text: wrong encoding"
    return None


def normalise_codec(name: str | None) -> str | None:
    """Python's codec name for a declared charset, or None when Python has no such text codec.

    ISO-8859-1 and ASCII labels become Windows-1252, as browsers do (WHATWG encoding standard):
    pages that say Latin-1 routinely contain Windows-1252 quotes and dashes.
    """
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
        b"x".decode(codec, "replace")  # base64, rot13, zlib, hex: Python codecs, but no text encodings
    except (LookupError, ValueError):
        return None
    if codec in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return codec


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML ``<meta>`` or an XML declaration announces in the first bytes."""
    match = _DECLARED_RE.search(data[:4096])
    if match is None:
        return None
    raw = match.group(1) or match.group(2)
    return raw.decode("ascii", "replace")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few corrupt bytes, decoded with replacement characters; else None."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    # Legacy single-byte text almost never forms valid multi-byte sequences, so even a few good
    # ones per bad byte mean UTF-8 with damage, not another encoding.
    if good >= 3 and bad * 2 <= good:
        return text
    return None


def _guess(data: bytes) -> str | None:
    results = charset_normalizer.from_bytes(data)
    best = results.best()
    if best is None:
        return None
    rank = {name: i for i, name in enumerate(_WEB_PREFERENCE)}
    tied = [
        r for r in results if r.chaos <= best.chaos + 0.01 and r.coherence >= best.coherence - 0.01
    ]
    chosen = min(tied, key=lambda r: rank.get(r.encoding, len(rank)))
    return str(chosen.encoding)


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` to text; return ``(text, encoding used)``.  NUL characters are dropped."""
    text, used = _decode(data, declared)
    return text.replace("\x00", ""), used


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_codec, errors="replace"), bom_codec
    bomless = _utf16_without_bom(data[:_SNIFF_BYTES])
    if bomless:
        return data.decode(bomless, errors="replace"), bomless
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly, "utf-8"
    codec = normalise_codec(declared) or normalise_codec(declared_charset(data))
    if codec == "utf-8":
        # Declared UTF-8 but not valid: the declaration is more likely right than any guess.
        return data.decode("utf-8", errors="replace"), "utf-8"
    if codec:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            logger.debug("declared charset %s does not fit the bytes; guessing", codec)
    guessed = _guess(data)
    if guessed:
        return data.decode(guessed, errors="replace"), guessed
    return data.decode("utf-8", errors="replace"), "utf-8"
