"""Invisible characters that have no place in what people type: control characters and the
marks that reverse the direction of text (used to disguise names, links and file names).

Names and e-mail addresses holding one are refused; free text has them removed. Tabs and line
breaks are allowed in free text.
"""

from __future__ import annotations

import re

#: C0 controls but tab and line breaks, DEL, C1 controls, and the bidirectional embeddings,
#: overrides and isolates (U+202A-U+202E, U+2066-U+2069).
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: In a single line (a name, an address) tabs and line breaks are out of place too.
INVISIBLE_IN_LINE = re.compile(INVISIBLE.pattern[:-1] + "\t\n\r\u2028\u2029]")


def has_invisible(text: str, *, single_line: bool = False) -> bool:
    """Whether the text holds a character that ``without_invisible`` would remove."""
    return (INVISIBLE_IN_LINE if single_line else INVISIBLE).search(text) is not None


def without_invisible(text: str) -> str:
    """Free text without control and direction-override characters (tabs and breaks stay)."""
    return INVISIBLE.sub("", text)
