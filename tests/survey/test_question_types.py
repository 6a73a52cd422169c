"""A question type is one core class, one web adapter and one partial: the registries agree."""

from __future__ import annotations

from random import Random

import pytest
from flask import Flask

from assessment import PROJECT_ROOT
from assessment.questionnaire import QUESTION_TYPES, AnswerError, QuestionBase, load_questionnaire
from assessment.questionnaire.loading.schema import questionnaire_schema
from assessment.survey.fields import WEB_TYPES, QuestionAdapter

from ..conftest import SAMPLE
from .conftest import DATA

TYPES = sorted(QUESTION_TYPES)


def test_the_core_and_the_web_name_the_same_types() -> None:
    """Every type the core reads has a web adapter, and no adapter serves an unknown type."""
    assert sorted(WEB_TYPES) == TYPES


@pytest.mark.parametrize("name", TYPES)
def test_each_type_has_its_partial(name: str) -> None:
    """The adapter's partial exists among the templates, and belongs to this type alone."""
    template = WEB_TYPES[name].template
    assert (PROJECT_ROOT / "templates" / template).is_file()
    others = [other.template for key, other in WEB_TYPES.items() if key != name]
    assert template not in others


@pytest.mark.parametrize("name", TYPES)
def test_each_type_is_in_the_json_schema(name: str) -> None:
    """The published JSON Schema describes every type under its `type` value."""
    definition = questionnaire_schema()["$defs"][QUESTION_TYPES[name].__name__]
    assert definition["properties"]["type"]["const"] == name


@pytest.mark.parametrize("name", TYPES)
def test_each_type_gives_sample_answers_it_accepts(name: str) -> None:
    """The demo data asks each type for a sample answer; the type reads it back without error."""
    cls = QUESTION_TYPES[name]
    assert cls.demo_answer is not QuestionBase.demo_answer
    questions = [q for q in _questions() if q.type_name == name]
    assert questions, f"the test questionnaires hold no {name!r} question"
    rng = Random(7)
    for question in questions:
        for target in (0.0, 0.5, 1.0):
            raw = question.demo_answer(target, rng, ["Ein Beispieltext."])
            assert question.read_answer(raw) is not None


@pytest.mark.parametrize("name", TYPES)
def test_each_adapter_words_an_unknown_refusal(name: str, app: Flask) -> None:
    """An answer refused for a reason the adapter does not know still gets a message."""
    question = next(q for q in _questions() if q.type_name == name)
    with app.test_request_context():
        message = WEB_TYPES[name].message(AnswerError("something_new", "?"), question)
        assert str(message) == str(QuestionAdapter().message(AnswerError("x", "?"), question))
        assert str(message)


def _questions() -> list[QuestionBase]:
    """Every question of the sample and of the small check (which has every type)."""
    found: list[QuestionBase] = []
    for path in (SAMPLE, DATA / "check.yaml"):
        found.extend(load_questionnaire(path).questions)
    return found
