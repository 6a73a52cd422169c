"""What the fuzz tests share: their settings, strategies for hostile requests, and checks.

The strategies draw mostly what a browser could send (so that the forms are reached) and now
and then anything: control characters, NUL, huge values, repeated keys, forged tokens.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

#: FUZZ_SCALE=20 runs twenty times the examples, with new random ones on every run (to hunt).
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


def fuzz(examples: int) -> settings:
    """Settings of a fuzz test: reproducible (CI sees the same examples every run), no database."""
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        database=None,
        derandomize=SCALE == 1,
        print_blob=False,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,  # one app and assessment serve every example
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


#: The request body limit of the app (MAX_CONTENT_LENGTH).
BODY_LIMIT = 256 * 1024
#: What the app may answer to anything: a page, a redirect, refused, not found, too large.
ANSWERED = (200, 302, 400, 404, 413)


def body_size(form: MultiDict[str, str]) -> int:
    """An upper bound of the size of a form as a url-encoded request body."""
    return len(urlencode(list(form.items(multi=True))).encode("ascii"))


def assert_answered(response: TestResponse, form: MultiDict[str, str] | None = None) -> None:
    """A page, a download or a redirect, never a 500; a 413 only for too much data."""
    assert response.status_code in ANSWERED, response.status_code
    event(f"status {response.status_code}")
    if response.status_code == 413:
        assert form is not None and body_size(form) > BODY_LIMIT
    response.get_data()  # a streamed download fails only while it is read
    response.close()  # and a workbook's temporary file is closed only then


def carries_nul(*parts: MultiDict[str, str] | Sequence[str] | str) -> bool:
    """Whether a form or query has U+0000 in a key or value: the app refuses those (400)."""
    for part in parts:
        if isinstance(part, MultiDict):
            texts = [text for pair in part.items(multi=True) for text in pair]
        elif isinstance(part, str):
            texts = [part]
        else:
            texts = list(part)
        if any("\x00" in text for text in texts):
            return True
    return False


#: Any text: every code point but surrogates (which form data cannot carry), NUL included.
ANY_TEXT = st.text()

#: Control characters, blanks and other characters that tend to break parsers.
AWKWARD = st.lists(
    st.sampled_from(
        [
            *("\x00", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u00a0"),
            *("\u2028", "\u200b", "\ufeff", "\u202e", "\U0001f600"),
            *("%", "&", "=", "+", ";", "[", "\\", "/", "@"),
        ]
    ),
    max_size=8,
).map("".join)

#: Numbers as a form sends them, including those a careless parser trips over.
NUMBERS = st.one_of(
    st.integers().map(str),
    st.floats().map(str),
    st.floats().map(lambda number: str(number).replace(".", ",")),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(
        [
            "0",
            "-0",
            "+3",
            " 12 ",
            "12,5",
            ".5",
            "5.",
            "1.000",
            "1,000",
            "1e3",
            "0x10",
            "1_000",
            "NaN",
            "-inf",
            "\u0663",  # an Arabic-Indic three
            "\uff11\uff12",  # full-width 12
            "9" * 5000,
            "0." + "0" * 400 + "1",
            "1" + "0" * 15,
            "99999999999999.99",
        ]
    ),
)


class Repeated(str):
    """A long value made of a short piece, shown as such in falsifying examples."""

    piece: str
    times: int

    def __new__(cls, piece: str, times: int) -> Repeated:
        value = super().__new__(cls, piece * times)
        value.piece, value.times = piece, times
        return value

    def __repr__(self) -> str:
        return f"Repeated({self.piece!r}, {self.times})"


@st.composite
def huge_text(draw: st.DrawFn, limit: int = BODY_LIMIT + 16 * 1024) -> str:
    """A long value (up to a little over the body limit): a short piece repeated."""
    piece = draw(st.text(min_size=1, max_size=3))
    length = draw(st.integers(min_value=1000, max_value=limit))
    return Repeated(piece, max(1, length // len(piece.encode("utf-8"))))


def values(known: Sequence[str]) -> st.SearchStrategy[str]:
    """A submitted value: a known one (option ids, ...), any text, awkward text or a number."""
    return st.one_of(
        st.sampled_from(list(known)),
        ANY_TEXT,
        AWKWARD,
        NUMBERS,
        st.tuples(st.sampled_from(list(known)), AWKWARD).map("".join),
    )


def keys(known: Sequence[str]) -> st.SearchStrategy[str]:
    """A field name: mostly a real one, sometimes anything."""
    return st.one_of(st.sampled_from(list(known)), st.sampled_from(list(known)), ANY_TEXT)


@st.composite
def pairs(
    draw: st.DrawFn, known_keys: Sequence[str], known_values: Sequence[str], max_size: int = 10
) -> MultiDict[str, str]:
    """Form data: several values per key possible, now and then one huge value."""
    form: MultiDict[str, str] = MultiDict(
        draw(st.lists(st.tuples(keys(known_keys), values(known_values)), max_size=max_size))
    )
    if draw(st.integers(0, 9)) == 9:
        form.add(draw(keys(known_keys)), draw(huge_text()))
    return form


#: How a post carries its CSRF token; valid most of the time, so that the forms are reached.
CSRF_MODES = ("valid",) * 15 + ("missing", "forged", "empty", "forged first", "valid first")


@dataclass(frozen=True)
class Csrf:
    """How to put a CSRF token into a form."""

    mode: str

    @property
    def passes(self) -> bool:
        """Whether the app's CSRF check accepts the token (it reads the first value)."""
        return self.mode in ("valid", "valid first")

    def add(self, form: MultiDict[str, str], token: str, name: str = "csrf_token") -> None:
        """Add the token (or a forged one, or none) under ``name``."""
        forged = token[:-4] + "AAAA"
        given = {
            "valid": [token],
            "missing": [],
            "forged": [forged],
            "empty": [""],
            "forged first": [forged, token],
            "valid first": [token, forged],
        }[self.mode]
        form.setlist(name, given)


