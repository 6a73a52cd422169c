"""The funding directory: public programmes, who may use them, and when they are open."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from .conditions import Condition
from .elements import Flag, Id, Model
from .partners import SizeClass, Url
from .text import Text

FundingKind = Literal["grant", "loan", "voucher", "advice", "tax"]
#: Where a programme stands on a given day.
ProgrammeState = Literal["upcoming", "open", "closed"]


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _read_day(value: Any) -> date:
    """A day written as YYYY-MM-DD (YAML dates are read as text)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:  # 2026-02-30
            pass
    return _not_a_day(value)


def _not_a_day(value: Any) -> date:
    raise PydanticCustomError(
        "day_format", "'{value}' is not a date; write it as YYYY-MM-DD", {"value": str(value)}
    )


Day = Annotated[
    date,
    BeforeValidator(_read_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]


class Eligibility(Model):
    """Who may use a programme; every restriction left out (or empty) means "all"."""

    sizes: tuple[SizeClass, ...] = Field((), description="Company sizes eligible; empty: all.")
    sectors: tuple[Id, ...] = Field((), description="Sector option ids eligible; empty: all.")
    regions: tuple[Id, ...] = Field((), description="Region option ids eligible; empty: all.")
    levels: dict[Id, tuple[Id, ...]] = Field(
        {},
        description="Dimension id to the level ids at which a firm is eligible, e.g. "
        "{it-sicherheit: [einsteiger]}; every dimension named must be at one of its levels.",
    )
    when: Condition | None = Field(
        None,
        description="A condition on the answers (the language of show_if); it holds when it "
        "holds for one respondent.",
    )


class Programme(Model):
    """A funding programme: a grant, loan, voucher, subsidised advice or tax relief."""

    id: Id = Field(description="Id of the programme.")
    name: Text = Field(description="Name of the programme.")
    funder: Text = Field(description="Who funds it (ministry, development bank, chamber, ...).")
    kind: FundingKind = Field(description="grant, loan, voucher, advice or tax.")
    description: Text = Field(description="What the programme offers, in a sentence or two.")
    topics: tuple[Id, ...] = Field(
        min_length=1, description="Partner topics it pays for (the partner directory's)."
    )
    eligibility: Eligibility = Field(
        Eligibility(), description="Who may use it; left out: every firm."
    )
    amount: Text | None = Field(None, description="Amounts or rates, as text.")
    open_from: Day | None = Field(None, description="First day applications are taken.")
    open_until: Day | None = Field(None, description="Last day applications are taken.")
    url: Url = Field(description="The programme's source: where its conditions are published.")
    last_checked: Day = Field(description="When the entry was last checked against its source.")
    partner: Id | None = Field(
        None, description="The partner (by id) that helps firms with the application."
    )
    sample: Flag = Field(False, description="A sample entry, to be replaced by the operator.")

    def state(self, today: date) -> ProgrammeState:
        """Whether the programme is open on ``today``, opens later, or has closed."""
        if self.open_until is not None and today > self.open_until:
            return "closed"
        if self.open_from is not None and today < self.open_from:
            return "upcoming"
        return "open"

    def stale(self, today: date, days: int) -> bool:
        """Whether the entry was last checked more than ``days`` days before ``today``."""
        return (today - self.last_checked).days > days


class FundingDirectory(Model):
    """The funding directory file: the programmes."""

    programmes: tuple[Programme, ...] = Field(description="The programmes.")
