"""The Markdown of the centre's texts (Impressum, privacy notice, ...): checked, then rendered.

CommonMark without raw HTML, without images, and with links only to web pages, e-mail
addresses, telephone numbers and pages of the site itself. The check finds everything else
with its line, so that `flask questionnaire check` can point at it; the renderer escapes what
is left anyway, so that no text from a file is ever shown unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

#: Link targets a text may have: web pages, e-mail, telephone, and pages or anchors of the site.
SAFE_LINK = re.compile(r"^(?:https?://|mailto:|tel:|/(?!/)|#)", re.IGNORECASE)


@cache
def _reader() -> MarkdownIt:
    """A parser that keeps every link and raw HTML as tokens, for the check to find them."""
    reader = MarkdownIt("commonmark", {"html": True})
    reader.validateLink = lambda _url: True
    return reader


@cache
def _writer() -> MarkdownIt:
    """The renderer: raw HTML escaped as text, a first-level heading as h2 (the page has the h1)."""
    writer = MarkdownIt("commonmark", {"html": False})
    writer.disable("image")
    writer.validateLink = lambda url: bool(SAFE_LINK.match(url))

    def heading(_self: object, tokens: list[Token], index: int, options: Any, env: Any) -> str:
        token = tokens[index]
        token.tag = f"h{max(int(token.tag[1]), 2)}"
        return writer.renderer.renderToken(tokens, index, options, env)

    writer.add_render_rule("heading_open", heading)
    writer.add_render_rule("heading_close", heading)
    return writer


def markdown_problems(source: str) -> Iterator[tuple[int, str]]:
    """What a Markdown text may not hold: (line within the text counted from 0, message)."""
    lines = source.splitlines()
    for block, token in _walk(_reader().parse(source)):
        if token.type in ("html_block", "html_inline"):
            needle, message = token.content.strip(), RAW_HTML
        elif token.type == "image":
            needle = str(token.attrs.get("src", ""))
            message = "images are not allowed in these texts; the logo is set with logo:"
        elif token.type == "link_open" and not SAFE_LINK.match(str(token.attrs.get("href", ""))):
            needle = str(token.attrs.get("href", ""))
            message = (
                f"the link target {needle!r} is not allowed; link to https://..., "
                "mailto:..., tel:... or a page of this site such as /datenschutz"
            )
        else:
            continue
        yield _line_of(needle.splitlines()[0] if needle else "", lines, block), message


RAW_HTML = "raw HTML is not allowed in these texts; write plain Markdown"


def _line_of(needle: str, lines: list[str], block: tuple[int, int]) -> int:
    """The first line of the block that holds ``needle`` (inline tokens know only their block)."""
    start, end = block
    for number in range(start, min(end, len(lines))):
        if needle and needle in lines[number]:
            return number
    return start


def _walk(
    tokens: list[Token], block: tuple[int, int] = (0, 0)
) -> Iterator[tuple[tuple[int, int], Token]]:
    """Every token, inline ones included, with the lines of the block it stands in."""
    for token in tokens:
        here = (token.map[0], token.map[1]) if token.map else block
        yield here, token
        if token.children:
            yield from _walk(token.children, here)


def render_markdown(source: str) -> str:
    """A checked Markdown text as HTML; any HTML in it is escaped, never passed through."""
    return _writer().render(source)