csrf_modes = st.sampled_from(CSRF_MODES).map(Csrf)

#: How `next` parameters begin: local paths, other sites, and what browsers make of them.
URL_STARTS = [
    "/",
    "/advisor/",
    "/a/x/step/1",
    "",
    "//",
    "///",
    "/\\",
    "\\\\",
    " /",
    "/\t/",
    "http://",
    "https://evil.example",
    "//evil.example",
    "javascript:",
    "?",
]
#: What may follow.
URL_PIECES = [
    "evil.example",
    "/",
    "\\",
    "[",
    "]",
    "::1",
    "@",
    ":",
    "?next=//evil.example",
    "#",
    "%2F",
    "%0d%0a",
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\u3002",  # an ideographic full stop, which IDNA reads as a dot
    "\uff0f",  # a full-width solidus
]

next_targets = st.one_of(
    ANY_TEXT,
    st.tuples(
        st.sampled_from(URL_STARTS),
        st.lists(st.one_of(st.sampled_from(URL_PIECES), AWKWARD, st.text(max_size=4)), max_size=4),
    ).map(lambda parts: parts[0] + "".join(parts[1])),
)

_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def as_sent(
    form: MultiDict[str, str], csrf: Csrf, token: str, actions: Sequence[str] = ()
) -> MultiDict[str, str]:
    """A form as it is sent: the buttons pressed (`action` left out if none) and the token."""
    sent = MultiDict(form)
    if actions:
        sent.setlist("action", list(actions))
    csrf.add(sent, token)
    return sent


def browser_host(location: str, base: str = "http://localhost/a/b") -> tuple[str, str]:
    """The scheme and host a browser goes to for a Location header.

    As the WHATWG URL standard parses it: controls and blanks around it and every tab or
    line break dropped, backslashes read as slashes.
    """
    cleaned = _TAB_OR_NEWLINE.sub("", location.strip("".join(map(chr, range(0x21)))))
    target = urlsplit(urljoin(base, cleaned.replace("\\", "/")))
    return target.scheme, target.hostname or ""
