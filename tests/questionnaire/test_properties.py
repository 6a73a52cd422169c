"""Scoring properties for every answer set, on the sample and on generated questionnaires."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assessment.questionnaire import QuestionBase, Questionnaire
from assessment.questionnaire.conditions import hidden_questions
from assessment.questionnaire.questions import (
    MatrixQuestion,
    MultiQuestion,
    NumberQuestion,
    Option,
    ScaleQuestion,
    SingleQuestion,
    TextQuestion,
)
from assessment.questionnaire.scoring import (
    Answers,
    AssessmentResult,
    read_answers,
    score_assessment,
)

from .conftest import QuestionnaireFactory

#: Few enough examples that the file runs in seconds; no example database is written.
PROPERTY = settings(max_examples=30, deadline=None, database=None)

# --- answers for any questionnaire ------------------------------------------------------------


def raw_answer(question: QuestionBase, *, blank_text: bool = True) -> st.SearchStrategy[Any]:
    """A valid raw answer (as JSON or a form would send it) to one question."""
    if isinstance(question, ScaleQuestion):
        points = st.integers(question.min, question.max)
        return st.one_of(points, points.map(str), st.sampled_from([c.id for c in question.choices]))
    if isinstance(question, SingleQuestion):
        return st.sampled_from([option.id for option in question.options])
    if isinstance(question, MultiQuestion):
        exclusive = [option.id for option in question.options if option.exclusive]
        others = [option.id for option in question.options if not option.exclusive]
        combined = st.lists(st.sampled_from(others), min_size=1, unique=True) if others else None
        alone = st.sampled_from(exclusive).map(lambda choice: [choice]) if exclusive else None
        return st.one_of(*[s for s in (combined, alone) if s is not None])
    if isinstance(question, MatrixQuestion):
        return st.dictionaries(
            st.sampled_from([row.id for row in question.rows]),
            st.sampled_from([option.id for option in question.options]),
            min_size=1,
        )
    if isinstance(question, NumberQuestion):
        return number_answer(question)
    if isinstance(question, TextQuestion):
        if blank_text:
            return st.text(max_size=min(question.max_length, 30))
        letters = st.characters(categories=["L", "N"])
        return st.text(letters, min_size=1, max_size=min(question.max_length, 30))
    raise AssertionError(f"no answer strategy for {question.type_name}")


def number_answer(question: NumberQuestion) -> st.SearchStrategy[Any]:
    """Whole and decimal numbers in range, band boundaries, and German decimal commas."""
    low = question.lowest if question.lowest is not None else -1000.0
    high = question.max if question.max is not None else low + 10_000
    boundaries = [band.min for band in question.bands if low <= band.min <= high] or [low]
    floats = st.floats(low, high, allow_nan=False, allow_infinity=False)
    commas = floats.map(lambda value: f"{value:.2f}".replace(".", ",")).filter(
        lambda text: low <= float(text.replace(",", ".")) <= high
    )
    whole = [st.integers(math.ceil(low), math.floor(high))] if low <= math.floor(high) else []
    return st.one_of(st.sampled_from(boundaries), *whole, floats, commas)


def raw_answer_sets(questionnaire: Questionnaire) -> st.SearchStrategy[dict[str, Any]]:
    """Raw answers to any selection of the questions (profile included)."""
    return st.fixed_dictionaries(
        {}, optional={question.id: raw_answer(question) for question in questionnaire.questions}
    )


def draw_answers(data: st.DataObject, questionnaire: Questionnaire) -> Answers:
    """Draw a raw answer set and read it; every generated answer must be accepted."""
    answers, problems = read_answers(questionnaire, data.draw(raw_answer_sets(questionnaire)))
    assert problems == []
    return answers


# --- the properties, for any questionnaire ----------------------------------------------------


def scored_questions(questionnaire: Questionnaire) -> list[QuestionBase]:
    """The questions of the dimensions that can count (the profile is never scored)."""
    return [q for d in questionnaire.dimensions for q in d.questions if q.is_scored]


def dimension_of(questionnaire: Questionnaire, question_id: str) -> str:
    """The id of the dimension asking a question."""
    return next(
        d.id for d in questionnaire.dimensions if any(q.id == question_id for q in d.questions)
    )


def influencing(questionnaire: Questionnaire) -> set[str]:
    """Ids of questions whose answers can show or hide a scored question (directly or not)."""
    depends_on = {
        q.id: {ref.question for ref in q.show_if.references(())} if q.show_if else set()
        for q in questionnaire.questions
    }
    found: set[str] = set()
    pending = [q.id for q in scored_questions(questionnaire)]
    while pending:
        for dependency in depends_on[pending.pop()]:
            if dependency not in found:
                found.add(dependency)
                pending.append(dependency)
    return found


def check_bounds(result: AssessmentResult) -> None:
    """Every question, dimension and overall score lies in [0, 100] and has a level."""
    for dimension in result.dimensions:
        for question in dimension.questions:
            assert 0 <= question.score <= 100
            assert isinstance(question.score, Fraction)
        if dimension.score is not None:
            assert 0 <= dimension.score <= 100
            assert dimension.level is not None
    if result.overall is not None:
        assert 0 <= result.overall <= 100
        assert result.level == result.questionnaire.level_for(result.overall)


def check_overall_between(result: AssessmentResult) -> None:
    """The overall score lies between the lowest and highest counted dimension."""
    counted = [d.score for d in result.dimensions if d.score is not None and d.dimension.weight > 0]
    if counted:
        assert result.overall is not None
        assert min(counted) <= result.overall <= max(counted)
    else:
        assert result.overall is None


def check_better_choice(
    data: st.DataObject, questionnaire: Questionnaire, answers: Answers
) -> None:
    """Choosing a better-scored option of a single or scale question never scores lower."""
    steering = influencing(questionnaire)
    candidates = [
        q
        for q in scored_questions(questionnaire)
        if isinstance(q, SingleQuestion | ScaleQuestion) and q.id not in steering
    ]
    assume(candidates)
    question = data.draw(st.sampled_from(candidates))
    assert isinstance(question, SingleQuestion | ScaleQuestion)
    scored_choices = [c for c in question.choices if c.score_value is not None]
    worse, better = data.draw(
        st.lists(st.sampled_from(scored_choices), min_size=2, max_size=2, unique_by=score_of).map(
            lambda pair: sorted(pair, key=score_of)
        )
    )
    low = score_assessment(questionnaire, {**answers, question.id: worse.id})
    high = score_assessment(questionnaire, {**answers, question.id: better.id})
    dimension_id = dimension_of(questionnaire, question.id)
    low_score = low.dimension(dimension_id).score
    high_score = high.dimension(dimension_id).score
    if question.id in low.answers:
        assert low_score is not None and high_score is not None
        assert high_score > low_score
        if questionnaire.dimension_index[dimension_id].weight > 0:
            assert high.overall is not None and low.overall is not None
            assert high.overall > low.overall
        else:
            assert high.overall == low.overall
    else:
        assert high_score == low_score
        assert high.overall == low.overall


def score_of(option: Option) -> Fraction:
    """The exact score of a scored option."""
    assert option.score_value is not None
    return option.score_value


def check_more_options(data: st.DataObject, questionnaire: Questionnaire) -> None:
    """Ticking one more positively scored option never lowers a multi question's score."""
    multis = [q for q in scored_questions(questionnaire) if isinstance(q, MultiQuestion)]
    assume(multis)
    question = data.draw(st.sampled_from(multis))
    assert isinstance(question, MultiQuestion)
    others = [o for o in question.options if not o.exclusive]
    positive = [o.id for o in others if o.score_value is not None and o.score_value > 0]
    assume(positive)
    extra = data.draw(st.sampled_from(positive))
    base = data.draw(
        st.lists(st.sampled_from([o.id for o in others if o.id != extra]), unique=True)
    )
    before = question.score(question.read_answer(base)) if base else None
    after = question.score(question.read_answer([*base, extra]))
    assert after is not None
    if before is not None:
        assert after >= before
        assert after > before or before == 100


