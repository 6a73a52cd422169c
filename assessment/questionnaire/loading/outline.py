"""The parts of a questionnaire document that are valid on their own, with their places.

Semantic checks (unique ids, references, languages) run on this outline, so that they
report problems in every valid part even when other parts of the file are broken.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter

from ..elements import Model
from ..models import Level, Recommendation, TeamRole
from ..questions import Question, QuestionBase
from ..text import Text
from .problems import DocPath
from .structure import salvage

_QUESTION = TypeAdapter(Question)
_LANGUAGES = TypeAdapter(tuple[str, ...])


@dataclass(frozen=True)
class QuestionEntry:
    """A question's place in the document; ``question`` is None when it is invalid."""

    path: DocPath
    raw_id: str | None
    question: QuestionBase | None
    dimension: str | None

    @property
    def in_profile(self) -> bool:
        """Whether the question is on the profile page."""
        return self.path[0] == "profile"


@dataclass
class Outline:
    """What could be read of a questionnaire document, part by part."""

    language: str | None = None
    languages: tuple[str, ...] | None = None
    level_ids: list[str] = field(default_factory=list)
    levels: list[tuple[DocPath, Level]] = field(default_factory=list)
    dimensions: list[tuple[DocPath, str | None]] = field(default_factory=list)
    questions: list[QuestionEntry] = field(default_factory=list)
    recommendations: list[tuple[DocPath, Recommendation]] = field(default_factory=list)
    texts: list[tuple[DocPath, Text]] = field(default_factory=list)
    partners_file: str | None = None
    funding_file: str | None = None
    urgency: str | None = None
    team_roles: list[tuple[DocPath, str | None]] = field(default_factory=list)

    @property
    def declared_languages(self) -> tuple[str, ...] | None:
        """The languages every text must be given in, when they can be told."""
        if self.languages is not None:
            return self.languages
        return (self.language,) if self.language else None


def _items(data: dict[str, Any], key: str, path: DocPath = ()) -> Iterator[tuple[DocPath, Any]]:
    items = data.get(key)
    if isinstance(items, list):
        for index, item in enumerate(items):
            yield (*path, key, index), item


def _raw_id(item: Any) -> str | None:
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else None


def build_outline(data: dict[str, Any]) -> Outline:
    """Read every part of a questionnaire document that is valid on its own."""
    outline = Outline()
    if isinstance(data.get("language"), str):
        outline.language = data["language"]
    outline.languages = salvage(_LANGUAGES, data.get("languages")) if "languages" in data else None
    if isinstance(data.get("partners"), str):
        outline.partners_file = data["partners"]
    if isinstance(data.get("funding"), str):
        outline.funding_file = data["funding"]
    if isinstance(data.get("urgency"), str):
        outline.urgency = data["urgency"]
    for path, item in _items(data, "team_roles"):
        outline.team_roles.append((path, _raw_id(item)))
        role = salvage(TeamRole, item)
        if role is not None:
            outline.texts.extend(iter_texts(role, path))
    outline.texts.extend(_raw_texts(data, (), ("title", "description")))
    for path, item in _items(data, "levels"):
        if (raw_id := _raw_id(item)) is not None:
            outline.level_ids.append(raw_id)
        level = salvage(Level, item)
        if level is not None:
            outline.levels.append((path, level))
            outline.texts.extend(iter_texts(level, path))
    for path, item in _items(data, "profile"):
        _add_question(outline, path, item, None)
    for path, dimension in _items(data, "dimensions"):
        raw_id = _raw_id(dimension)
        outline.dimensions.append((path, raw_id))
        if not isinstance(dimension, dict):
            continue
        outline.texts.extend(_raw_texts(dimension, path, ("title", "description")))
        for question_path, item in _items(dimension, "questions", path):
            _add_question(outline, question_path, item, raw_id)
        for rec_path, item in _items(dimension, "recommendations", path):
            recommendation = salvage(Recommendation, item)
            if recommendation is not None:
                outline.recommendations.append((rec_path, recommendation))
                outline.texts.extend(iter_texts(recommendation, rec_path))
    return outline


def _add_question(outline: Outline, path: DocPath, item: Any, dimension: str | None) -> None:
    question = salvage(_QUESTION, item)
    outline.questions.append(QuestionEntry(path, _raw_id(item), question, dimension))
    if question is not None:
        outline.texts.extend(iter_texts(question, path))


def _raw_texts(
    data: dict[str, Any], path: DocPath, keys: tuple[str, ...]
) -> Iterator[tuple[DocPath, Text]]:
    for key in keys:
        text = salvage(Text, data.get(key)) if key in data else None
        if text is not None:
            yield (*path, key), text


def iter_texts(value: Any, path: DocPath) -> Iterator[tuple[DocPath, Text]]:
    """Every Text inside a validated object, with its path."""
    if isinstance(value, Text):
        yield path, value
    elif isinstance(value, Model):
        for name in value.model_fields_set:
            key = type(value).model_fields[name].alias or name
            yield from iter_texts(getattr(value, name), (*path, key))
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from iter_texts(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_texts(item, (*path, key))
