"""Loading questionnaire and partner files: read, validate, and report every problem at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from ..centre import FILE_NAME as CENTRE_FILE
from ..centre import Centre, check_centre
from ..elements import Finding
from ..funding import FundingDirectory
from ..models import Questionnaire
from ..partners import Partner, PartnerDirectory
from ..questions import SingleQuestion
from .funding import (
    FundingPolicy,
    check_funding_against,
    check_funding_file,
    funding_warnings,
    looks_like_funding,
)
from .outline import Outline, build_outline, iter_texts
from .problems import DocPath, Problem, QuestionnaireError
from .references import check_outline, check_text_languages, repeats
from .source import LoadedYaml, SourceMap, load_yaml
from .structure import validate


@dataclass
class CheckResult:
    """The outcome of checking one file: the object when it is valid, and every problem."""

    path: str
    kind: str
    #: The file's content when its structure is valid, even if other problems remain.
    parsed: Questionnaire | PartnerDirectory | FundingDirectory | Centre | None
    problems: list[Problem]
    #: Entries out of date (funding programmes closed or not checked for long): no problem.
    warnings: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.problems = sorted(set(self.problems))
        self.warnings = sorted(set(self.warnings))

    @property
    def value(self) -> Questionnaire | PartnerDirectory | FundingDirectory | Centre | None:
        """The file's content when it has no problem at all."""
        return None if self.problems else self.parsed


def load_questionnaire(path: Path | str) -> Questionnaire:
    """Load a valid questionnaire with its partner directory, or raise QuestionnaireError."""
    result = check_questionnaire(path)
    if result.problems or not isinstance(result.value, Questionnaire):
        raise QuestionnaireError(result.problems)
    return result.value


def load_centre(path: Path | str) -> Centre:
    """Load a valid centre file, or raise QuestionnaireError."""
    centre, problems = check_centre(load_yaml(path))
    if problems or centre is None:
        raise QuestionnaireError(problems)
    return centre


def load_directory(path: Path | str) -> PartnerDirectory:
    """Load a valid partner directory, or raise QuestionnaireError."""
    result = check_directory(path)
    if result.problems or not isinstance(result.value, PartnerDirectory):
        raise QuestionnaireError(result.problems)
    return result.value


def check_file(path: Path | str, policy: FundingPolicy | None = None) -> CheckResult:
    """Check a questionnaire, a partner or funding directory, or the centre file (by its name,
    centre.yaml); with a policy, warn of funding programmes that are out of date.

    Questionnaires and directories are told apart by their content.
    """
    loaded = load_yaml(path)
    if Path(path).name == CENTRE_FILE:
        centre, problems = check_centre(loaded)
        return CheckResult(loaded.source.file, "centre", centre, problems)
    if _looks_like_directory(loaded.data):
        return _check_directory(loaded)[0]
    if looks_like_funding(loaded.data):
        funding, problems = check_funding_file(loaded)
        warnings = _warnings(loaded, funding, policy)
        return CheckResult(loaded.source.file, "funding directory", funding, problems, warnings)
    return _check_questionnaire(loaded, policy)


def check_questionnaire(path: Path | str) -> CheckResult:
    """Check a questionnaire file and the partner and funding directories it names."""
    return _check_questionnaire(load_yaml(path))


def check_directory(path: Path | str) -> CheckResult:
    """Check a partner directory file on its own."""
    return _check_directory(load_yaml(path))[0]


def _looks_like_directory(data: Any) -> bool:
    return isinstance(data, list) or (
        isinstance(data, dict)
        and "partners" in data
        and "dimensions" not in data
        and "id" not in data
    )


def _check_questionnaire(loaded: LoadedYaml, policy: FundingPolicy | None = None) -> CheckResult:
    problems: list[Problem] = list(loaded.problems)
    warnings: list[Problem] = []
    questionnaire = _validate_questionnaire(loaded, problems, warnings, policy)
    return CheckResult(loaded.source.file, "questionnaire", questionnaire, problems, warnings)


