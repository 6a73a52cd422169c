"""The report's funding programmes: which fit, why, on what condition, and how current they are."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..i18n import localize, spoken_list
from ..kernel.funding import MAX_PROGRAMMES, profile_of, programmes_for
from ..kernel.models import Assessment
from ..questionnaire import Dimension, Partner, Questionnaire, Text
from ..questionnaire.advice import MatchedRecommendation
from ..questionnaire.funding_matching import FundingMatch, Unknown
from ..questionnaire.models import SIZE_CLASSES
from ..questionnaire.questions import SingleQuestion
from ..questionnaire.scoring import AssessmentResult
from .why import NamesWhy


@dataclass(frozen=True)
class FundingRow(NamesWhy):
    """A programme in the report: the match, the partner who helps apply, whether the entry was
    last checked so long ago that its conditions may have changed, and why in a few words."""

    match: FundingMatch
    partner: Partner | None
    stale: bool

    @property
    def topics(self) -> tuple[Text, ...]:  # type: ignore[override]
        """The topics of the plan it pays for, each once, in the plan's order."""
        found = {reason.topic: reason.topic_label for reason in self.match.reasons}
        return tuple(found.values())

    @property
    def dimensions(self) -> tuple[Dimension, ...]:  # type: ignore[override]
        """The firm's dimensions whose steps call for them, each once, in the plan's order."""
        found = {reason.match.dimension.id: reason.match.dimension for reason in self.match.reasons}
        return tuple(found.values())

    @property
    def anchor(self) -> str:
        """The id of its place in the report, which the action plan links to."""
        return f"programme-{self.match.programme.id}"


@dataclass(frozen=True)
class FundingSection:
    """The programmes shown, how many more fit, and which of them pay for each step."""

    rows: tuple[FundingRow, ...]
    more: int = 0
    #: Programmes by the reference of the action plan's step whose topics they pay for.
    by_step: dict[str, tuple[FundingRow, ...]] = field(default_factory=dict)

    @property
    def samples(self) -> bool:
        """Whether a sample entry (to be replaced by the centre) is among those shown."""
        return any(row.match.programme.sample for row in self.rows)

    def for_step(self, step: MatchedRecommendation) -> tuple[FundingRow, ...]:
        """The programmes shown that pay for a step of the action plan."""
        return self.by_step.get(step.reference, ())


def funding_state(questionnaire: Questionnaire, today: date, stale_days: int) -> list[object]:
    """What of the report's programmes changes with the day: each one's state and staleness
    (part of the report's cache key, so that a report changes the day a programme closes)."""
    funding = questionnaire.funding_directory
    if funding is None:
        return []
    return [
        [programme.id, programme.state(today), programme.stale(today, stale_days)]
        for programme in funding.programmes
    ]


def build_funding(
    assessment: Assessment,
    questionnaire: Questionnaire,
    result: AssessmentResult,
    plan: Sequence[MatchedRecommendation],
    today: date,
    stale_days: int,
) -> FundingSection | None:
    """The report's funding section, or None when no programme fits (``plan``: the result's
    action plan)."""
    matches = programmes_for(assessment, questionnaire, result, today, plan)
    if not matches:
        return None
    profile = profile_of(assessment)
    partners = {
        partner.id: partner
        for partner in (questionnaire.directory.partners if questionnaire.directory else ())
        if partner.serves(region=profile.region, size=profile.size, sector=profile.sector)
    }
    rows = tuple(
        FundingRow(
            match,
            partners.get(match.programme.partner or ""),
            match.programme.stale(today, stale_days),
        )
        for match in matches[:MAX_PROGRAMMES]
    )
    by_step: dict[str, tuple[FundingRow, ...]] = {}
    for step in plan:
        paying = tuple(
            row
            for row in rows
            if set(row.match.programme.topics) & set(step.recommendation.partners)
        )
        if paying:
            by_step[step.reference] = paying
    return FundingSection(rows, max(0, len(matches) - MAX_PROGRAMMES), by_step)


#: The kinds of programme in words, translated when one is shown.
FUNDING_KINDS = {
    "grant": _l("Grant"),
    "loan": _l("Loan"),
    "voucher": _l("Voucher"),
    "advice": _l("Subsidised advice"),
    "tax": _l("Tax relief"),
}


