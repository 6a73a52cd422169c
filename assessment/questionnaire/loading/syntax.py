"""Why a YAML text cannot be read, in the project's own words, whichever parser refused it.

PyYAML's pure-Python parser and libyaml report the same mistake with different messages, at
different places, and with limits of their own (libyaml stops nesting at 1,000 levels, the
Python composer at the interpreter's recursion limit). So when the fast parser refuses a text,
the text is read again event by event with the pure-Python parser, which keeps no stack of its
own: the project's limits (nesting depth, one document, aliases to earlier anchors) are checked
there first, and what the parser itself stops at is described from the text at that place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    NodeEvent,
)
from yaml.parser import ParserError
from yaml.reader import ReaderError
from yaml.scanner import ScannerError
from yaml.tokens import DirectiveToken

from .problems import Problem

#: Lists and mappings may be nested this deep. The sample questionnaire needs nine levels; the
#: limit stays above what the readers of earlier releases took (about 470 levels, where Python's
#: default recursion limit stopped them), so no file that was valid becomes invalid.
MAX_DEPTH = 500
NESTED_TOO_DEEPLY = (
    f"the document is nested too deeply: more than {MAX_DEPTH} levels of lists and mappings"
)
SEVERAL_DOCUMENTS = (
    "the file holds more than one document (a line '---' starts another); "
    "keep one document per file"
)
_QUOTES = "\"'"
_BRACKETS = {"[": "]", "{": "}"}


@dataclass
class _Stop(Exception):
    """What stops the reading of a text, and where (line and column counted from 1)."""

    line: int
    column: int
    message: str


def describe_failure(text: str, name: str, error: BaseException) -> Problem:
    """The problem that makes ``text`` unreadable; ``error`` is what the fast parser raised."""
    try:
        _walk(yaml.parse(text, Loader=yaml.SafeLoader))
    except _Stop as stop:
        return Problem(name, stop.line, stop.column, "document", stop.message)
    except yaml.MarkedYAMLError as refusal:
        return _marked_problem(text, name, refusal)
    except ReaderError as refusal:
        return _reader_problem(text, name, refusal)
    except yaml.YAMLError as refusal:
        return Problem(name, 1, 1, "document", f"invalid YAML: {refusal}")
    # The pure-Python parser reads what the fast one refused: describe the fast one's refusal.
    if isinstance(error, yaml.MarkedYAMLError):
        return _marked_problem(text, name, error)
    return Problem(name, 1, 1, "document", NESTED_TOO_DEEPLY)


def directive_problem(text: str, name: str) -> Problem | None:
    """A directive line (``%YAML``, ``%TAG``) that the parsers would treat differently.

    libyaml refuses a directive it does not know, PyYAML's own parser skips it; both readers
    refuse it here alike. Most files hold no directive, so the scan runs only where a line
    starts with ``%``.
    """
    if not (text.startswith("%") or "\n%" in text):
        return None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, DirectiveToken):
                message = _directive_message(token)
                if message:
                    mark = token.start_mark
                    return Problem(name, mark.line + 1, mark.column + 1, "document", message)
    except yaml.YAMLError:
        return None  # the parser describes this mistake itself
    return None


def _directive_message(token: DirectiveToken) -> str | None:
    if token.name == "YAML":
        major, minor = token.value
        if major != 1:
            return f"the file says it is YAML {major}.{minor}; only YAML 1 can be read"
        return None
    if token.name == "TAG":
        return None
    return f"the directive %{token.name} is unknown (only %YAML and %TAG exist); remove the line"


def _walk(events: Iterator[Event]) -> None:
    """Read every event; raise _Stop at the first thing the project does not accept."""
    depth = 0
    documents = 0
    anchors: dict[str, int] = {}
    for event in events:
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _at(event, SEVERAL_DOCUMENTS)
        elif isinstance(event, AliasEvent):
            _check_alias(event, anchors)
        elif isinstance(event, NodeEvent) and event.anchor:
            _note_anchor(event, anchors)
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _at(event, NESTED_TOO_DEEPLY)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def _check_alias(event: AliasEvent, anchors: dict[str, int]) -> None:
    if event.anchor not in anchors:
        message = f"the alias *{event.anchor} refers to no anchor &{event.anchor} before it"
        raise _at(event, message)


def _note_anchor(event: NodeEvent, anchors: dict[str, int]) -> None:
    if event.anchor in anchors:
        raise _at(
            event,
            f"the anchor &{event.anchor} is defined a second time (first at line "
            f"{anchors[event.anchor]}); give each anchor a name of its own",
        )
    anchors[event.anchor] = event.start_mark.line + 1


def _at(event: Event, message: str) -> _Stop:
    return _Stop(event.start_mark.line + 1, event.start_mark.column + 1, message)


def _marked_problem(text: str, name: str, error: yaml.MarkedYAMLError) -> Problem:
    """A parser's refusal, described from what the text holds where it stopped."""
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    found = _character(text, mark)
    opened = _character(text, error.context_mark)
    if found == "\t":
        reason = "a tab cannot indent or start a value; use spaces"
    elif opened and opened in _QUOTES and found == "":
        start = error.context_mark
        reason = f"the quoted text that starts at line {start.line + 1}, column "
        reason += f"{start.column + 1} is not closed with {opened}"
    elif opened and opened in _BRACKETS and isinstance(error, ParserError):
        start = error.context_mark
        reason = f"the {opened} at line {start.line + 1}, column {start.column + 1} is not "
        reason += f"closed with {_BRACKETS[opened]} here, or two of its items lack a comma between"
    elif found == ":" and isinstance(error, ScannerError):
        reason = "a colon followed by a space cannot stand in a text here; put the text in quotes"
    elif isinstance(error, ScannerError):
        reason = (
            f"{found!r} cannot be read here; put a text that starts with a special "
            "character or holds ': ' or ' #' in quotes"
        )
        reason += _detail(error)
    else:
        reason = "the structure breaks here: keys and list items of the same level must start "
        reason += "in the same column, and a list item cannot follow a key of a mapping"
        reason += _detail(error)
    return Problem(name, line, column, "document", f"invalid YAML: {reason}")


def _character(text: str, mark: yaml.Mark | None) -> str | None:
    """The character at a mark; '' at the end of the text, None where there is no mark."""
    if mark is None:
        return None
    index = getattr(mark, "index", None)
    if index is None:
        lines = text.splitlines(keepends=True)
        index = sum(len(part) for part in lines[: mark.line]) + mark.column
    return text[index] if 0 <= index < len(text) else ""


def _detail(error: yaml.MarkedYAMLError) -> str:
    """What the parser itself said, as a hint in brackets."""
    said = ", ".join(part for part in (error.context, error.problem) if part)
    return f" (the YAML reader says: {said})" if said else ""


def _reader_problem(text: str, name: str, error: ReaderError) -> Problem:
    """A character that YAML does not allow, at its line and column."""
    before = text[: error.position]
    line = before.count("\n") + 1
    column = error.position - (before.rfind("\n") + 1) + 1
    code = error.character if isinstance(error.character, int) else ord(error.character)
    message = f"the character U+{code:04X} is not allowed in a YAML file; remove it"
    return Problem(name, line, column, "document", message)
