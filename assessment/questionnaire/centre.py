"""The centre that runs the check (`centre.yaml` beside the questionnaires): who it is, how to
reach it, its logo, and the texts of its Impressum, privacy notice and accessibility statement.

Another district replaces the file (and the logo next to it) and changes no code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated
from xml.etree import ElementTree  # nosec B405

from pydantic import Field

from .elements import Finding, Flag, LanguageCode, Model
from .loading.outline import iter_texts
from .loading.problems import DocPath, Problem
from .loading.references import check_text_languages
from .loading.source import LoadedYaml
from .loading.structure import validate
from .markdown import markdown_problems
from .partners import Email, Url
from .text import Text

FILE_NAME = "centre.yaml"
MAX_LOGO_BYTES = 1024 * 1024
#: The texts written in Markdown.
MARKDOWN_TEXTS = ("impressum", "privacy_notice", "accessibility_statement")
_PNG = b"\x89PNG\r\n\x1a\n"
_SVG = "{http://www.w3.org/2000/svg}svg"
_LITERAL = re.compile(r"^(?:!\S*\s+)?\|")
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

Line = Annotated[str, Field(strict=True, min_length=1)]


class Contact(Model):
    """A person or office to contact."""

    name: Line = Field(description="Name of the person or office.")
    role: Text | None = Field(None, description="What the person does, e.g. project lead.")
    email: Email | None = Field(None, description="E-mail address.")
    phone: Line | None = Field(None, description="Telephone number.")
    address: Line | None = Field(None, description="Postal address (lines separated by newlines).")


class Centre(Model):
    """The operator of this Digital-Check and its legal texts."""

    sample: Flag = Field(
        False, description="true while the file holds sample data: pages then say so."
    )
    languages: tuple[LanguageCode, ...] = Field(
        ("de", "en"), min_length=1, description="Languages every text is given in."
    )
    name: Text = Field(description="Name of the centre, shown in the header and the PDF.")
    operator: Text = Field(description="Who runs the centre and answers for the site.")
    address: Line = Field(description="Postal address of the operator.")
    email: Email = Field(description="General e-mail address.")
    phone: Line | None = Field(None, description="General telephone number.")
    website: Url | None = Field(None, description="The centre's web site.")
    logo: Line | None = Field(None, description="SVG or PNG file next to this file, at most 1 MiB.")
    contact: Contact = Field(description="Contact person for firms.")
    data_protection: Contact = Field(description="Data-protection officer or contact.")
    accessibility_contact: Contact | None = Field(
        None, description="Who takes feedback on accessibility; the contact person if not given."
    )
    retention_days: Annotated[int, Field(strict=True, ge=1)] = Field(
        description="Days after which a check is deleted (flask purge); shown to owners."
    )
    impressum: Text = Field(description="The Impressum, in Markdown.")
    privacy_notice: Text = Field(description="The privacy notice, in Markdown.")
    accessibility_statement: Text = Field(description="The accessibility statement, in Markdown.")

    @property
    def feedback_contact(self) -> Contact:
        """Who takes feedback on accessibility."""
        return self.accessibility_contact or self.contact


def check_centre(loaded: LoadedYaml) -> tuple[Centre | None, list[Problem]]:
    """The centre file's content when its structure is valid, and every problem found."""
    data, source = loaded.data, loaded.source
    problems = list(loaded.problems)
    if data is None:
        return None, problems
    if not isinstance(data, dict):
        problems.append(source.problem((), "the centre file must be a mapping (name, ...)"))
        return None, problems
    centre, structural = validate(Centre, data, source)
    problems.extend(structural)
    logo = data.get("logo")
    findings = list(_check_logo(logo, Path(source.file).parent)) if isinstance(logo, str) else []
    if centre is not None:
        findings.extend(_check_texts(centre))
    problems.extend(source.problem(path, message) for path, message in findings)
    problems.extend(_markdown_problems(data, loaded))
    return centre, problems


def _check_texts(centre: Centre) -> Iterator[Finding]:
    for path, text in iter_texts(centre, ()):
        yield from check_text_languages(path, text, centre.languages)


