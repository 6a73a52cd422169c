"""Matrix questions: several rows, each answered on the same options."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fractions import Fraction
from functools import cached_property
from random import Random
from typing import Any, Literal

from pydantic import Field

from ..elements import Finding, Id, Model, NonNegative, exact
from ..text import Text
from .base import (
    AnswerError,
    Option,
    WeightedQuestion,
    closest,
    describe_value,
    is_blank,
    not_an_option,
    option_findings,
    percent,
    read_option_id,
    register,
    score_spread_findings,
)


class Row(Model):
    """One row of a matrix, e.g. one technology to rate."""

    id: Id = Field(description="Id of the row, unique within the question.")
    text: Text = Field(description="The row as shown to the respondent.")
    weight: NonNegative = Field(1, description="Weight of the row within the question.")

    @cached_property
    def weight_value(self) -> Fraction:
        """The weight as an exact number."""
        return exact(self.weight)


@register("matrix")
class MatrixQuestion(WeightedQuestion):
    """Rows answered on shared options; scored as the weighted mean of the row scores."""

    type: Literal["matrix"]
    rows: tuple[Row, ...] = Field(min_length=1, description="The rows to answer.")
    options: tuple[Option, ...] = Field(min_length=1, description="The options of every row.")

    @cached_property
    def option_index(self) -> dict[str, Option]:
        """The options by id."""
        return {option.id: option for option in self.options}

    @cached_property
    def row_index(self) -> dict[str, Row]:
        """The rows by id."""
        return {row.id: row for row in self.rows}

    @cached_property
    def score_range(self) -> tuple[Fraction, Fraction] | None:
        """Smallest and largest option score, when they differ."""
        scores = [o.score_value for o in self.options if o.score_value is not None]
        return (min(scores), max(scores)) if len(set(scores)) >= 2 else None

    @property
    def is_scored(self) -> bool:
        """Whether answers can count: weighted, with options of different scores."""
        return self.weight > 0 and self.score_range is not None

    def read_answer(self, raw: Any) -> dict[str, str] | None:
        """The chosen option per answered row, in row order."""
        if is_blank(raw):
            return None
        if not isinstance(raw, dict):
            message = f"expects a mapping of row ids to option ids, not {describe_value(raw)}"
            raise AnswerError("wrong_type", message)
        chosen: dict[str, str] = {}
        for row_id, value in raw.items():
            if row_id not in self.row_index:
                allowed = list(self.row_index)
                raise AnswerError(
                    "unknown_row",
                    f"{row_id!r} is not a row; the rows are {', '.join(allowed)}",
                    row=row_id,
                    allowed=allowed,
                )
            if is_blank(value):
                continue
            choice = read_option_id(value)
            if choice not in self.option_index:
                raise not_an_option(choice, list(self.option_index))
            chosen[row_id] = choice
        ordered = {row.id: chosen[row.id] for row in self.rows if row.id in chosen}
        return ordered or None

    def is_complete(self, answer: Any) -> bool:
        """Every row answered."""
        return answer is not None and len(answer) == len(self.rows)

    def score(self, answer: Any) -> Fraction | None:
        """The row-weighted mean of the scored rows; None when no row is scored."""
        if not self.is_scored or self.score_range is None:
            return None
        total = weights = Fraction(0)
        for row_id, choice in answer.items():
            value = self.option_index[choice].score_value
            weight = self.row_index[row_id].weight_value
            if value is None or weight == 0:
                continue
            total += percent(value, *self.score_range) * weight
            weights += weight
        return total / weights if weights else None

    def check(self, *, in_profile: bool) -> Iterator[Finding]:
        """Duplicate rows and options, missing or equal scores, rows that cannot count."""
        seen: set[str] = set()
        for index, row in enumerate(self.rows):
            if row.id in seen:
                yield ("rows", index, "id"), f"duplicate row id {row.id!r}"
            seen.add(row.id)
            if in_profile and row.was_given("weight"):
                yield ("rows", index, "weight"), "profile questions are never scored; remove weight"
        scored = not in_profile and self.weight > 0
        yield from option_findings(self.options, scored=scored, in_profile=in_profile)
        if scored:
            scores = [o.score_value for o in self.options if o.score_value is not None]
            yield from score_spread_findings(scores, ("options",))
            if all(row.weight == 0 for row in self.rows):
                yield (
                    ("rows",),
                    "every row has weight 0; give a row a weight, or the question weight: 0",
                )

    def demo_answer(self, target: float, rng: Random, texts: Sequence[str]) -> Any:
        """Per row, the option whose score is nearest to the target."""
        return {row.id: closest(self.options, target, rng) for row in self.rows}
