"""German inflection that a name lookup must see through.

German declines the adjectives inside a name, and the noun too in the dative plural: the knowledge
base lists "Europäische Union" and "Vereinigte Arabische Emirate", the text says "der Europäischen
Union", "in den Vereinigten Arabischen Emiraten".  The base form is the nominative the lists use.
"""

from __future__ import annotations

import regex

# A declined adjective before a name's last word, by the stems adjectives have (europäisch, deutsch,
# vereinigt, vereint, international): "Europäischen" → "Europäische".  Other words ending in -er or
# -en ("Peter", "Bayern") have none of these stems and stay as written.
_DECLINED_ADJECTIVE = regex.compile(r"^(\p{Lu}\p{L}*(?:isch|sch|ig|lich|igt|int|ert|al|ell))e[nmrs]$")
# Dative plurals of nouns that end names: "in den Vereinigten Arabischen Emiraten".
_DATIVE_PLURALS = {"Emiraten": "Emirate", "Ländern": "Länder"}


def uninflected(text: str) -> str | None:
    """The nominative of a declined multi-word German name, or None when nothing changes."""
    words = text.split()
    if len(words) < 2:
        return None
    base = [_DECLINED_ADJECTIVE.sub(r"\1e", w) for w in words[:-1]]
    base.append(_DATIVE_PLURALS.get(words[-1], words[-1]))
    found = " ".join(base)
    return found if found != text else None
