"""Factories that write small questionnaires as YAML files and load them like the app does.

Tests describe only what matters to them; texts, labels and titles default to the ids, and the
four levels of the sample (0, 25, 50, 75) are used unless others are given. Parts may be given
as Python data or as YAML text (parsed with ``yaml.safe_load``, so avoid ids such as yes/no).
"""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import pytest
import yaml

from assessment.questionnaire import Questionnaire, load_questionnaire

#: The levels of the sample questionnaire, with German and English labels.
DEFAULT_LEVELS: list[dict[str, Any]] = [
    {"id": "einsteiger", "min": 0, "label": {"de": "Einsteiger", "en": "Beginner"}},
    {"id": "entdecker", "min": 25, "label": {"de": "Entdecker", "en": "Explorer"}},
    {"id": "fortgeschritten", "min": 50, "label": {"de": "Fortgeschritten", "en": "Advanced"}},
    {"id": "vorreiter", "min": 75, "label": {"de": "Vorreiter", "en": "Pioneer"}},
]

Part = str | list[Any] | dict[str, Any] | None


class QuestionnaireFactory(Protocol):
    """Writes a questionnaire (and its partner directory) and loads it."""

    def __call__(
        self,
        questions: Part = None,
        *,
        dimensions: Part = None,
        recommendations: Part = None,
        levels: Part = None,
        profile: Part = None,
        partners: Part = None,
        **top: Any,
    ) -> Questionnaire: ...


def _data(part: Part) -> Any:
    """YAML text parsed, or a deep copy of Python data (the caller's data is never changed)."""
    if isinstance(part, str):
        return yaml.safe_load(textwrap.dedent(part))
    return copy.deepcopy(part)


def _question(question: dict[str, Any]) -> dict[str, Any]:
    question.setdefault("text", question["id"])
    for option in question.get("options", ()):
        option.setdefault("label", option["id"])
    for row in question.get("rows", ()):
        row.setdefault("text", row["id"])
    return question


def _dimension(dimension: dict[str, Any]) -> dict[str, Any]:
    dimension.setdefault("title", dimension["id"])
    dimension["questions"] = [_question(q) for q in dimension.get("questions", ())]
    for recommendation in dimension.get("recommendations", ()):
        recommendation.setdefault("text", "advice")
    return dimension


def _partner(partner: dict[str, Any]) -> dict[str, Any]:
    partner.setdefault("name", partner["id"])
    partner.setdefault("kind", "network")
    return partner


def questionnaire_document(
    questions: Part = None,
    *,
    dimensions: Part = None,
    recommendations: Part = None,
    levels: Part = None,
    profile: Part = None,
    **top: Any,
) -> dict[str, Any]:
    """A questionnaire document: ``questions`` form one dimension ``d``, or give ``dimensions``."""
    if (questions is None) == (dimensions is None):
        raise TypeError("give either questions (one dimension) or dimensions")
    if dimensions is None:
        dimension = {"id": "d", "title": "D", "questions": _data(questions)}
        if recommendations is not None:
            dimension["recommendations"] = _data(recommendations)
        dimension_list = [dimension]
    else:
        dimension_list = _data(dimensions)
    document: dict[str, Any] = {
        "id": "test",
        "version": 1,
        "language": "de",
        "languages": ["de", "en"],
        "title": "Test",
        "levels": _data(levels) if levels is not None else copy.deepcopy(DEFAULT_LEVELS),
        "profile": [_question(q) for q in _data(profile) or ()],
        "dimensions": [_dimension(d) for d in dimension_list],
    }
    document.update(top)
    return document


def _write_and_load(directory: Path, document: dict[str, Any], partners: Part) -> Questionnaire:
    if partners is not None:
        data = _data(partners)
        listed = data if isinstance(data, list) else data.get("partners", [])
        for partner in listed:
            _partner(partner)
        (directory / "partners.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        document = {**document, "partners": "partners.yaml"}
    path = directory / "questionnaire.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_questionnaire(path)


def _factory(new_directory: Callable[[], Path]) -> QuestionnaireFactory:
    def build(
        questions: Part = None,
        *,
        dimensions: Part = None,
        recommendations: Part = None,
        levels: Part = None,
        profile: Part = None,
        partners: Part = None,
        **top: Any,
    ) -> Questionnaire:
        document = questionnaire_document(
            questions,
            dimensions=dimensions,
            recommendations=recommendations,
            levels=levels,
            profile=profile,
            **top,
        )
        return _write_and_load(new_directory(), document, partners)

    return build


@pytest.fixture
def build_questionnaire(tmp_path: Path) -> QuestionnaireFactory:
    """Build a questionnaire in this test's tmp_path (each call in a fresh sub-directory)."""
    counter = iter(range(1_000_000))

    def new_directory() -> Path:
        directory = tmp_path / f"questionnaire-{next(counter)}"
        directory.mkdir()
        return directory

    return _factory(new_directory)


@pytest.fixture(scope="session")
def build_questionnaire_once(tmp_path_factory: pytest.TempPathFactory) -> QuestionnaireFactory:
    """Like build_questionnaire, but session-scoped: for hypothesis tests that build per example."""
    return _factory(lambda: tmp_path_factory.mktemp("questionnaire"))
