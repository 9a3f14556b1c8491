"""Outside text made safe to show: on a terminal, in one-line messages, in exported files.

Titles, sources and file names come from anyone.  Printed raw, an ESC sequence can recolour or
rewrite the user's terminal, a bidi override (U+202E) reverses the text after it (the "Trojan
source" trick), and a newline in a file name splits a one-line message in two.
"""

from __future__ import annotations

import re

# Embeddings, overrides and isolates: the characters that reorder the text around them.  The
# directional marks U+200E/U+200F stay, as right-to-left text legitimately needs them.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators (they end a line too).
_CONTROLS = "\x00-\x1f\x7f-\x9f\u2028\u2029"
_UNSAFE = re.compile(f"[{_CONTROLS}{BIDI_CONTROLS}]")
# Tab and newline are kept where text may have lines; a carriage return is not (it can overwrite
# the line before it).
_UNSAFE_BUT_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}]")
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]+")
_OTHER_CONTROLS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
# Characters XML 1.0 cannot carry, and the bidi controls that could reorder the text around a
# title in a feed reader.
_XML_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff{BIDI_CONTROLS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with every control and bidi override written as a visible escape (``\\x1b``, ``\\u202e``).

    ``keep_lines`` keeps tab and newline (an article's paragraphs); without it the result is always
    one line.
    """
    return (_UNSAFE_BUT_LINES if keep_lines else _UNSAFE).sub(_escape, text)


def strip_controls(text: str) -> str:
    """``text`` without controls or bidi overrides, each run of line breaks and tabs one space:
    for exported cells and fields, which a spreadsheet or reader shows as they are."""
    return _OTHER_CONTROLS.sub("", _LINE_BREAKS.sub(" ", text))


def xml_text(value: object) -> str:
    """``value`` as text an XML document (an exported feed, an OPML list) can carry safely."""
    return _XML_UNSAFE.sub("", "" if value is None else str(value))
