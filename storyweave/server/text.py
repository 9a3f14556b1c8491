"""Small text helpers the web UI, the API and the feeds share.

Display safety lives here: bidi override characters are stripped from everything shown, because a
title carrying U+202E could otherwise flip the order of the text around it (the "Trojan source"
trick).  Escaping itself is Jinja's autoescape; nothing here builds HTML.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from ..errors import InputError
from ..safetext import BIDI_CONTROLS

# Embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069): the characters that can
# reorder surrounding text.  The directional marks U+200E/U+200F only nudge neutral characters and
# stay, as right-to-left text legitimately needs them.
_BIDI_CONTROLS = re.compile(f"[{BIDI_CONTROLS}]")

RTL_LANGS = frozenset({"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"})

LANGUAGE_NAMES: dict[str, str] = {
    "ar": "العربية",
    "de": "Deutsch",
    "en": "English",
    "es": "Español",
    "fa": "فارسی",
    "fr": "Français",
    "he": "עברית",
    "it": "Italiano",
    "ja": "日本語",
    "ko": "한국어",
    "nl": "Nederlands",
    "pl": "Polski",
    "pt": "Português",
    "ru": "Русский",
    "tr": "Türkçe",
    "uk": "Українська",
    "ur": "اردو",
    "vi": "Tiếng Việt",
    "zh": "中文",
}

_LANG_CODE = re.compile(r"^[a-z]{2,3}$")


def strip_bidi(value: Any) -> Any:
    """``value`` with bidi embedding/override/isolate characters removed (non-strings unchanged).

    Markup (HTML a template or macro already escaped) stays Markup, so it is not escaped twice.
    """
    if isinstance(value, Markup):
        return Markup(_BIDI_CONTROLS.sub("", str(value)))
    if isinstance(value, str):
        return _BIDI_CONTROLS.sub("", value)
    return value


def direction(lang: str | None) -> str:
    """``rtl`` for right-to-left languages, else ``auto`` so the browser decides from the text."""
    return "rtl" if (lang or "").split("-")[0].lower() in RTL_LANGS else "auto"


def language_name(lang: str | None) -> str:
    code = (lang or "und").lower()
    return LANGUAGE_NAMES.get(code, code)


def clean_lang(value: str | None) -> str | None:
    """A two- or three-letter language code from user input, or None when it is not one."""
    if not value:
        return None
    code = value.strip().lower().split("-")[0].split("_")[0]
    return code if _LANG_CODE.match(code) else None


def accepted_languages(header: str | None) -> list[str]:
    """Language codes from an Accept-Language header, best first (``fr-CH, fr;q=0.9, en;q=0.8``)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        code = clean_lang(tag)
        if code and quality > 0:
            ranked.append((-quality, position, code))
    seen: list[str] = []
    for _, _, code in sorted(ranked):
        if code not in seen:
            seen.append(code)
    return seen


def reader_languages(query_lang: str | None, accept_language: str | None) -> list[str]:
    """The reader's languages in order of preference: ``?lang=`` first, then the browser's."""
    chosen = clean_lang(query_lang)
    ordered = [chosen] if chosen else []
    ordered += [code for code in accepted_languages(accept_language) if code not in ordered]
    return ordered


def encode_cursor(value: Any) -> str:
    """An opaque cursor string for a position a query returned (an int, or a store's own cursor)."""
    raw = f"{type(value).__name__[0]}:{value}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def one_page(
    rows: list[dict[str, Any]], size: int, position: Callable[[dict[str, Any]], Any] = lambda row: row["cursor"]
) -> tuple[list[dict[str, Any]], str | None]:
    """The first ``size`` of ``rows`` (fetched with ``size + 1`` to learn whether more exist) and the
    cursor of the page after them, or None on the last page."""
    if len(rows) <= size:
        return rows, None
    page = rows[:size]
    return page, encode_cursor(position(page[-1])) if page else None


# A position is a SQLite integer (a seq or a rank); anything past this is no position we handed out.
MAX_POSITION = 2**62


def decode_cursor(cursor: str | None) -> int | None:
    """The position an ``encode_cursor`` string stands for; ``InputError`` when it is not one of ours.

    Out-of-range numbers are refused here, once, so no query ever gets a number SQLite cannot hold.
    """
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind == "i" and value.isascii() and value.isdigit() and len(value) <= 19:
            position = int(value)
            if position <= MAX_POSITION:
                return position
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InputError("invalid cursor; pass the 'cursor' value of a previous page unchanged")


def parse_position(value: str | None) -> int | None:
    """A non-negative position in SQLite's range from a header, or None when it is not one."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    position = int(text)
    return position if position <= MAX_POSITION else None
