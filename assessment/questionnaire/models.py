"""The questionnaire document: levels, profile, dimensions and their recommendations."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal

from pydantic import Field, PrivateAttr

from .conditions import Condition
from .elements import Id, Integer, LanguageCode, Model, NonNegative, exact
from .funding import FundingDirectory
from .partners import PartnerDirectory, Url
from .questions import Question, QuestionBase, SingleQuestion
from .text import Text

Effort = Literal["low", "medium", "high"]
#: How long a recommendation takes to carry out.
TimeFrame = Literal["days", "weeks", "months", "year"]
TIME_FRAMES: tuple[str, ...] = ("days", "weeks", "months", "year")
#: Order of efforts in an action plan: quick wins first.
EFFORT_ORDER: dict[str, int] = {"low": 0, "medium": 1, "high": 2}
PROFILE_KEYS = ("sector", "size", "region")
SIZE_CLASSES = ("micro", "small", "medium", "large")


class Level(Model):
    """A maturity level: every score from `min` up to the next level's `min`."""

    id: Id = Field(description="Id of the level.")
    min: NonNegative = Field(le=100, description="The lowest score of this level; the first is 0.")
    label: Text = Field(description="Name of the level.")
    description: Text | None = Field(None, description="What the level means for a company.")


class TeamRole(Model):
    """A role a colleague chooses in a team check (instead of the usual roles)."""

    id: Id = Field(description="Id of the role.")
    label: Text = Field(description="Name of the role.")


class Source(Model):
    """A named source of a recommendation, with its link."""

    title: Text = Field(description="The source's name, such as a guide's title.")
    url: Url = Field(description="Where to read it (http or https).")


class Recommendation(Model):
    """Advice given when a dimension's level (or score) matches, and the answers fit."""

    id: Id | None = Field(
        None,
        description="An id, unique among the questionnaire's recommendations; "
        "`flask questionnaire score` names matched recommendations by it.",
    )
    levels: tuple[Id, ...] | None = Field(
        None, min_length=1, description="Level ids at which the recommendation applies."
    )
    max_score: NonNegative | None = Field(
        None, le=100, description="Applies when the dimension's score is at most this."
    )
    when: Condition | None = Field(
        None,
        description="Applies only when this condition on the answers holds (the language of "
        "show_if); alone, or beside levels or max_score.",
    )
    title: Text | None = Field(None, description="A short headline.")
    text: Text = Field(description="The advice.")
    effort: Effort = Field(description="Effort to implement: low, medium or high.")
    time_frame: TimeFrame | None = Field(
        None, description="How long it takes: days, weeks, months or year."
    )
    benefit: Text | None = Field(None, description="What the firm gains from it.")
    sources: tuple[Source, ...] = Field((), description="Named sources with links.")
    partners: tuple[Id, ...] = Field(
        (), description="Partner topics this recommendation calls for."
    )

    def applies(
        self, score: Fraction, level: Level, holds: Callable[[Condition], bool] | None = None
    ) -> bool:
        """Whether the recommendation matches a dimension with this score and level, and (if it
        has a condition) whether ``holds`` says the condition holds for the answers."""
        if self.levels is None and self.max_score is None and self.when is None:
            return False
        if self.levels is not None and level.id not in self.levels:
            return False
        if self.max_score is not None and score > exact(self.max_score):
            return False
        return self.when is None or (holds is not None and holds(self.when))


class Dimension(Model):
    """One area of digital maturity, asked on a page of its own."""

    id: Id = Field(description="Id of the dimension.")
    title: Text = Field(description="Name of the dimension.")
    description: Text | None = Field(None, description="What the dimension covers.")
    weight: NonNegative = Field(1, description="Weight in the overall score; 0: not counted.")
    questions: tuple[Question, ...] = Field(min_length=1, description="The questions of this page.")
    recommendations: tuple[Recommendation, ...] = Field((), description="Advice by level or score.")

    @cached_property
    def weight_value(self) -> Fraction:
        """The weight as an exact number."""
        return exact(self.weight)


