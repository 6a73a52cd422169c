"""Checking a funding directory: its structure and dates, and what it names elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ..elements import Finding
from ..funding import FundingDirectory, Programme
from ..partners import PartnerDirectory
from ..questions import QuestionBase, SingleQuestion
from .outline import Outline, iter_texts
from .problems import KEY, DocPath, Problem
from .references import check_references, check_text_languages, repeats
from .source import LoadedYaml
from .structure import validate

#: How `flask questionnaire check` words its warnings, so that they read apart from problems.
WARNING = "warning: "


@dataclass(frozen=True)
class FundingPolicy:
    """When entries are out of date: checked more than ``stale_days`` ago, or closed for more
    than ``closed_days`` days, on ``today``."""

    today: date
    stale_days: int
    closed_days: int


def check_funding_file(loaded: LoadedYaml) -> tuple[FundingDirectory | None, list[Problem]]:
    """A funding directory read on its own: its structure, ids and dates."""
    data, source = loaded.data, loaded.source
    problems = list(loaded.problems)
    directory: FundingDirectory | None = None
    if isinstance(data, dict):
        directory, structural = validate(FundingDirectory, data, source)
        problems.extend(structural)
    elif data is not None:
        message = "a funding directory must be a mapping with a list of programmes"
        problems.append(source.problem((), message))
    if directory is not None:
        problems.extend(source.problem(path, text) for path, text in _check_programmes(directory))
    return directory, problems


def looks_like_funding(data: object) -> bool:
    """Whether a document is a funding directory (a mapping of programmes, nothing else)."""
    return isinstance(data, dict) and "programmes" in data and "dimensions" not in data


def _check_programmes(directory: FundingDirectory) -> Iterator[Finding]:
    """Unique ids, nothing listed twice, and dates in order."""
    seen: set[str] = set()
    for index, programme in enumerate(directory.programmes):
        path: DocPath = ("programmes", index)
        if programme.id in seen:
            yield (*path, "id"), f"duplicate programme id {programme.id!r}"
        seen.add(programme.id)
        yield from repeats(path, "topics", programme.topics)
        rules = programme.eligibility
        for key in ("sizes", "sectors", "regions"):
            yield from repeats((*path, "eligibility"), key, getattr(rules, key))
        for dimension, levels in rules.levels.items():
            yield from repeats((*path, "eligibility", "levels"), dimension, levels)
            if not levels:
                where = (*path, "eligibility", "levels", dimension)
                yield where, "name at least one level, or leave the dimension out"
        start, end = programme.open_from, programme.open_until
        if start is not None and end is not None and end < start:
            message = f"open_until ({end}) is before open_from ({start})"
            yield (*path, "open_until"), message


def check_funding_against(
    directory: FundingDirectory, outline: Outline, partners: PartnerDirectory | None
) -> Iterator[Finding]:
    """What the programmes name must exist in the questionnaire and its partner directory
    (topics and partners are checked only when the partner directory could be read)."""
    topics = _known_topics(outline, partners)
    unreadable = outline.partners_file is not None and partners is None
    questions = {
        entry.raw_id: entry.question for entry in outline.questions if entry.raw_id is not None
    }
    for index, programme in enumerate(directory.programmes):
        path: DocPath = ("programmes", index)
        for position, topic in enumerate(programme.topics):
            if topic not in topics and not unreadable:
                where = f"of {outline.partners_file} or " if outline.partners_file else ""
                message = f"unknown topic {topic!r}; use a topic {where}of a recommendation"
                yield (*path, "topics", position), message
        if not unreadable:
            yield from _check_partner(path, programme, partners, outline.partners_file)
        yield from _check_eligibility((*path, "eligibility"), programme, outline, questions)
    languages = outline.declared_languages
    if languages is not None:
        for path, text in iter_texts(directory, ()):
            yield from check_text_languages(path, text, languages)


def _known_topics(outline: Outline, partners: PartnerDirectory | None) -> set[str]:
    """The topic vocabulary: the partner directory's (declared, or used by its partners), and
    the topics recommendations call for."""
    known = {topic for _path, rec in outline.recommendations for topic in rec.partners}
    if partners is not None:
        known |= set(partners.topic_index) | partners.covered_topics
    return known


def _check_partner(
    path: DocPath,
    programme: Programme,
    partners: PartnerDirectory | None,
    partners_file: str | None,
) -> Iterator[Finding]:
    if programme.partner is None:
        return
    if partners is None:
        message = "names a partner, but the questionnaire has no partner directory (partners:)"
        yield (*path, "partner"), message
    elif programme.partner not in {partner.id for partner in partners.partners}:
        message = f"unknown partner {programme.partner!r}; name a partner of {partners_file}"
        yield (*path, "partner"), message


def _check_eligibility(
    path: DocPath,
    programme: Programme,
    outline: Outline,
    questions: dict[str, QuestionBase | None],
) -> Iterator[Finding]:
    rules = programme.eligibility
    for key, question_id in (("regions", "region"), ("sectors", "sector")):
        question = questions.get(question_id)
        if not isinstance(question, SingleQuestion):
            continue
        options = [option.id for option in question.options]
        for position, value in enumerate(getattr(rules, key)):
            if value not in options:
                message = f"{value!r} is not an option of the profile question {question_id!r}"
                yield (*path, key, position), message
    dimensions = {raw_id for _where, raw_id in outline.dimensions if raw_id is not None}
    for dimension, levels in rules.levels.items():
        if dimension not in dimensions:
            message = f"unknown dimension {dimension!r}; name a dimension of the questionnaire"
            yield (*path, "levels", dimension, KEY), message
            continue
        for position, level in enumerate(levels):
            if level not in outline.level_ids:
                choices = ", ".join(outline.level_ids)
                message = f"unknown level {level!r}; the levels are {choices}"
                yield (*path, "levels", dimension, position), message
    if rules.when is not None:
        for where, message in check_references(
            rules.when, questions, outline.questions, "name a question of the questionnaire"
        ):
            yield (*path, "when", *where), message


def funding_warnings(directory: FundingDirectory, policy: FundingPolicy) -> Iterator[Finding]:
    """Programmes closed for longer than the policy allows, and entries not checked for longer."""
    for index, programme in enumerate(directory.programmes):
        path: DocPath = ("programmes", index)
        end = programme.open_until
        if end is not None and (policy.today - end).days > policy.closed_days:
            days = (policy.today - end).days
            message = (
                f"{WARNING}the programme {programme.id!r} closed on {end}, {days} days ago; "
                "remove it, or give its new open_until"
            )
            yield (*path, "open_until"), message
        if programme.stale(policy.today, policy.stale_days):
            days = (policy.today - programme.last_checked).days
            message = (
                f"{WARNING}the programme {programme.id!r} was last checked {days} days ago "
                f"(on {programme.last_checked}); check it against its source and update "
                "last_checked"
            )
            yield (*path, "last_checked"), message
