"""Names of entities as a reader sees them.

An entity is shown by its name in the reader's language when the store knows one, else in English,
else (for a reader of Latin script) in any Latin-script name it has, else as the store's display
name.  When that name is in a script the reader may not read (Arabic for an English reader), a
romanised form goes beside it: ``uroman`` reads Arabic, Cyrillic, Greek
and most other scripts better than a character table, as it fills in the long vowels; ``anyascii``
covers for it if it cannot load.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from anyascii import anyascii

log = logging.getLogger(__name__)

# Readers of these languages read Latin script; for them a name in another script gets a romanised form.
LATIN_READERS = frozenset({
    "en", "fr", "es", "de", "tr", "it", "nl", "pl", "pt", "vi", "id", "ms", "sv", "da", "no", "nb", "fi", "cs",
    "sk", "ro", "hu", "ca", "hr", "sl", "et", "lv", "lt", "sq", "az", "uz", "tl", "sw", "eu", "gl", "is", "ga",
})

_uroman_lock = threading.Lock()
_uroman: list[Any] = []  # the loaded romaniser, once; an empty list until the first use


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is Latin (accented or not)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isascii() or "\u00c0" <= c <= "\u024f" or "\u1e00" <= c <= "\u1eff"
                                 for c in letters)


def _romaniser() -> Any:
    with _uroman_lock:
        if not _uroman:
            try:
                import uroman

                _uroman.append(uroman.Uroman())
            except Exception as exc:  # a broken optional data file must not take the page down
                log.warning("uroman unavailable, romanising with anyascii: %s", exc)
                _uroman.append(None)
        return _uroman[0]


@lru_cache(maxsize=8192)
def romanised(name: str) -> str:
    """``name`` in Latin letters, each word capitalised: ``دميتري بيسكوف`` → ``Dmytry Byskwf``."""
    engine = _romaniser()
    text = ""
    if engine is not None:
        try:
            text = str(engine.romanize_string(name))
        except Exception as exc:  # romanisation is a convenience; fall back rather than fail the page
            log.debug("uroman failed on %r: %s", name, exc)
    if not text or not is_latin(text):
        text = anyascii(name)
    return " ".join(word[:1].upper() + word[1:] for word in text.split())


def parse_names(value: Any) -> dict[str, str]:
    """An entity's ``{lang: name}`` from the store (a JSON string or a dict)."""
    if isinstance(value, str):
        try:
            value = json.loads(value or "{}")
        except ValueError:
            return {}
    return {str(k): str(v) for k, v in value.items() if v} if isinstance(value, dict) else {}


def entity_label(names: dict[str, str], fallback: str, languages: Iterable[str]) -> dict[str, Any]:
    """``shown`` (the name to print), ``shown_lang`` (its language, None when unknown) and
    ``romanised`` (a Latin form to print beside it, or None) for a reader of ``languages``."""
    wanted = list(languages)
    shown, shown_lang = fallback, None
    for code in [*wanted, "en"]:  # English as the last resort: the widest-read Latin form
        if names.get(code):
            shown, shown_lang = names[code], code
            break
    reader = wanted[0] if wanted else "en"
    roman = None
    if reader in LATIN_READERS and shown_lang is None and not is_latin(shown):
        # A Latin-script name in another language ("Nguyên Phu Trong") reads better than a
        # romanisation of Arabic, which has no short vowels to give.
        latin = sorted((code, name) for code, name in names.items() if is_latin(name))
        if latin:
            shown_lang, shown = latin[0]
    if reader in LATIN_READERS and not is_latin(shown) and shown.strip():
        roman = romanised(shown) or None
    if shown_lang is None:  # the display name is one of the known names: say which language it is in
        shown_lang = next((code for code, name in sorted(names.items()) if name == shown), None)
    return {"shown": shown, "shown_lang": shown_lang, "romanised": roman}


def salience(entity: dict[str, Any]) -> tuple[int, int]:
    """How prominent an entity is in an event: the articles naming it, then its mentions in all."""
    return int(entity.get("articles") or 0), int(entity.get("mentions") or 0)