def check_order_and_repetition(
    data: st.DataObject, questionnaire: Questionnaire, answers: Answers
) -> None:
    """Scoring twice, or with the answers in another order, gives the same result."""
    shuffled = dict(data.draw(st.permutations(list(answers.items()))))
    first = score_assessment(questionnaire, answers)
    again = score_assessment(questionnaire, answers)
    reordered = score_assessment(questionnaire, shuffled)
    assert first == again == reordered
    assert first.to_json() == reordered.to_json()
    assert list(first.answers) == list(reordered.answers)
    order = [q.id for q in questionnaire.questions]
    assert list(first.answers) == [q for q in order if q in first.answers]


def check_hidden_answers_ignored(
    data: st.DataObject, questionnaire: Questionnaire, answers: Answers
) -> None:
    """Answers to questions that are hidden change nothing in the result."""
    hidden = hidden_questions(questionnaire, answers)
    assume(hidden)
    index = questionnaire.question_index
    extra = {
        question_id: data.draw(raw_answer(index[question_id], blank_text=False))
        for question_id in hidden
    }
    extra_answers, problems = read_answers(questionnaire, extra)
    assert problems == []
    assert set(extra_answers) == set(hidden)
    original = score_assessment(questionnaire, answers)
    with_hidden = score_assessment(questionnaire, {**answers, **extra_answers})
    assert with_hidden == original
    assert with_hidden.to_json() == original.to_json()
    assert hidden_questions(questionnaire, {**answers, **extra_answers}) == hidden


