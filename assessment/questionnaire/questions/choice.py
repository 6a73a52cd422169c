"""Choice questions: `single` (radio buttons), `scale` (labelled points), `multi` (checkboxes)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from fractions import Fraction
from functools import cached_property
from random import Random
from typing import Any, Literal

from pydantic import Field

from ..elements import Finding, Flag, Integer, Number, exact
from ..loading.problems import KEY
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

MAX_SCALE_POINTS = 11
#: A whole number as text; longer ones cannot be a point of a scale of at most 11 points.
_INTEGER = re.compile(r"^[+-]?\d{1,18}$")


class ChoiceQuestion(WeightedQuestion):
    """Shared behaviour of questions answered by choosing listed options."""

    @property
    def choices(self) -> tuple[Option, ...]:
        """Every option that can be chosen, in order."""
        raise NotImplementedError

    @cached_property
    def choice_index(self) -> dict[str, Option]:
        """The options by id."""
        return {option.id: option for option in self.choices}

    @cached_property
    def score_range(self) -> tuple[Fraction, Fraction] | None:
        """The smallest and largest score of any option, or None when none is scored."""
        scores = [option.score_value for option in self.choices if option.score_value is not None]
        return (min(scores), max(scores)) if scores else None

    @cached_property
    def is_scored(self) -> bool:
        """Whether answers can count: weighted, with options of different scores."""
        return (
            super().is_scored and self.score_range is not None and len(set(self.score_range)) == 2
        )

    @cached_property
    def choice_scores(self) -> dict[str, Fraction | None]:
        """Each option's score in [0, 100], or None when it carries none (worked out once)."""
        if not self.is_scored or self.score_range is None:
            return {option.id: None for option in self.choices}
        return {
            option.id: None
            if option.score_value is None
            else percent(option.score_value, *self.score_range)
            for option in self.choices
        }

    def condition_values(self) -> frozenset[str] | None:
        """Option ids a condition may name."""
        return frozenset(self.choice_index)

    def matches(self, answer: Any, values: frozenset[str]) -> bool:
        """Whether the chosen option is among ``values``."""
        return answer in values

    def _read_choice(self, raw: Any) -> str | None:
        if is_blank(raw):
            return None
        choice = read_option_id(raw)
        if choice not in self.choice_index:
            raise not_an_option(choice, list(self.choice_index))
        return choice

    def read_answer(self, raw: Any) -> str | None:
        """The id of the chosen option."""
        return self._read_choice(raw)

    def score(self, answer: Any) -> Fraction | None:
        """(v - lo) / (hi - lo) * 100 over the non-null option scores."""
        return self.choice_scores[answer]


@register("single")
class SingleQuestion(ChoiceQuestion):
    """One option out of several, shown as radio buttons."""

    type: Literal["single"]
    options: tuple[Option, ...] = Field(min_length=1, description="The options to choose from.")

    @property
    def choices(self) -> tuple[Option, ...]:
        """Every option that can be chosen, in order."""
        return self.options

    def check(self, *, in_profile: bool) -> Iterator[Finding]:
        """Duplicate options and missing or equal scores."""
        scored = not in_profile and self.weight > 0
        yield from option_findings(self.options, scored=scored, in_profile=in_profile)
        if scored:
            scores = [o.score_value for o in self.options if o.score_value is not None]
            yield from score_spread_findings(scores, ("options",))

    def demo_answer(self, target: float, rng: Random, texts: Sequence[str]) -> Any:
        """The option whose score is nearest to the target."""
        return closest(self.options, target, rng)


@register("scale")
class ScaleQuestion(ChoiceQuestion):
    """A point on a scale from `min` to `max`; the score is the point."""

    type: Literal["scale"]
    min: Integer = Field(description="The lowest point of the scale.")
    max: Integer = Field(description="The highest point of the scale.")
    labels: dict[int, Text] = Field(
        default_factory=dict, description="Optional labels of some points, e.g. {1: ..., 5: ...}."
    )
    options: tuple[Option, ...] = Field(
        (), description='Extra answers beside the scale, e.g. "don\'t know"; never scored.'
    )

    @cached_property
    def points(self) -> tuple[Option, ...]:
        """The points of the scale as options whose score is the point."""
        if not self.min < self.max <= self.min + MAX_SCALE_POINTS - 1:
            return ()
        return tuple(
            Option(id=str(point), label=self.labels.get(point, Text(str(point))), score=point)
            for point in range(self.min, self.max + 1)
        )

    @property
    def choices(self) -> tuple[Option, ...]:
        """The points, then the extra options."""
        return self.points + self.options

    def read_answer(self, raw: Any) -> str | None:
        """The chosen point (as its id, e.g. "3") or extra option."""
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, str) and _INTEGER.match(raw.strip()):
            raw = int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool) and str(raw) not in self.choice_index:
            raise AnswerError(
                "not_a_point",
                f"{raw} is not on the scale from {self.min} to {self.max}",
                value=raw,
                min=self.min,
                max=self.max,
            )
        return self._read_choice(raw)

    def check(self, *, in_profile: bool) -> Iterator[Finding]:
        """Scale bounds, labels and the extra options."""
        if self.min >= self.max:
            yield ("max",), f"max must be greater than min ({self.min})"
        elif self.max - self.min + 1 > MAX_SCALE_POINTS:
            yield ("max",), f"a scale has at most {MAX_SCALE_POINTS} points; narrow min and max"
        for point in self.labels:
            if not self.min <= point <= self.max:
                yield (
                    ("labels", point, KEY),
                    f"{point} is not a point of the scale {self.min}..{self.max}",
                )
        yield from option_findings(self.options, scored=False, in_profile=in_profile)
        for index, option in enumerate(self.options):
            if _INTEGER.match(option.id):
                yield ("options", index, "id"), "an extra option id must not be a number"
            elif option.score is not None:
                message = "extra options of a scale are never scored; use score: null"
                yield ("options", index, "score"), message

    def demo_answer(self, target: float, rng: Random, texts: Sequence[str]) -> Any:
        """The point of the scale at the target; now and then "cannot judge", if offered."""
        if self.options and rng.random() < 0.05:
            return self.options[0].id
        return round(self.min + target * (self.max - self.min))


