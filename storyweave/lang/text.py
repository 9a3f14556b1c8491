"""Script-level folding that every word list and name is matched after.

Case, the diacritics outlets disagree about, Arabic letter variants and the Arabic article:
``fold("Erdoğan") == fold("Erdogan")``, ``strip_arabic_article("الكرملين") == "كرملين"``.
"""

from __future__ import annotations

import re
import unicodedata

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ی": "ي", "ک": "ك", "ۀ": "ه"}
)
# Letters whose accents carry no identity across scripts (Latin, Greek, Cyrillic, Vietnamese).
_COMBINING = re.compile("[\u0300-\u036f]")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def fold(text: str) -> str:
    """Case-fold, drop diacritics that vary by outlet, unify Arabic letter variants."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if _ARABIC_LETTER.search(text):
        text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)
    text = text.replace("ç", "s").replace("ş", "sh")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _COMBINING.sub("", decomposed)).replace("đ", "d").replace("ı", "i")


def strip_arabic_article(token: str) -> str:
    """``الكرملين`` → ``كرملين``: the article is written joined to the word and varies by sentence."""
    if token.startswith("ال") and len(token) >= 4:
        return token[2:]
    return token


def arabic_clitic_variants(token: str) -> list[str]:
    """The token without a joined conjunction/preposition (و ف ب ل ك, لل = ل + ال), longest first.

    Only candidates: callers keep a variant when it is a known name, since بوتين itself starts with ب.
    """
    variants = []
    if token.startswith("لل") and len(token) >= 5:
        variants.append(token[2:])
    if token[:1] in "وفبلك" and len(token) >= 4:
        rest = token[1:]
        variants.append(strip_arabic_article(rest))
        if rest[:1] in "بلك" and len(rest) >= 4:
            variants.append(strip_arabic_article(rest[1:]))
    return variants


def fold_token(raw: str) -> str:
    """Fold one token; an Arabic token loses its article, recognised before hamza-alef is unified
    (ألكسندر is Alexander, not al + كسندر)."""
    if _ARABIC_LETTER.match(raw):
        return fold(strip_arabic_article(_ARABIC_MARKS.sub("", raw)))
    return fold(raw)


def note_opening(openings: dict[str, int], phrase: str) -> None:
    """Count ``phrase`` (words joined by single spaces) into ``openings``: per first word, the most
    words of a phrase opening with it.  A scanner then skips the words that open no phrase, and
    never tries a window longer than the phrases its first word opens."""
    first = phrase.split(" ", 1)[0]
    openings[first] = max(openings.get(first, 0), phrase.count(" ") + 1)