# --- on the sample ----------------------------------------------------------------------------


@PROPERTY
@given(data=st.data())
def test_sample_scores_stay_in_range(sample: Questionnaire, data: st.DataObject) -> None:
    """Whatever a company answers, every score shown is between 0 and 100."""
    result = score_assessment(sample, draw_answers(data, sample))
    check_bounds(result)
    check_overall_between(result)


@PROPERTY
@given(data=st.data())
def test_sample_better_answer_never_scores_lower(
    sample: Questionnaire, data: st.DataObject
) -> None:
    """A better answer to a single or scale question raises its dimension, a worse one lowers it."""
    check_better_choice(data, sample, draw_answers(data, sample))


@PROPERTY
@given(data=st.data())
def test_sample_more_ticks_never_score_lower(sample: Questionnaire, data: st.DataObject) -> None:
    """Ticking another positively scored option never lowers a checkbox question's score."""
    check_more_options(data, sample)


@PROPERTY
@given(data=st.data())
def test_sample_scoring_is_deterministic(sample: Questionnaire, data: st.DataObject) -> None:
    """The result depends only on the answers, not on their order or on earlier runs."""
    check_order_and_repetition(data, sample, draw_answers(data, sample))


@PROPERTY
@given(data=st.data())
def test_sample_hidden_answers_change_nothing(sample: Questionnaire, data: st.DataObject) -> None:
    """Answers left behind on questions that became hidden do not count."""
    check_hidden_answers_ignored(data, sample, draw_answers(data, sample))


def test_sample_answer_strategy_covers_every_type(sample: Questionnaire) -> None:
    """The sample uses every question type, so the properties above exercise them all."""
    kinds = {type(q) for q in sample.questions}
    assert kinds >= {
        SingleQuestion,
        ScaleQuestion,
        MultiQuestion,
        MatrixQuestion,
        NumberQuestion,
        TextQuestion,
    }
    assert hidden_questions(sample, {})


# --- on generated questionnaires --------------------------------------------------------------

SECTORS = ["a", "b", "c"]
PROFILE = [{"id": "sector", "type": "single", "options": [{"id": s} for s in SECTORS]}]
WEIGHTS = st.sampled_from([0, 0.5, 1, 2])
SCORES = st.integers(-5, 10)


@st.composite
def option_scores(draw: st.DrawFn, count: int) -> list[int]:
    """``count`` option scores of which at least two differ."""
    scores = draw(st.lists(SCORES, min_size=count, max_size=count))
    if len(set(scores)) < 2:
        scores[draw(st.integers(0, count - 1))] += draw(st.sampled_from([-3, -1, 1, 4]))
    return scores


