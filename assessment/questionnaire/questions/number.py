"""Number questions: a numeric input, scored by bands when they are given."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from fractions import Fraction
from functools import cached_property
from random import Random
from typing import Any, Literal

from pydantic import Field

from ..elements import Finding, Model, Number, exact
from ..text import Text
from .base import AnswerError, WeightedQuestion, describe_value, is_blank, percent, register

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")
#: "1.000" is one thousand in German and one in English: refuse rather than guess.
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}(?:[.,]\d{3})+$")
#: Answers beyond this magnitude are refused: no real figure is that large, and floats lose digits.
LARGEST_ANSWER = 10**15


class Band(Model):
    """Answers from `min` up to the next band's `min` score `score`."""

    min: Number = Field(description="The smallest answer in this band.")
    score: Number = Field(description="The score of answers in this band.")


def parse_number(raw: Any) -> int | float:
    """A number from JSON or from a form field (a decimal comma is accepted)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise AnswerError("not_a_number", f"expects a number, not {describe_value(raw)}")
    if isinstance(raw, str):
        text = raw.strip()
        if _AMBIGUOUS.match(text):
            message = f"{text!r} is ambiguous; write it without a thousands separator"
            raise AnswerError("ambiguous_number", message, value=text)
        if not _NUMBER.match(text):
            raise AnswerError("not_a_number", f"{text!r} is not a number", value=text)
        raw = float(text.replace(",", "."))
    if raw != raw:
        raise AnswerError("not_a_number", "expects a number, not NaN")
    if raw >= LARGEST_ANSWER:
        raise AnswerError("too_large", "the number is too large", max=LARGEST_ANSWER)
    if raw <= -LARGEST_ANSWER:
        raise AnswerError("too_small", "the number is too small", min=-LARGEST_ANSWER)
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw


@register("number")
class NumberQuestion(WeightedQuestion):
    """A number between `min` and `max`; scored only when `bands` are given."""

    type: Literal["number"]
    min: Number | None = Field(None, description="The smallest answer allowed.")
    max: Number | None = Field(None, description="The largest answer allowed.")
    unit: Text | None = Field(None, description="The unit shown beside the input, e.g. %.")
    bands: tuple[Band, ...] = Field(
        (), description="Scores by range, ascending by min: [{min: 0, score: 0}, ...]."
    )

    @property
    def lowest(self) -> float | None:
        """The smallest answer allowed: `min`, or else the start of the first band."""
        if self.min is not None:
            return self.min
        return self.bands[0].min if self.bands else None

    @cached_property
    def score_range(self) -> tuple[Fraction, Fraction] | None:
        """Smallest and largest band score, when they differ."""
        scores = [exact(band.score) for band in self.bands]
        return (min(scores), max(scores)) if len(set(scores)) >= 2 else None

    @property
    def is_scored(self) -> bool:
        """Whether answers can count: weighted, with bands of different scores."""
        return self.weight > 0 and self.score_range is not None

    def read_answer(self, raw: Any) -> int | float | None:
        """The number, within `min` and `max`."""
        if is_blank(raw):
            return None
        value = parse_number(raw)
        if self.lowest is not None and value < self.lowest:
            message = f"{value:g} is less than the minimum {self.lowest:g}"
            raise AnswerError("too_small", message, value=value, min=self.lowest)
        if self.max is not None and value > self.max:
            message = f"{value:g} is more than the maximum {self.max:g}"
            raise AnswerError("too_large", message, value=value, max=self.max)
        return value

    def score(self, answer: Any) -> Fraction | None:
        """The score of the band with the largest `min` <= the answer, on the band scale."""
        if not self.is_scored or self.score_range is None:
            return None
        matching = [band for band in self.bands if band.min <= answer]
        if not matching:
            return None
        return percent(exact(matching[-1].score), *self.score_range)

    def check(self, *, in_profile: bool) -> Iterator[Finding]:
        """Range, band order and band coverage."""
        if self.min is not None and self.max is not None and self.min >= self.max:
            yield ("max",), f"max must be greater than min ({self.min:g})"
        if in_profile and self.bands:
            yield ("bands",), "profile questions are never scored; remove bands"
            return
        for index in range(1, len(self.bands)):
            if self.bands[index].min <= self.bands[index - 1].min:
                previous = f"{self.bands[index - 1].min:g}"
                message = f"bands must ascend by min; this one does not start above {previous}"
                yield ("bands", index, "min"), message
        if not self.bands:
            if self.was_given("weight") and self.weight > 0:
                yield (
                    ("weight",),
                    "a number question is scored only with bands; add bands or remove weight",
                )
            return
        if self.min is not None and self.bands[0].min > self.min:
            start = f"{self.bands[0].min:g}"
            message = f"answers from {self.min:g} are allowed, but the first band starts at {start}"
            yield ("bands", 0, "min"), message
        if self.max is not None and self.bands[-1].min > self.max:
            message = f"this band starts above the maximum {self.max:g} and can never apply"
            yield ("bands", len(self.bands) - 1, "min"), message
        if self.weight > 0 and self.score_range is None:
            yield ("bands",), "all band scores are equal; give the bands different scores"

    def demo_answer(self, target: float, rng: Random, texts: Sequence[str]) -> Any:
        """A number in the band that the target points at, or within the allowed range."""
        starts = [band.min for band in self.bands] or [self.lowest or 0]
        index = min(len(starts) - 1, int(target * len(starts)))
        low = max(starts[index], self.lowest or starts[index])
        if index + 1 < len(starts):
            high = starts[index + 1]
        else:
            high = max(low * 2, low + 10)
            if self.max is not None:
                high = min(high, self.max)
        value = low + (high - low) * rng.random() * 0.9
        return round(value, 1) if high - low < 5 else int(value)
