"""Matching funding programmes to a firm: the topics its action plan calls for, and eligibility.

A programme is shown when a matched recommendation calls for one of its topics, it has not
closed, and nothing known of the firm excludes it. What the firm's answers leave open (no size
given, a question unanswered, a topic not assessed) does not exclude it: it is shown with that
condition (`Unknown`), so that the report can say "if your firm has fewer than 250 employees".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from .advice import MatchedRecommendation
from .conditions import Answers, InCondition, condition_holds, residual
from .funding import Eligibility, FundingDirectory, Programme, ProgrammeState
from .matching import CompanyProfile, MatchReason
from .models import SIZE_CLASSES, Dimension, Questionnaire
from .partners import PartnerDirectory
from .questions import SingleQuestion
from .scoring import AssessmentResult
from .text import Text

UnknownKind = Literal["size", "sector", "region", "level", "answers"]


@dataclass(frozen=True)
class Unknown:
    """An eligibility rule the firm's answers do not settle, and what it asks for."""

    kind: UnknownKind
    #: The ids it allows: size classes, sector or region options, level ids, or the options a
    #: condition on one question's answer asks for.
    values: tuple[str, ...] = ()
    #: For a level rule: the dimension it is about.
    dimension: Dimension | None = None
    #: For a condition on the answers: the questions left open that it depends on.
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class FundingMatch:
    """A programme to show, why (the plan's steps that call for its topics), and what is open."""

    programme: Programme
    reasons: tuple[MatchReason, ...]
    unknowns: tuple[Unknown, ...]
    state: ProgrammeState

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics the programme was matched on, without repeats."""
        return tuple(dict.fromkeys(reason.topic for reason in self.reasons))

    @property
    def conditional(self) -> bool:
        """Whether the firm's answers leave its eligibility open."""
        return bool(self.unknowns)


def match_funding(
    funding: FundingDirectory | None,
    partners: PartnerDirectory | None,
    recommendations: Iterable[MatchedRecommendation],
    result: AssessmentResult,
    profile: CompanyProfile,
    today: date,
) -> list[FundingMatch]:
    """Programmes whose topics the recommendations call for, open or opening, that the firm may use.

    Pass the recommendations in action-plan order: programmes come in the order of the first
    recommendation that calls for them. Programmes past `open_until` are never returned.
    """
    if funding is None:
        return []
    matches = []
    recommendations = list(recommendations)
    for programme in funding.programmes:
        state = programme.state(today)
        if state == "closed":
            continue
        reasons = _reasons(programme, recommendations, partners)
        if not reasons:
            continue
        unknowns = eligibility_gaps(programme.eligibility, result, profile)
        if unknowns is not None:
            matches.append(FundingMatch(programme, reasons, unknowns, state))
    order = {id(match.recommendation): position for position, match in enumerate(recommendations)}
    return sorted(matches, key=lambda found: order[id(found.reasons[0].match.recommendation)])


def _reasons(
    programme: Programme,
    recommendations: list[MatchedRecommendation],
    partners: PartnerDirectory | None,
) -> tuple[MatchReason, ...]:
    """The recommendations that call for one of the programme's topics, each dimension and
    topic once, in the recommendations' order."""
    found: list[MatchReason] = []
    for match in recommendations:
        for topic in match.recommendation.partners:
            if topic in programme.topics:
                label = partners.topic_label(topic) if partners is not None else Text(topic)
                reason = MatchReason(match, topic, label)
                if not any(reason.same_as(other) for other in found):
                    found.append(reason)
    return tuple(found)


def eligibility_gaps(
    rules: Eligibility, result: AssessmentResult, profile: CompanyProfile
) -> tuple[Unknown, ...] | None:
    """None when what is known of the firm excludes it; else the rules its answers leave open."""
    unknowns: list[Unknown] = []
    questionnaire = result.questionnaire
    for kind, allowed, value in (
        ("size", rules.sizes, profile.size),
        ("sector", rules.sectors, profile.sector),
        ("region", rules.regions, profile.region),
    ):
        if not _restricts(questionnaire, kind, allowed):
            continue
        if value is None:
            unknowns.append(Unknown(kind, tuple(allowed)))
        elif value not in allowed:
            return None
    for dimension_id, levels in rules.levels.items():
        if set(levels) >= {level.id for level in questionnaire.levels}:
            continue
        dimension = questionnaire.dimension_index[dimension_id]
        level = result.dimension(dimension_id).level
        if level is None:
            unknowns.append(Unknown("level", levels, dimension=dimension))
        elif level.id not in levels:
            return None
    if rules.when is not None:
        open_questions = _answers_gap(rules, result)
        if open_questions is None:
            return None
        if open_questions:
            wanted = rules.when.values if isinstance(rules.when, InCondition) else ()
            unknowns.append(
                Unknown("answers", tuple(str(value) for value in wanted), questions=open_questions)
            )
    return tuple(unknowns)


def _restricts(questionnaire: Questionnaire, kind: str, allowed: tuple[str, ...]) -> bool:
    """Whether a profile rule leaves some firms out: it names some, not all, of the size classes
    or of the options of the profile's sector or region question."""
    if not allowed:
        return False
    if kind == "size":
        every = set(SIZE_CLASSES)
    else:
        question = questionnaire.question_index.get(kind)
        if not isinstance(question, SingleQuestion):
            return True
        every = {option.id for option in question.options}
    return not set(allowed) >= every


def _answers_gap(rules: Eligibility, result: AssessmentResult) -> tuple[str, ...] | None:
    """() when the condition holds for a respondent; the questions it waits on when the open
    answers could still make it hold; None when the answers given exclude it."""
    assert rules.when is not None
    questionnaire = result.questionnaire
    waiting: dict[str, None] = {}
    for answers in result.answer_sets:
        open_here = _open_questions(rules, answers, questionnaire)
        if not open_here:
            left: object = condition_holds(rules.when, answers, questionnaire)
        else:  # what the open answers could still change is kept, the rest decided
            left = residual(rules.when, answers, set(open_here), questionnaire)
        if left is True:
            return ()
        if left is not False:
            waiting.update(dict.fromkeys(open_here))
    return tuple(waiting) if waiting else None


def _open_questions(
    rules: Eligibility, answers: Answers, questionnaire: Questionnaire
) -> list[str]:
    """The questions the condition names that were left unanswered and may yet be asked: shown,
    or hidden only for want of an answer that was left open too."""
    assert rules.when is not None
    named = dict.fromkeys(reference.question for reference in rules.when.references(()))
    unanswered = {question.id for question in questionnaire.questions} - set(answers)
    found = []
    for question_id in named:
        condition = questionnaire.question_index[question_id].show_if
        if question_id not in answers and (
            condition is None
            or residual(condition, answers, unanswered, questionnaire) is not False
        ):
            found.append(question_id)
    return found