@st.composite
def single_questions(draw: st.DrawFn, question_id: str) -> dict[str, Any]:
    """A single choice, possibly with negative scores and a "not applicable" option."""
    options: list[dict[str, Any]] = [
        {"id": f"o{i}", "score": score}
        for i, score in enumerate(draw(option_scores(draw(st.integers(2, 5)))))
    ]
    if draw(st.booleans()):
        options.insert(draw(st.integers(0, len(options))), {"id": "na", "score": None})
    return {"id": question_id, "type": "single", "weight": draw(WEIGHTS), "options": options}


@st.composite
def scale_questions(draw: st.DrawFn, question_id: str) -> dict[str, Any]:
    """A scale of 2 to 11 points starting anywhere from -3 to 3."""
    low = draw(st.integers(-3, 3))
    question = {
        "id": question_id,
        "type": "scale",
        "weight": draw(WEIGHTS),
        "min": low,
        "max": low + draw(st.integers(1, 10)),
    }
    if draw(st.booleans()):
        question["options"] = [{"id": "unknown", "score": None}]
    return question


@st.composite
def multi_questions(draw: st.DrawFn, question_id: str) -> dict[str, Any]:
    """Checkboxes with negative and positive scores, maybe "none of these" and max_score."""
    scores = draw(st.lists(st.integers(-3, 5), min_size=2, max_size=5))
    if not any(score > 0 for score in scores):
        scores[draw(st.integers(0, len(scores) - 1))] = draw(st.integers(1, 5))
    options: list[dict[str, Any]] = [
        {"id": f"o{i}", "score": score} for i, score in enumerate(scores)
    ]
    if draw(st.booleans()):
        options.append({"id": "na", "score": None})
    if draw(st.booleans()):
        options.append({"id": "none", "score": 0, "exclusive": True})
    question = {"id": question_id, "type": "multi", "weight": draw(WEIGHTS), "options": options}
    if draw(st.booleans()):
        question["max_score"] = draw(st.integers(1, sum(s for s in scores if s > 0)))
    return question


@st.composite
def matrix_questions(draw: st.DrawFn, question_id: str) -> dict[str, Any]:
    """Rows of any weight (at least one above 0) on options that may include a null column."""
    weights = draw(st.lists(WEIGHTS, min_size=1, max_size=4))
    if not any(weights):
        weights[draw(st.integers(0, len(weights) - 1))] = 1
    options: list[dict[str, Any]] = [
        {"id": f"o{i}", "score": score}
        for i, score in enumerate(draw(option_scores(draw(st.integers(2, 4)))))
    ]
    if draw(st.booleans()):
        options.append({"id": "na", "score": None})
    return {
        "id": question_id,
        "type": "matrix",
        "weight": draw(WEIGHTS),
        "rows": [{"id": f"r{i}", "weight": weight} for i, weight in enumerate(weights)],
        "options": options,
    }


@st.composite
def number_questions(draw: st.DrawFn, question_id: str) -> dict[str, Any]:
    """Bands ascending by min (halves allowed), with or without explicit min and max."""
    starts = draw(st.lists(st.integers(-20, 200), min_size=2, max_size=4, unique=True))
    mins = sorted(start / 2 for start in starts)
    scores = draw(option_scores(len(mins)))
    question: dict[str, Any] = {
        "id": question_id,
        "type": "number",
        "weight": draw(WEIGHTS),
        "bands": [{"min": m, "score": s} for m, s in zip(mins, scores, strict=True)],
    }
    if draw(st.booleans()):
        question["min"] = mins[0]
    if draw(st.booleans()):
        question["max"] = mins[-1] + draw(st.integers(0, 100))
    return question


@st.composite
def text_questions(draw: st.DrawFn, question_id: str) -> dict[str, Any]:
    """Free text, never scored."""
    return {"id": question_id, "type": "text", "max_length": draw(st.integers(1, 40))}


QUESTION_KINDS = {
    "single": single_questions,
    "scale": scale_questions,
    "multi": multi_questions,
    "matrix": matrix_questions,
    "number": number_questions,
    "text": text_questions,
}


