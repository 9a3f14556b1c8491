"""Build the common-word lists that ``lang.common`` reads: ``python -m storyweave.lang.build_common``.

Needs the ``kb`` extra (wordfreq) and rigour, which knows people's given and family names: a word
that is also a name part ("Rosa", "Guerra", "Baker") is left off, so that a person written with it
is never taken for a sentence's noun.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .common import LANGUAGES

MIN_ZIPF = 4.0  # once in 10,000 words: "provincia" (5.1), "embajada" (4.3); not "Ebro" (3.5), "Inegi" (3.5)
_OUT = Path(__file__).parent / "data"


def frequent_words(lang: str) -> list[str]:
    from wordfreq import iter_wordlist, zipf_frequency

    found = []
    for word in iter_wordlist(lang):
        if zipf_frequency(word, lang) < MIN_ZIPF:
            break
        if word.isalpha() and len(word) > 1:
            found.append(word)
    return found


def name_parts(candidates: list[str]) -> set[str]:
    from rigour.names import analyze_names
    from rigour.names.tag import NameTypeTag

    found = set()
    for name in analyze_names(NameTypeTag.PER, [w.title() for w in candidates], consolidate=False):
        if any(str(span.symbol.category).endswith("NAME") for span in name.spans):
            found.add(name.original.lower())
    return found


def main() -> int:
    _OUT.mkdir(exist_ok=True)
    for lang in LANGUAGES:
        words = frequent_words(lang)
        names = name_parts(words)
        kept = sorted(w for w in words if w not in names)
        (_OUT / f"common_{lang}.txt").write_text("\n".join(kept) + "\n", encoding="utf-8")
        print(f"{lang}: {len(kept)} common words ({len(names)} name parts left off)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
