"""How Japanese writes foreign names in katakana, for matching them with other scripts' spellings.

Katakana writes every consonant with a vowel after it and has one r for r and l: トランプ is
to-ra-n-pu for Trump, ラブロフ ra-bu-ro-fu for Lavrov.  Romanised letter by letter (anyascii) those
keep the consonants, but not always the original's: チ chi also writes ti (プーチン, Putin), ブ bu a
v, ン n an m before p or b.  Each kana's romanised initial below lists the Latin consonants it may
transcribe; a name written wholly in katakana is a foreign one.
"""

from __future__ import annotations

# Romanised initial of one kana → the Latin consonants it may transcribe; one not listed transcribes itself.
JA_INITIAL_READINGS: dict[str, tuple[str, ...]] = {
    "ch": ("ch", "t"),  # チ: ティ in older spellings
    "ts": ("ts", "t"),
    "j": ("j", "d", "g"),  # ジ: ディ, and g before i
    "r": ("r", "l"),  # one katakana letter for both
    "b": ("b", "v"),  # ブ for a foreign v
    "v": ("v", "b"),
}
# The moraic n (ン) before p, b or m is an m (トランプ).
JA_MORAIC_N_READINGS = ("n", "m")
# Kana that add no consonant of their own: the long-vowel mark and the small tsu of a doubled one.
JA_SILENT_KANA = frozenset("ーッ")