class MultiOption(Option):
    """An option of a multi question; an exclusive one cannot be combined with others."""

    exclusive: Flag = Field(False, description='True for an answer such as "none of these".')


@register("multi")
class MultiQuestion(ChoiceQuestion):
    """Any number of options, shown as checkboxes; scores of the chosen options add up."""

    type: Literal["multi"]
    options: tuple[MultiOption, ...] = Field(
        min_length=1, description="The options to choose from."
    )
    max_score: Number | None = Field(
        None, gt=0, description="Sum of scores that counts as 100; default: all positive scores."
    )

    @property
    def choices(self) -> tuple[Option, ...]:
        """Every option that can be chosen, in order."""
        return self.options

    @cached_property
    def score_range(self) -> tuple[Fraction, Fraction] | None:
        """lo = min(0, sum of negative scores); hi = max_score or the sum of positive scores."""
        scores = [o.score_value for o in self.options if o.score_value is not None]
        if not scores:
            return None
        low = min(Fraction(0), sum((s for s in scores if s < 0), Fraction(0)))
        high = sum((s for s in scores if s > 0), Fraction(0))
        if self.max_score is not None:
            high = exact(self.max_score)
        return (low, high) if high > low else None

    @property
    def is_scored(self) -> bool:
        """Whether answers can count: weighted, with a score range."""
        return self.weight > 0 and self.score_range is not None

    def read_answer(self, raw: Any) -> tuple[str, ...] | None:
        """The chosen option ids, in the order of the options."""
        if is_blank(raw):
            return None
        if not isinstance(raw, list | tuple):
            raise AnswerError(
                "wrong_type", f"expects a list of option ids, not {describe_value(raw)}"
            )
        chosen = [read_option_id(item) for item in raw]
        for choice in chosen:
            if choice not in self.choice_index:
                raise not_an_option(choice, list(self.choice_index))
        if len(set(chosen)) != len(chosen):
            raise AnswerError("duplicate", "an option is chosen twice")
        exclusive = [
            option.id for option in self.options if option.exclusive and option.id in chosen
        ]
        if exclusive and len(chosen) > 1:
            raise AnswerError(
                "exclusive",
                f"{exclusive[0]!r} cannot be combined with other options",
                choice=exclusive[0],
            )
        return tuple(option.id for option in self.options if option.id in chosen)

    def matches(self, answer: Any, values: frozenset[str]) -> bool:
        """Whether any chosen option is among ``values``."""
        return any(choice in values for choice in answer)

    def score(self, answer: Any) -> Fraction | None:
        """clamp((v - lo) / (hi - lo)) * 100 with v the sum of the chosen scores."""
        values = [self.choice_index[c].score_value for c in answer]
        counted = [v for v in values if v is not None]
        if not counted or not self.is_scored or self.score_range is None:
            return None
        return percent(sum(counted, Fraction(0)), *self.score_range)

    def check(self, *, in_profile: bool) -> Iterator[Finding]:
        """Duplicate options, missing scores, and a reachable score range."""
        scored = not in_profile and self.weight > 0
        yield from option_findings(self.options, scored=scored, in_profile=in_profile)
        if in_profile and self.was_given("max_score"):
            yield ("max_score",), "profile questions are never scored; remove max_score"
        if not scored:
            return
        scores = [o.score_value for o in self.options if o.score_value is not None]
        if len(scores) < 2:
            yield from score_spread_findings(scores, ("options",))
            return
        positive = sum((s for s in scores if s > 0), Fraction(0))
        if self.max_score is not None and exact(self.max_score) > positive:
            total = f"{float(positive):g}"
            message = (
                f"max_score is above the sum of all positive scores ({total}); 100 is out of reach"
            )
            yield ("max_score",), message
        elif self.score_range is None:
            yield ("options",), "no option has a positive score; give at least one a score above 0"

    def demo_answer(self, target: float, rng: Random, texts: Sequence[str]) -> Any:
        """Options whose scores add up to about the target of the maximum."""
        plain = [(o.id, o.score) for o in self.options if not o.exclusive and o.score is not None]
        positive = sum(score for _id, score in plain if score > 0)
        high = float(self.score_range[1]) if self.score_range else positive
        chance = min(1.0, target * high / positive) if positive else target
        chosen = [
            id_ for id_, score in plain if rng.random() < (chance if score > 0 else 1 - chance)
        ]
        if chosen:
            return chosen
        exclusive = [o.id for o in self.options if o.exclusive]
        return exclusive[:1] or [self.options[0].id]