def condition_values(question: dict[str, Any]) -> list[Any] | None:
    """The values an `in` condition on this question may name, or None."""
    if question["type"] == "scale":
        return list(range(question["min"], question["max"] + 1))
    if question["type"] in ("single", "multi"):
        return [option["id"] for option in question["options"]]
    return None


@st.composite
def conditions(draw: st.DrawFn, earlier: list[dict[str, Any]]) -> dict[str, Any]:
    """A condition on one earlier question: `in`, or `answered`, maybe negated."""
    target = draw(st.sampled_from(earlier))
    values = condition_values(target)
    if values is None:
        condition: dict[str, Any] = {"question": target["id"], "answered": draw(st.booleans())}
    else:
        chosen = draw(st.lists(st.sampled_from(values), min_size=1, unique=True))
        condition = {"question": target["id"], "in": chosen}
    return {"not": condition} if draw(st.booleans()) else condition


@st.composite
def dimension_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to three dimensions of one to four questions of any type, some of them conditional."""
    earlier: list[dict[str, Any]] = list(PROFILE)
    dimensions = []
    for d in range(draw(st.integers(1, 3))):
        questions = []
        for i in range(draw(st.integers(1, 4))):
            # the first question is a choice, so most questionnaires have one to switch
            kinds = ["single", "scale"] if d == i == 0 else sorted(QUESTION_KINDS)
            kind = draw(st.sampled_from(kinds))
            question = draw(QUESTION_KINDS[kind](f"q{d}-{i}"))
            if draw(st.integers(0, 2)) == 0:
                question["show_if"] = draw(conditions(earlier))
            questions.append(question)
            earlier.append(question)
        dimensions.append({"id": f"d{d}", "weight": draw(WEIGHTS), "questions": questions})
    return dimensions


@pytest.fixture(scope="session")
def generated(
    build_questionnaire_once: QuestionnaireFactory,
) -> st.SearchStrategy[Questionnaire]:
    """A strategy of questionnaires generated, written as YAML and loaded."""
    return dimension_lists().map(
        lambda dimensions: build_questionnaire_once(dimensions=dimensions, profile=PROFILE)
    )


@PROPERTY
@given(data=st.data())
def test_generated_scores_stay_in_range(
    generated: st.SearchStrategy[Questionnaire], data: st.DataObject
) -> None:
    """With any scores, weights and conditions, every score is in [0, 100], overall in between."""
    questionnaire = data.draw(generated)
    result = score_assessment(questionnaire, draw_answers(data, questionnaire))
    check_bounds(result)
    check_overall_between(result)


@PROPERTY
@given(data=st.data())
def test_generated_better_answer_never_scores_lower(
    generated: st.SearchStrategy[Questionnaire], data: st.DataObject
) -> None:
    """Also with negative scores and offsets, a better choice raises the dimension's score."""
    questionnaire = data.draw(generated)
    check_better_choice(data, questionnaire, draw_answers(data, questionnaire))


@PROPERTY
@given(data=st.data())
def test_generated_more_ticks_never_score_lower(
    build_questionnaire_once: QuestionnaireFactory, data: st.DataObject
) -> None:
    """Also with negative options and max_score, another positive tick never lowers the score."""
    question = {**data.draw(multi_questions("m")), "weight": 1}
    check_more_options(data, build_questionnaire_once([question]))


@PROPERTY
@given(data=st.data())
def test_generated_scoring_is_deterministic(
    generated: st.SearchStrategy[Questionnaire], data: st.DataObject
) -> None:
    """The result depends only on the answers, not on their order."""
    questionnaire = data.draw(generated)
    check_order_and_repetition(data, questionnaire, draw_answers(data, questionnaire))


@PROPERTY
@given(data=st.data())
def test_generated_hidden_answers_change_nothing(
    generated: st.SearchStrategy[Questionnaire], data: st.DataObject
) -> None:
    """Answers to hidden questions, at any depth of conditions, do not count."""
    questionnaire = data.draw(generated)
    check_hidden_answers_ignored(data, questionnaire, draw_answers(data, questionnaire))