def _markdown_problems(data: dict, loaded: LoadedYaml) -> Iterator[Problem]:
    """Markdown mistakes, each at its own line of the file."""
    source = loaded.source
    lines = Path(source.file).read_text(encoding="utf-8-sig").splitlines()
    for key in MARKDOWN_TEXTS:
        value = data.get(key)
        given = {(): value} if isinstance(value, str) else value
        if not isinstance(given, dict):
            continue
        for part, markdown in given.items():
            if not isinstance(markdown, str):
                continue
            path: DocPath = (key, *((part,) if part != () else ()))
            mark = source.mark(path)
            literal = _is_literal_block(lines, mark.line, mark.column)
            where = source.describe(path)
            for offset, message in markdown_problems(markdown):
                # A literal block (|) keeps the lines of its text; other styles fold or escape
                # them, so a problem there is shown where the text starts.
                line = mark.line + 1 + offset if literal else mark.line
                column = _indent(lines, line) + 1 if literal else mark.column
                yield Problem(source.file, line, column, where, message)


def _indent(lines: list[str], line: int) -> int:
    """How many spaces the line starts with."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text) - len(text.lstrip(" "))


def _is_literal_block(lines: list[str], line: int, column: int) -> bool:
    """Whether the value at the mark is a literal block scalar (|, maybe after a tag)."""
    if not 0 < line <= len(lines):
        return False
    return _LITERAL.match(lines[line - 1][column - 1 :]) is not None


def _check_logo(name: str, folder: Path) -> Iterator[Finding]:
    """The logo is an SVG or PNG file next to the centre file, at most 1 MiB."""
    path = ("logo",)
    if not _PLAIN_NAME.match(name):
        yield path, f"{name!r} must be the name of a file in the same folder as {FILE_NAME}"
        return
    suffix = Path(name).suffix.lower()
    if suffix not in (".svg", ".png"):
        yield path, f"the logo {name!r} must be an SVG or PNG file (.svg or .png)"
        return
    file = folder / name
    if not file.is_file():
        yield path, f"the logo file {name!r} does not exist next to {FILE_NAME}"
        return
    size = file.stat().st_size
    if size > MAX_LOGO_BYTES:
        yield (
            path,
            (
                f"the logo {name!r} has {size:,} bytes; it may have at most 1 MiB "
                f"({MAX_LOGO_BYTES:,} bytes)"
            ),
        )
        return
    reason = _png_problem(file) if suffix == ".png" else _svg_problem(file)
    if reason:
        yield path, f"the logo {name!r} {reason}"


def _png_problem(file: Path) -> str | None:
    with file.open("rb") as handle:
        if handle.read(len(_PNG)) != _PNG:
            return "is not a PNG image"
    return None


def _svg_problem(file: Path) -> str | None:
    """Why the file is not a plain SVG image: not XML, not SVG, or with scripts or entities."""
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return "is not UTF-8 text; save the SVG with UTF-8 encoding"
    if "<!doctype" in text.lower() or "<!entity" in text.lower():
        return "declares a DOCTYPE or entities; save it as plain SVG"
    try:
        # No DOCTYPE (refused above), so no entities to expand or fetch.
        root = ElementTree.fromstring(text)  # nosec B314
    except ElementTree.ParseError as error:
        return f"is not an SVG image (not well-formed XML: {error})"
    if root.tag != _SVG:
        return "is not an SVG image (its root element is not <svg>)"
    for element in root.iter():
        reason = _active_content(element)
        if reason:
            return f"{reason}; a logo may only draw"
    return None


def _active_content(element: ElementTree.Element) -> str | None:
    """What in an SVG element could run code: scripts, event handlers, javascript: links."""
    tag = element.tag.rsplit("}", 1)[-1]
    if tag in ("script", "foreignObject"):
        return f"holds a <{tag}> element"
    for attribute, value in element.attrib.items():
        name = attribute.rsplit("}", 1)[-1]
        if name.lower().startswith("on"):
            return f"holds the event handler {name!r}"
        if name.lower() == "attributename" and value.strip().lower().startswith("on"):
            return f"animates the event handler {value.strip()!r}"
        if "".join(value.split()).lower().startswith("javascript:"):
            return "holds a javascript: link"
    return None
