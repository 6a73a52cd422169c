"""Semantic checks of a questionnaire: ids, references, levels, languages and the profile."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..conditions import Condition
from ..elements import Finding
from ..models import PROFILE_KEYS, SIZE_CLASSES
from ..partners import PartnerDirectory
from ..questions import QuestionBase, SingleQuestion
from ..text import Text
from .outline import Outline, QuestionEntry
from .problems import KEY, DocPath


def check_outline(outline: Outline, directory: PartnerDirectory | None) -> Iterator[Finding]:
    """Every semantic problem in the valid parts of a questionnaire."""
    yield from _check_languages(outline)
    yield from _check_levels(outline)
    yield from _unique((path, raw_id) for path, raw_id in outline.dimensions)
    yield from _unique((entry.path, entry.raw_id) for entry in outline.questions)
    yield from _check_questions(outline.questions)
    yield from _check_recommendations(outline, directory)
    yield from _check_urgency(outline)
    yield from _unique(outline.team_roles)
    languages = outline.declared_languages
    if languages is not None:
        for path, text in outline.texts:
            yield from check_text_languages(path, text, languages)


def _unique(items: Iterable[tuple[DocPath, str | None]]) -> Iterator[Finding]:
    seen: set[str] = set()
    for path, value in items:
        if value is None:
            continue
        if value in seen:
            yield (*path, "id"), f"duplicate id {value!r}; ids must be unique"
        seen.add(value)


def repeats(path: DocPath, key: str, values: tuple[str, ...]) -> Iterator[Finding]:
    """Every value of the list at ``key`` that an earlier one repeats."""
    for position, value in enumerate(values):
        if value in values[:position]:
            yield (*path, key, position), f"{value!r} is listed twice"


def _check_languages(outline: Outline) -> Iterator[Finding]:
    if outline.languages is None or outline.language is None:
        return
    if outline.language not in outline.languages:
        message = f"the default language {outline.language!r} must be among languages"
        yield ("language",), message
    seen: set[str] = set()
    for index, language in enumerate(outline.languages):
        if language in seen:
            yield ("languages", index), f"{language!r} is listed twice"
        seen.add(language)


def check_text_languages(
    path: DocPath, text: Text, languages: tuple[str, ...]
) -> Iterator[Finding]:
    """A text given per language must be given in exactly the declared languages."""
    given = text.languages
    if given is None:
        return
    missing = [language for language in languages if language not in given]
    if missing:
        names = ", ".join(repr(language) for language in missing)
        yield path, f"the text is missing the language {names}; give every declared language"
    for language in sorted(given - set(languages)):
        declared = ", ".join(languages)
        yield (*path, language, KEY), f"{language!r} is not a declared language ({declared})"


def _check_levels(outline: Outline) -> Iterator[Finding]:
    yield from _unique((path, level.id) for path, level in outline.levels)
    previous = None
    for index, (path, level) in enumerate(outline.levels):
        if index == 0 and path[-1] == 0 and level.min != 0:
            yield (*path, "min"), "the first level must start at min: 0"
        if previous is not None and level.min <= previous.min:
            message = f"levels must ascend; this min must be above {previous.min:g} ({previous.id})"
            yield (*path, "min"), message
        previous = level


def _check_questions(entries: list[QuestionEntry]) -> Iterator[Finding]:
    earlier: dict[str, QuestionBase | None] = {}
    for entry in entries:
        question = entry.question
        if question is not None:
            for path, message in question.check(in_profile=entry.in_profile):
                yield (*entry.path, *path), message
            if entry.in_profile:
                for path, message in question.scoring_keys():
                    yield (*entry.path, *path), message
                yield from _check_profile_question(entry, question)
            if question.show_if is not None:
                for path, message in _check_condition(question, earlier, entries):
                    yield (*entry.path, "show_if", *path), message
        if entry.raw_id is not None and entry.raw_id not in earlier:
            earlier[entry.raw_id] = question


def _check_profile_question(entry: QuestionEntry, question: QuestionBase) -> Iterator[Finding]:
    if question.id not in PROFILE_KEYS:
        return
    if not isinstance(question, SingleQuestion):
        message = (
            f"the profile question {question.id!r} must be of type single (it groups companies)"
        )
        yield (*entry.path, "type"), message
        return
    if question.id == "size":
        for index, option in enumerate(question.options):
            if option.id not in SIZE_CLASSES:
                message = f"size options must be EU size classes: {', '.join(SIZE_CLASSES)}"
                yield (*entry.path, "options", index, "id"), message


def _check_urgency(outline: Outline) -> Iterator[Finding]:
    """`urgency` names a single question of the questionnaire."""
    if outline.urgency is None:
        return
    found = [entry for entry in outline.questions if entry.raw_id == outline.urgency]
    if not found:
        yield ("urgency",), f"{outline.urgency!r} is an unknown question; name a single question"
    elif found[0].question is not None and not isinstance(found[0].question, SingleQuestion):
        kind = found[0].question.type_name
        message = f"{outline.urgency!r} is a {kind} question; urgency must name a single question"
        yield ("urgency",), message


#: What a question's condition may refer to, and what a recommendation's may.
QUESTION_RULE = "a condition may only refer to earlier questions"
RECOMMENDATION_RULE = (
    "a recommendation's condition may only refer to questions of the profile, of its own "
    "dimension or of an earlier one"
)


def _check_condition(
    question: QuestionBase, earlier: dict[str, QuestionBase | None], entries: list[QuestionEntry]
) -> Iterator[Finding]:
    assert question.show_if is not None
    yield from check_references(question.show_if, earlier, entries, QUESTION_RULE, question.id)


def check_references(
    condition: Condition,
    allowed: dict[str, QuestionBase | None],
    entries: list[QuestionEntry],
    rule: str,
    itself: str | None = None,
) -> Iterator[Finding]:
    """Every question a condition names must be one it may refer to, with options it has."""
    known = {entry.raw_id for entry in entries}
    for reference in condition.references(()):
        target_id = reference.question
        if target_id == itself:
            yield (*reference.path, "question"), "a question cannot depend on itself"
            continue
        if target_id not in allowed:
            where = "a later question" if target_id in known else "an unknown question"
            yield (*reference.path, "question"), f"{target_id!r} is {where}; {rule}"
            continue
        target = allowed[target_id]
        if target is None or reference.values is None:
            continue
        allowed_values = target.condition_values()
        if allowed_values is None:
            message = f"'in' does not apply to {target.type_name} questions; use answered: true"
            yield (*reference.path, "in"), message
            continue
        for index, value in enumerate(reference.values):
            if str(value) not in allowed_values:
                choices = ", ".join(sorted(allowed_values, key=_natural))
                message = f"{value!r} is not an option of {target_id!r}; choose from {choices}"
                yield (*reference.path, "in", index), message


def _natural(value: str) -> tuple[int, int | str]:
    return (0, int(value)) if value.lstrip("-").isdigit() else (1, value)


def _check_recommendations(
    outline: Outline, directory: PartnerDirectory | None
) -> Iterator[Finding]:
    level_ids = set(outline.level_ids)
    yield from _unique(
        (path, recommendation.id)
        for path, recommendation in outline.recommendations
        if recommendation.id is not None
    )
    for path, recommendation in outline.recommendations:
        has_levels = recommendation.levels is not None
        has_score = recommendation.max_score is not None
        if has_levels and has_score:
            yield path, "give either levels or max_score, not both"
        elif not (has_levels or has_score or recommendation.when is not None):
            yield path, "give either levels or max_score, or when (a condition on the answers)"
        for index, level in enumerate(recommendation.levels or ()):
            if level not in level_ids:
                message = f"unknown level {level!r}; the levels are {', '.join(outline.level_ids)}"
                yield (*path, "levels", index), message
        if recommendation.when is not None:
            visible = _questions_before(outline.questions, path[1])
            for where, message in check_references(
                recommendation.when, visible, outline.questions, RECOMMENDATION_RULE
            ):
                yield (*path, "when", *where), message
        yield from _check_topics(path, recommendation.partners, outline, directory)


def _questions_before(
    entries: list[QuestionEntry], dimension: object
) -> dict[str, QuestionBase | None]:
    """The questions a recommendation of dimension number ``dimension`` may refer to: the
    profile's, and those of that dimension and the ones before it."""
    found: dict[str, QuestionBase | None] = {}
    for entry in entries:
        before = entry.in_profile or (
            isinstance(dimension, int)
            and isinstance(entry.path[1], int)
            and entry.path[1] <= dimension
        )
        if before and entry.raw_id is not None and entry.raw_id not in found:
            found[entry.raw_id] = entry.question
    return found


def _check_topics(
    path: DocPath, topics: tuple[str, ...], outline: Outline, directory: PartnerDirectory | None
) -> Iterator[Finding]:
    if topics and outline.partners_file is None:
        yield (
            (*path, "partners"),
            "names partner topics, but the questionnaire names no partners file",
        )
        return
    if directory is None:
        return
    for index, topic in enumerate(topics):
        if topic not in directory.covered_topics:
            if topic in directory.topic_index:
                message = f"no partner in {outline.partners_file} helps with the topic {topic!r}"
            else:
                message = f"unknown partner topic {topic!r}; it is not in {outline.partners_file}"
            yield (*path, "partners", index), message