def _validate_questionnaire(
    loaded: LoadedYaml,
    problems: list[Problem],
    warnings: list[Problem] | None = None,
    policy: FundingPolicy | None = None,
) -> Questionnaire | None:
    data, source = loaded.data, loaded.source
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(
            source.problem((), "a questionnaire must be a mapping (id, version, levels, ...)")
        )
        return None
    questionnaire, structural = validate(Questionnaire, data, source)
    problems.extend(structural)
    outline = build_outline(data)
    directory, locate = _partner_directory(outline, source, problems)
    problems.extend(
        source.problem(path, message) for path, message in check_outline(outline, directory)
    )
    if directory is not None and locate is not None:
        findings = _check_directory_against(directory, outline)
        problems.extend(locate(path, message) for path, message in findings)
    funding = _funding_directory(outline, source, directory, problems, warnings, policy)
    if questionnaire is None:
        return None
    return questionnaire.with_directory(directory).with_funding(funding)


def _linked_file(
    name: str, key: str, what: str, source: SourceMap, problems: list[Problem]
) -> Path | None:
    """The file a questionnaire names under ``key``, if it exists in (or below) its folder."""
    folder = Path(source.file).parent
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()):
        message = f"the {what} {name!r} must be a file in this file's folder (or below it)"
        problems.append(source.problem((key,), message))
        return None
    if not path.is_file():
        problems.append(
            source.problem((key,), f"the {what} {name!r} does not exist next to this file")
        )
        return None
    return path


def _funding_directory(
    outline: Outline,
    source: SourceMap,
    partners: PartnerDirectory | None,
    problems: list[Problem],
    warnings: list[Problem] | None,
    policy: FundingPolicy | None,
) -> FundingDirectory | None:
    """The funding directory the questionnaire names, checked against it and its partners."""
    if outline.funding_file is None:
        return None
    path = _linked_file(outline.funding_file, "funding", "funding directory", source, problems)
    if path is None:
        return None
    loaded = load_yaml(path)
    funding, found = check_funding_file(loaded)
    problems.extend(found)
    if funding is None:
        return None
    findings = check_funding_against(funding, outline, partners)
    problems.extend(loaded.source.problem(where, message) for where, message in findings)
    if warnings is not None:
        warnings.extend(_warnings(loaded, funding, policy))
    return funding


def _warnings(
    loaded: LoadedYaml, funding: FundingDirectory | None, policy: FundingPolicy | None
) -> list[Problem]:
    if funding is None or policy is None:
        return []
    return [loaded.source.problem(where, text) for where, text in funding_warnings(funding, policy)]


def _partner_directory(
    outline: Outline, source: SourceMap, problems: list[Problem]
) -> tuple[PartnerDirectory | None, _Locator | None]:
    if outline.partners_file is None:
        return None, None
    path = _linked_file(outline.partners_file, "partners", "partner directory", source, problems)
    if path is None:
        return None, None
    result, locate = _check_directory(load_yaml(path))
    problems.extend(result.problems)
    directory = result.parsed if isinstance(result.parsed, PartnerDirectory) else None
    return directory, locate


#: Turns a path in the partner directory model into a located problem in its file.
_Locator = Callable[[DocPath, str], Problem]

_PARTNER_LIST = TypeAdapter(tuple[Partner, ...])


def _check_directory(loaded: LoadedYaml) -> tuple[CheckResult, _Locator]:
    data, source = loaded.data, loaded.source
    bare_list = isinstance(data, list)

    def locate(path: DocPath, message: str) -> Problem:
        if bare_list and path[:1] == ("partners",):
            path = path[1:]
        return source.problem(path, message)

    problems = list(loaded.problems)
    directory: PartnerDirectory | None = None
    if bare_list:
        partners, structural = validate(_PARTNER_LIST, data, source)
        directory = PartnerDirectory(partners=partners) if partners is not None else None
        problems.extend(structural)
    elif isinstance(data, dict):
        directory, structural = validate(PartnerDirectory, data, source)
        problems.extend(structural)
    elif data is not None:
        problems.append(source.problem((), "a partner directory must be a list of partners"))
    if directory is not None:
        problems.extend(locate(path, message) for path, message in _check_directory_ids(directory))
    return CheckResult(source.file, "partner directory", directory, problems), locate


