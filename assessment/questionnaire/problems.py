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
        return f"{self.file}:{self.line}:{self.column}: {self.location}: {self.message}"


class QuestionnaireError(Exception):
    """A questionnaire or partner file that cannot be used; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(problem) for problem in self.problems))