class Questionnaire(Model):
    """A questionnaire as written in YAML, validated."""

    id: Id = Field(description="Stable identity of the questionnaire.")
    version: Integer = Field(ge=1, description="Bump when questions or scoring change.")
    language: LanguageCode = Field(description="Default language.")
    languages: tuple[LanguageCode, ...] | None = Field(
        None, min_length=1, description="Every language the texts are given in; default: language."
    )
    title: Text = Field(description="Title of the questionnaire.")
    description: Text | None = Field(None, description="Introduction shown before starting.")
    partners: str | None = Field(
        None, min_length=1, description="Partner directory file, relative to this file."
    )
    funding: str | None = Field(
        None,
        min_length=1,
        description="Funding directory file (programmes), relative to this file; its topics are "
        "the partner directory's.",
    )
    levels: tuple[Level, ...] = Field(
        min_length=1, description="Maturity levels, ascending from 0."
    )
    profile: tuple[Question, ...] = Field(
        (),
        description="Company profile questions, never scored; sector, size, region are special.",
    )
    dimensions: tuple[Dimension, ...] = Field(min_length=1, description="The scored areas.")
    team_roles: tuple[TeamRole, ...] | None = Field(
        None,
        min_length=2,
        description=(
            "The roles colleagues choose from in a team check, instead of management, IT, "
            "sales and marketing, production or service, administration and other."
        ),
    )
    urgency: Id | None = Field(
        None,
        description=(
            "The single question in which the firm says how urgent its concern is; its options "
            "go from least to most urgent. Advisors see and filter by the answer."
        ),
    )

    _directory: PartnerDirectory | None = PrivateAttr(None)
    _funding: FundingDirectory | None = PrivateAttr(None)

    @property
    def all_languages(self) -> tuple[str, ...]:
        """The declared languages, the default first."""
        declared = self.languages or (self.language,)
        return (self.language, *(code for code in declared if code != self.language))

    @property
    def directory(self) -> PartnerDirectory | None:
        """The partner directory loaded with this questionnaire, if it names one."""
        return self._directory

    def with_directory(self, directory: PartnerDirectory | None) -> Questionnaire:
        """Attach the partner directory that `partners` names."""
        self._directory = directory
        return self

    @property
    def funding_directory(self) -> FundingDirectory | None:
        """The funding directory loaded with this questionnaire, if it names one."""
        return self._funding

    def with_funding(self, funding: FundingDirectory | None) -> Questionnaire:
        """Attach the funding directory that `funding` names."""
        self._funding = funding
        return self

    @cached_property
    def questions(self) -> tuple[QuestionBase, ...]:
        """Every question in order: the profile, then each dimension."""
        return (*self.profile, *(q for dimension in self.dimensions for q in dimension.questions))

    @cached_property
    def question_index(self) -> dict[str, QuestionBase]:
        """Every question by id."""
        return {question.id: question for question in self.questions}

    def urgency_question(self, fallback: str | None = None) -> SingleQuestion | None:
        """The single question that `urgency` names (else the one named ``fallback``), if any."""
        named = self.urgency or fallback
        found = self.question_index.get(named) if named else None
        return found if isinstance(found, SingleQuestion) else None

    def urgency_of(
        self, answers: Mapping[str, Any], fallback: str | None = None
    ) -> tuple[str, int] | None:
        """The firm's answer to the urgency question and its rank (0: least urgent), if any.
        ``fallback`` names the question when this version names none (an earlier version of a
        questionnaire that names one now)."""
        question = self.urgency_question(fallback)
        if question is None:
            return None
        ids = [option.id for option in question.options]
        chosen = answers.get(question.id)
        return (chosen, ids.index(chosen)) if chosen in ids else None

    @cached_property
    def dimension_index(self) -> dict[str, Dimension]:
        """Every dimension by id."""
        return {dimension.id: dimension for dimension in self.dimensions}

    @cached_property
    def _level_starts(self) -> tuple[tuple[Fraction, Level], ...]:
        return tuple((exact(level.min), level) for level in self.levels)

    def level_for(self, score: Fraction) -> Level:
        """The last level whose `min` is at most the score."""
        found = self.levels[0]
        for start, level in self._level_starts:
            if start <= score:
                found = level
        return found

    def iter_recommendations(self) -> Iterator[tuple[Dimension, Recommendation]]:
        """Every recommendation with its dimension, in document order."""
        for dimension in self.dimensions:
            for recommendation in dimension.recommendations:
                yield dimension, recommendation