def _check_directory_ids(directory: PartnerDirectory) -> Iterator[Finding]:
    """Unique ids, and partner topics that the directory declares (when it declares any)."""
    seen_topics: set[str] = set()
    for index, topic in enumerate(directory.topics):
        if topic.id in seen_topics:
            yield ("topics", index, "id"), f"duplicate topic id {topic.id!r}"
        seen_topics.add(topic.id)
    seen_partners: set[str] = set()
    for index, partner in enumerate(directory.partners):
        path: DocPath = ("partners", index)
        if partner.id in seen_partners:
            yield (*path, "id"), f"duplicate partner id {partner.id!r}"
        seen_partners.add(partner.id)
        for key in ("topics", "regions", "sizes", "sectors"):
            yield from repeats(path, key, getattr(partner, key))
        if directory.topics:
            for position, topic in enumerate(partner.topics):
                if topic not in seen_topics:
                    message = f"unknown topic {topic!r}; declare it under topics first"
                    yield (*path, "topics", position), message


def _check_directory_against(directory: PartnerDirectory, outline: Outline) -> Iterator[Finding]:
    """Partner regions and sectors must be options of the profile; texts in every language."""
    profile = {
        entry.question.id: entry.question
        for entry in outline.questions
        if entry.in_profile and isinstance(entry.question, SingleQuestion)
    }
    for index, partner in enumerate(directory.partners):
        path: DocPath = ("partners", index)
        for key, question_id in (("regions", "region"), ("sectors", "sector")):
            question = profile.get(question_id)
            if question is None:
                continue
            options = [option.id for option in question.options]
            for position, value in enumerate(getattr(partner, key)):
                if value not in options:
                    message = f"{value!r} is not an option of the profile question {question_id!r}"
                    yield (*path, key, position), message
    languages = outline.declared_languages
    if languages is not None:
        for path, text in iter_texts(directory, ()):
            yield from check_text_languages(path, text, languages)


def summary(result: CheckResult) -> str:
    """A one-line summary of a valid file."""
    value = result.value
    if isinstance(value, Questionnaire):
        questions = sum(len(dimension.questions) for dimension in value.dimensions)
        parts = [
            f"questionnaire {value.id!r} version {value.version}",
            f"{len(value.dimensions)} dimensions",
            f"{questions} questions",
            f"{len(value.levels)} levels",
            f"languages {', '.join(value.all_languages)}",
        ]
        if value.directory is not None:
            parts.append(f"{len(value.directory.partners)} partners")
        if value.funding_directory is not None:
            parts.append(_count(len(value.funding_directory.programmes), "funding programme"))
        return f"{result.path}: ok: " + ", ".join(parts)
    if isinstance(value, Centre):
        kind = "sample centre" if value.sample else "centre"
        return f"{result.path}: ok: {kind} {value.name.get(value.languages[0])!r}"
    if isinstance(value, FundingDirectory):
        samples = sum(1 for programme in value.programmes if programme.sample)
        marked = f" ({_count(samples, 'sample')})" if samples else ""
        programmes = _count(len(value.programmes), "programme")
        return f"{result.path}: ok: funding directory, {programmes}{marked}"
    if isinstance(value, PartnerDirectory):
        return (
            f"{result.path}: ok: partner directory, {len(value.partners)} partners, "
            f"{len(value.covered_topics)} topics"
        )
    return f"{result.path}: invalid"


def _count(number: int, noun: str) -> str:
    """E.g. "1 programme", "8 programmes"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