def funding_kind_name(kind: str) -> str:
    """A kind of programme in words."""
    return str(FUNDING_KINDS[kind])


def funding_conditions(unknowns: Iterable[Unknown], questionnaire: Questionnaire) -> str:
    """The rules the firm's answers leave open, joined: "your firm has ... and ..."."""
    return spoken_list(funding_condition(unknown, questionnaire) for unknown in unknowns)


def funding_condition(unknown: Unknown, questionnaire: Questionnaire) -> str:
    """An eligibility rule the firm's answers leave open, as the end of "only if ...".

    E.g. "your firm has fewer than 250 employees" or "your firm is based in Lippstadt or Erwitte".
    """
    if unknown.kind == "size":
        return _size_condition(unknown.values, questionnaire)
    if unknown.kind == "sector":
        sectors = _options(questionnaire, "sector", unknown.values)
        return _("your firm works in %(sectors)s", sectors=sectors)
    if unknown.kind == "region":
        regions = _options(questionnaire, "region", unknown.values)
        return _("your firm is based in %(regions)s", regions=regions)
    if unknown.kind == "level" and unknown.dimension is not None:
        levels = [
            localize(level.label) for level in questionnaire.levels if level.id in unknown.values
        ]
        return ngettext(
            "your level in %(topic)s is %(levels)s",
            "your level in %(topic)s is one of %(levels)s",
            len(levels),
            topic=localize(unknown.dimension.title),
            levels=_either(levels),
        )
    return _answers_condition(unknown, questionnaire)


def _answers_condition(unknown: Unknown, questionnaire: Questionnaire) -> str:
    """The questions left open that a programme's condition waits on (and the answers it asks
    for, when it asks for given options of one question)."""
    questions = [questionnaire.question_index[question_id] for question_id in unknown.questions]
    quoted = [_quoted(localize(question.text)) for question in questions]
    if unknown.values and len(questions) == 1:
        labels = {
            option.id: localize(option.label) for option in getattr(questions[0], "options", ())
        }
        answers = _either([_quoted(labels.get(value, value)) for value in unknown.values])
        return _(
            "you answer the question %(question)s with %(answers)s",
            question=quoted[0],
            answers=answers,
        )
    joined = _either(quoted, _("and"))
    return ngettext(
        "your answer to the question %(questions)s fits",
        "your answers to the questions %(questions)s fit",
        len(quoted),
        questions=joined,
    )


def _quoted(text: str) -> str:
    """Words quoted as the current language quotes them."""
    return _("“%(text)s”", text=text)


#: The employees of each size class (the EU's SME classes): from, up to (None: no limit).
EMPLOYEES = {"micro": (0, 9), "small": (10, 49), "medium": (50, 249), "large": (250, None)}


def _size_condition(sizes: tuple[str, ...], questionnaire: Questionnaire) -> str:
    """The size classes allowed, as employees where they are one range, else by their names."""
    chosen = [index for index, size in enumerate(SIZE_CLASSES) if size in sizes]
    if not chosen or chosen != list(range(chosen[0], chosen[-1] + 1)):
        return _("your firm is %(sizes)s", sizes=_options(questionnaire, "size", sizes))
    low, high = EMPLOYEES[SIZE_CLASSES[chosen[0]]][0], EMPLOYEES[SIZE_CLASSES[chosen[-1]]][1]
    if high is None:
        return _("your firm has %(count)s employees or more", count=low)
    if low == 0:
        return _("your firm has fewer than %(count)s employees", count=high + 1)
    return _("your firm has %(low)s to %(high)s employees", low=low, high=high)


def _options(questionnaire: Questionnaire, question_id: str, values: tuple[str, ...]) -> str:
    """The labels of a profile question's options (their ids where the question lacks them)."""
    question = questionnaire.question_index.get(question_id)
    labels = {
        option.id: localize(option.label)
        for option in (question.options if isinstance(question, SingleQuestion) else ())
    }
    return _either([labels.get(value, value) for value in values])


def _either(items: list[str], word: str | None = None) -> str:
    """Items joined as "A, B or C" (or with another last word)."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word or _('or')} {items[-1]}"
