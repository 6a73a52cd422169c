"""Problems found in a questionnaire or partner file, reported with file, line and column."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: A location inside a parsed document: mapping keys and list indices from the root.
DocPath = tuple[str | int, ...]

#: Appended to a path, points a problem at the mapping key rather than at its value.
KEY = "<key>"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file, at a line and column (both counted from 1)."""

    file: str
    line: int
    column: int
    location: str
    message: str

    def __str__(self) -> str:
        where = f"{visible(self.file)}:{self.line}:{self.column}: {visible(self.location)}"
        return f"{where}: {visible(self.message)}"


def visible(text: str) -> str:
    """Text with control characters written as escapes, so that a problem is one honest line.

    Names in a file (keys, ids) may hold line breaks or terminal escape sequences; printed as
    they are, they could forge further lines of the report or recolour the terminal.
    """
    return "".join(
        char if char.isprintable() or char == " " else char.encode("unicode_escape").decode()
        for char in text
    )


class QuestionnaireError(Exception):
    """A questionnaire or partner file that cannot be used; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(problem) for problem in self.problems))
