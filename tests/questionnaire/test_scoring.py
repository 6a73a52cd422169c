"""Scoring as DESIGN.md defines it, with expected values computed by hand as exact fractions."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import pytest

from assessment.questionnaire import Questionnaire
from assessment.questionnaire.conditions import hidden_questions, visible_answers
from assessment.questionnaire.scoring import (
    AssessmentResult,
    display_score,
    read_answers,
    score_assessment,
    weighted_mean,
)

from .conftest import QuestionnaireFactory


def assess(questionnaire: Questionnaire, raw: Mapping[str, Any]) -> AssessmentResult:
    """Read raw answers (which must all fit) and score them."""
    answers, problems = read_answers(questionnaire, raw)
    assert problems == []
    return score_assessment(questionnaire, answers)


def graded(question_id: str, *scores: int, **extra: Any) -> dict[str, Any]:
    """A single question whose options are named after their score: s0, s25, s100, ..."""
    options = [{"id": f"s{score}", "score": score} for score in scores]
    return {"id": question_id, "type": "single", "options": options, **extra}


def percent(question_id: str, **extra: Any) -> dict[str, Any]:
    """A single question scored 0-100 whose option p<N> scores exactly N."""
    scores = (0, 20, 24, 25, 40, 49, 50, 60, 74, 75, 100)
    options = [{"id": f"p{score}", "score": score} for score in scores]
    return {"id": question_id, "type": "single", "options": options, **extra}


# --- single and scale -------------------------------------------------------------------------

NEGATIVE_SINGLE = {
    "id": "q",
    "type": "single",
    "options": [
        {"id": "bad", "score": -2},
        {"id": "ok", "score": 1},
        {"id": "good", "score": 3},
        {"id": "dunno", "score": None},
    ],
}
OFFSET_SINGLE = {
    "id": "q",
    "type": "single",
    "options": [{"id": "two", "score": 2}, {"id": "four", "score": 4}, {"id": "seven", "score": 7}],
}
DECIMAL_SINGLE = {
    "id": "q",
    "type": "single",
    "options": [
        {"id": "none", "score": 0},
        {"id": "tenth", "score": 0.1},
        {"id": "most", "score": 0.3},
    ],
}


@pytest.mark.parametrize(
    ("question", "choice", "expected"),
    [
        # lo = -2, hi = 3 (the null option is ignored): (1 + 2) / 5 = 60 %
        (NEGATIVE_SINGLE, "bad", Fraction(0)),
        (NEGATIVE_SINGLE, "ok", Fraction(60)),
        (NEGATIVE_SINGLE, "good", Fraction(100)),
        # lo = 2, hi = 7: (4 - 2) / 5 = 40 %
        (OFFSET_SINGLE, "two", Fraction(0)),
        (OFFSET_SINGLE, "four", Fraction(40)),
        (OFFSET_SINGLE, "seven", Fraction(100)),
        # 0.1 / 0.3 is exactly one third, not 33.333333333333336
        (DECIMAL_SINGLE, "tenth", Fraction(100, 3)),
    ],
)
def test_single_scores_on_the_range_of_its_non_null_scores(
    build_questionnaire: QuestionnaireFactory,
    question: dict[str, Any],
    choice: str,
    expected: Fraction,
) -> None:
    """A single choice scores (v - lo) / (hi - lo) * 100, exactly, for question and dimension."""
    questionnaire = build_questionnaire([question])
    result = assess(questionnaire, {"q": choice})
    dimension = result.dimension("d")
    assert dimension.score == expected
    assert isinstance(dimension.score, Fraction)
    assert [(q.question_id, q.score) for q in dimension.questions] == [("q", expected)]


@pytest.mark.parametrize(
    ("low", "high", "raw", "expected"),
    [
        (1, 5, "1", Fraction(0)),
        (1, 5, "2", Fraction(25)),
        (1, 5, 4, Fraction(75)),
        (1, 5, "5", Fraction(100)),
        (-2, 2, "0", Fraction(50)),
        (-2, 2, "-1", Fraction(25)),
        (0, 10, "7", Fraction(70)),
        (0, 10, 3.0, Fraction(30)),
        (1, 3, " 2 ", Fraction(50)),
    ],
)
def test_scale_scores_the_point(
    build_questionnaire: QuestionnaireFactory, low: int, high: int, raw: Any, expected: Fraction
) -> None:
    """A scale answer scores (point - min) / (max - min) * 100, given as text or number."""
    questionnaire = build_questionnaire([{"id": "q", "type": "scale", "min": low, "max": high}])
    assert assess(questionnaire, {"q": raw}).dimension("d").score == expected


def test_scale_answers_are_point_ids(build_questionnaire: QuestionnaireFactory) -> None:
    """A scale point is stored as its id ("3") however it was sent; extra options by their id."""
    questionnaire = build_questionnaire(
        [
            {
                "id": "q",
                "type": "scale",
                "min": 1,
                "max": 5,
                "options": [{"id": "unbekannt", "score": None}],
            }
        ]
    )
    answers, problems = read_answers(questionnaire, {"q": 3})
    assert (answers, problems) == ({"q": "3"}, [])
    assert read_answers(questionnaire, {"q": "unbekannt"}) == ({"q": "unbekannt"}, [])


def test_scale_extra_option_is_not_scored(build_questionnaire: QuestionnaireFactory) -> None:
    """A "don't know" on a scale leaves the question out of its dimension's score."""
    questionnaire = build_questionnaire(
        [
            {
                "id": "q",
                "type": "scale",
                "min": 1,
                "max": 5,
                "options": [{"id": "unbekannt", "score": None}],
            },
            graded("other", 0, 1, 4),
        ]
    )
    result = assess(questionnaire, {"q": "unbekannt", "other": "s1"})
    assert result.dimension("d").score == Fraction(25)
    assert [q.question_id for q in result.dimension("d").questions] == ["other"]
    alone = assess(questionnaire, {"q": "unbekannt"})
    assert alone.dimension("d").score is None
    assert alone.overall is None


# --- multi ------------------------------------------------------------------------------------

NEGATIVE_MULTI = {
    "id": "m",
    "type": "multi",
    "options": [
        {"id": "a", "score": 2},
        {"id": "b", "score": 1},
        {"id": "c", "score": -1},
        {"id": "d", "score": -2},
        {"id": "unsure", "score": None},
        {"id": "keine", "score": 0, "exclusive": True},
    ],
}


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        # lo = min(0, -1 - 2) = -3, hi = 2 + 1 = 3, so s = (v + 3) / 6
        (["a"], Fraction(250, 3)),
        (["a", "b"], Fraction(100)),
        (["a", "c"], Fraction(200, 3)),
        (["c", "a"], Fraction(200, 3)),
        (["b", "d"], Fraction(100, 3)),
        (["c", "d"], Fraction(0)),
        (["a", "b", "c", "d"], Fraction(50)),
        (["a", "unsure"], Fraction(250, 3)),
        (["keine"], Fraction(50)),
    ],
)
def test_multi_sums_chosen_scores_with_negatives(
    build_questionnaire: QuestionnaireFactory, choices: list[str], expected: Fraction
) -> None:
    """Several choices score the sum of their scores on the scale from the negatives to 100."""
    questionnaire = build_questionnaire([NEGATIVE_MULTI])
    assert assess(questionnaire, {"m": choices}).dimension("d").score == expected


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        (["a"], Fraction(50)),
        (["b"], Fraction(25)),
        (["a", "b"], Fraction(75)),
        (["a", "c"], Fraction(100)),
        (["a", "b", "c"], Fraction(100)),
        (["keine"], Fraction(0)),
    ],
)
def test_multi_max_score_reaches_100_early_and_clamps(
    build_questionnaire: QuestionnaireFactory, choices: list[str], expected: Fraction
) -> None:
    """With max_score 4, choices worth 4 or more (here up to 5) all score 100."""
    questionnaire = build_questionnaire(
        [
            {
                "id": "m",
                "type": "multi",
                "max_score": 4,
                "options": [
                    {"id": "a", "score": 2},
                    {"id": "b", "score": 1},
                    {"id": "c", "score": 2},
                    {"id": "keine", "score": 0, "exclusive": True},
                ],
            }
        ]
    )
    assert assess(questionnaire, {"m": choices}).dimension("d").score == expected


def test_multi_with_only_null_options_is_not_scored(
    build_questionnaire: QuestionnaireFactory,
) -> None:
    """Choosing only options without a score leaves the question unscored."""
    questionnaire = build_questionnaire([NEGATIVE_MULTI])
    result = assess(questionnaire, {"m": ["unsure"]})
    assert result.answers == {"m": ("unsure",)}
    assert result.dimension("d").score is None


def test_multi_answer_is_kept_in_option_order(build_questionnaire: QuestionnaireFactory) -> None:
    """Multi answers are stored as a tuple in the order of the options; [] means unanswered."""
    questionnaire = build_questionnaire([NEGATIVE_MULTI])
    assert read_answers(questionnaire, {"m": ["d", "a", "b"]}) == ({"m": ("a", "b", "d")}, [])
    assert read_answers(questionnaire, {"m": []}) == ({}, [])


def test_exclusive_option_cannot_be_combined(build_questionnaire: QuestionnaireFactory) -> None:
    """Choosing "none of these" with another option is refused; alone it is accepted."""
    questionnaire = build_questionnaire([NEGATIVE_MULTI])
    answers, problems = read_answers(questionnaire, {"m": ["a", "keine"]})
    assert answers == {}
    assert [(p.question_id, p.code) for p in problems] == [("m", "exclusive")]
    assert "keine" in problems[0].message
    assert read_answers(questionnaire, {"m": ["keine"]}) == ({"m": ("keine",)}, [])


# --- matrix -----------------------------------------------------------------------------------

MATRIX = {
    "id": "x",
    "type": "matrix",
    "rows": [
        {"id": "r1"},
        {"id": "r2", "weight": 2},
        {"id": "r3", "weight": 0},
        {"id": "r4", "weight": 0.5},
    ],
    "options": [
        {"id": "nein", "score": 0},
        {"id": "teils", "score": 1},
        {"id": "ja", "score": 2},
        {"id": "na", "score": None},
    ],
}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        # (100 * 1 + 50 * 2) / 3; r3 has weight 0, r4 is "not applicable"
        ({"r1": "ja", "r2": "teils", "r3": "nein", "r4": "na"}, Fraction(200, 3)),
        # (0 * 1 + 100 * 2 + 100 * 0.5) / 3.5
        ({"r1": "nein", "r2": "ja", "r4": "ja"}, Fraction(500, 7)),
        ({"r4": "teils"}, Fraction(50)),
        ({"r1": "na", "r3": "ja"}, None),
        ({"r3": "ja"}, None),
    ],
)
def test_matrix_is_the_row_weighted_mean(
    build_questionnaire: QuestionnaireFactory, answer: dict[str, str], expected: Fraction | None
) -> None:
    """Rows score like a single choice; null columns and weight-0 rows are left out."""
    questionnaire = build_questionnaire([MATRIX])
    assert assess(questionnaire, {"x": answer}).dimension("d").score == expected


def test_matrix_on_offset_scores(build_questionnaire: QuestionnaireFactory) -> None:
    """Matrix rows use lo and hi of the shared options, which need not start at 0."""
    questionnaire = build_questionnaire(
        [
            {
                "id": "x",
                "type": "matrix",
                "rows": [{"id": "r1"}, {"id": "r2"}],
                "options": [
                    {"id": "o1", "score": 1},
                    {"id": "o2", "score": 2},
                    {"id": "o5", "score": 5},
                ],
            }
        ]
    )
    result = assess(questionnaire, {"x": {"r1": "o2", "r2": "o5"}})
    # r1: (2 - 1) / 4 = 25 %, r2: 100 %
    assert result.dimension("d").score == Fraction(125, 2)


def test_matrix_answer_and_completeness(build_questionnaire: QuestionnaireFactory) -> None:
    """A matrix answer is a mapping row -> option in row order; complete when every row is."""
    questionnaire = build_questionnaire([MATRIX])
    question = questionnaire.question_index["x"]
    answer = question.read_answer({"r4": "ja", "r1": "nein", "r2": ""})
    assert list(answer.items()) == [("r1", "nein"), ("r4", "ja")]
    assert not question.is_complete(answer)
    full = question.read_answer({"r1": "ja", "r2": "ja", "r3": "ja", "r4": "na"})
    assert question.is_complete(full)
    assert question.read_answer({"r1": ""}) is None


# --- number -----------------------------------------------------------------------------------

BANDED = {
    "id": "n",
    "type": "number",
    "bands": [{"min": 0, "score": 0}, {"min": 10, "score": 1}, {"min": 50, "score": 3}],
}
UNORDERED_SCORES = {
    "id": "n",
    "type": "number",
    "min": 0,
    "max": 20,
    "bands": [{"min": 0, "score": 2}, {"min": 5, "score": 0}, {"min": 10, "score": 1}],
}
DECIMAL_BANDS = {
    "id": "n",
    "type": "number",
    "min": 0,
    "max": 100,
    "bands": [
        {"min": 0, "score": 0},
        {"min": 0.5, "score": 1},
        {"min": 1.5, "score": 2},
        {"min": 3, "score": 3},
    ],
}


@pytest.mark.parametrize(
    ("question", "raw", "expected"),
    [
        (BANDED, 0, Fraction(0)),
        (BANDED, 9.99, Fraction(0)),
        (BANDED, 10, Fraction(100, 3)),
        (BANDED, "10", Fraction(100, 3)),
        (BANDED, 49.5, Fraction(100, 3)),
        (BANDED, 50, Fraction(100)),
        (BANDED, 10**6, Fraction(100)),
        (UNORDERED_SCORES, 0, Fraction(100)),
        (UNORDERED_SCORES, 7, Fraction(0)),
        (UNORDERED_SCORES, 20, Fraction(50)),
        (DECIMAL_BANDS, 0.49, Fraction(0)),
        (DECIMAL_BANDS, 0.5, Fraction(100, 3)),
        (DECIMAL_BANDS, "1,5", Fraction(200, 3)),
        (DECIMAL_BANDS, "1,49", Fraction(100, 3)),
        (DECIMAL_BANDS, "3", Fraction(100)),
    ],
)
def test_number_scores_the_band_with_the_largest_min_not_above_the_answer(
    build_questionnaire: QuestionnaireFactory,
    question: dict[str, Any],
    raw: Any,
    expected: Fraction,
) -> None:
    """A number scores its band like a single choice; a boundary answer is in the upper band."""
    questionnaire = build_questionnaire([question])
    assert assess(questionnaire, {"n": raw}).dimension("d").score == expected


def test_number_below_the_first_band_is_refused(build_questionnaire: QuestionnaireFactory) -> None:
    """Without min, the first band's min is the smallest answer allowed."""
    questionnaire = build_questionnaire([BANDED])
    answers, problems = read_answers(questionnaire, {"n": -0.5})
    assert answers == {}
    assert [(p.question_id, p.code) for p in problems] == [("n", "too_small")]


def test_number_without_bands_is_not_scored(build_questionnaire: QuestionnaireFactory) -> None:
    """A number question without bands is asked and stored but never scored."""
    questionnaire = build_questionnaire(
        [{"id": "n", "type": "number", "min": 0}, graded("q", 0, 1, 2)]
    )
    assert not questionnaire.question_index["n"].is_scored
    result = assess(questionnaire, {"n": 12, "q": "s2"})
    assert result.answers == {"n": 12, "q": "s2"}
    assert result.dimension("d").score == Fraction(100)
    assert assess(questionnaire, {"n": 12}).dimension("d").score is None


# --- text, N/A --------------------------------------------------------------------------------


def test_text_is_never_scored(build_questionnaire: QuestionnaireFactory) -> None:
    """A free-text answer is kept but changes no score; a text-only dimension is not assessed."""
    questionnaire = build_questionnaire(
        dimensions=[
            {"id": "a", "questions": [graded("q", 0, 1, 4), {"id": "t", "type": "text"}]},
            {"id": "b", "questions": [{"id": "u", "type": "text"}]},
        ]
    )
    assert not questionnaire.question_index["t"].is_scored
    result = assess(questionnaire, {"q": "s1", "t": "Mehr Digitalisierung", "u": "Notizen"})
    assert result.answers["t"] == "Mehr Digitalisierung"
    assert result.dimension("a").score == Fraction(25)
    assert [q.question_id for q in result.dimension("a").questions] == ["q"]
    assert result.dimension("b").score is None
    assert result.overall == Fraction(25)


def test_not_applicable_answers_are_left_out(build_questionnaire: QuestionnaireFactory) -> None:
    """An answer whose score is null counts neither for nor against the dimension."""
    questionnaire = build_questionnaire(
        [
            {
                "id": "q1",
                "type": "single",
                "options": [
                    {"id": "nein", "score": 0},
                    {"id": "ja", "score": 1},
                    {"id": "weiss-nicht", "score": None},
                ],
            },
            graded("q2", 0, 1, 4),
        ]
    )
    result = assess(questionnaire, {"q1": "weiss-nicht", "q2": "s1"})
    assert result.dimension("d").score == Fraction(25)
    assert [q.question_id for q in result.dimension("d").questions] == ["q2"]
    assert assess(questionnaire, {"q1": "weiss-nicht"}).dimension("d").score is None


# --- conditions -------------------------------------------------------------------------------


def test_hidden_question_in_the_same_dimension_is_dropped(
    build_questionnaire: QuestionnaireFactory,
) -> None:
    """A follow-up question hidden by an earlier answer is neither scored nor kept."""
    questionnaire = build_questionnaire(
        [
            graded("gate", 0, 1),
            graded("follow", 0, 1, show_if={"question": "gate", "in": ["s1"]}),
        ]
    )
    hidden = assess(questionnaire, {"gate": "s0", "follow": "s1"})
    assert hidden.answers == {"gate": "s0"}
    assert hidden.dimension("d").score == Fraction(0)
    assert hidden_questions(questionnaire, {"gate": "s0", "follow": "s1"}) == ["follow"]

    shown = assess(questionnaire, {"gate": "s1", "follow": "s0"})
    assert shown.answers == {"gate": "s1", "follow": "s0"}
    assert shown.dimension("d").score == Fraction(50)
    assert hidden_questions(questionnaire, {"gate": "s1"}) == []


def test_question_hidden_by_a_profile_answer(build_questionnaire: QuestionnaireFactory) -> None:
    """A question shown only to some sectors is not scored for other or unknown sectors."""
    questionnaire = build_questionnaire(
        [
            graded("base", 0, 1, 2),
            graded("machines", 0, 1, show_if={"question": "sector", "in": ["produktion"]}),
        ],
        profile=[
            {
                "id": "sector",
                "type": "single",
                "options": [{"id": "produktion"}, {"id": "handel"}],
            }
        ],
    )
    answers = {"base": "s2", "machines": "s0"}
    assert assess(questionnaire, {**answers, "sector": "produktion"}).overall == Fraction(50)
    trade = assess(questionnaire, {**answers, "sector": "handel"})
    assert trade.overall == Fraction(100)
    assert "machines" not in trade.answers
    assert assess(questionnaire, answers).overall == Fraction(100)


PROFILE_FOR_CONDITIONS = [
    {"id": "p", "type": "single", "options": [{"id": "x"}, {"id": "y"}, {"id": "z"}]},
    {"id": "m", "type": "multi", "options": [{"id": "u"}, {"id": "v"}, {"id": "w"}]},
    {"id": "s", "type": "scale", "min": 1, "max": 5},
]
IN_X = {"question": "p", "in": ["x"]}
M_HAS_U = {"question": "m", "in": ["u"]}


@pytest.mark.parametrize(
    ("condition", "answers", "shown"),
    [
        ({"question": "p", "in": ["x", "y"]}, {"p": "y"}, True),
        ({"question": "p", "in": ["x", "y"]}, {"p": "z"}, False),
        ({"question": "p", "in": ["x", "y"]}, {}, False),
        (M_HAS_U, {"m": ["u", "v"]}, True),
        (M_HAS_U, {"m": ["v", "w"]}, False),
        ({"question": "s", "in": [4, 5]}, {"s": "5"}, True),
        ({"question": "s", "in": [4, 5]}, {"s": 3}, False),
        ({"question": "p", "answered": True}, {"p": "z"}, True),
        ({"question": "p", "answered": True}, {}, False),
        ({"question": "p", "answered": False}, {}, True),
        ({"question": "p", "answered": False}, {"p": "x"}, False),
        ({"not": IN_X}, {"p": "x"}, False),
        ({"not": IN_X}, {"p": "y"}, True),
        ({"not": IN_X}, {}, True),
        ({"all": [IN_X, M_HAS_U]}, {"p": "x", "m": ["u"]}, True),
        ({"all": [IN_X, M_HAS_U]}, {"p": "x", "m": ["v"]}, False),
        ({"any": [IN_X, M_HAS_U]}, {"p": "y", "m": ["u"]}, True),
        ({"any": [IN_X, M_HAS_U]}, {"p": "y", "m": ["v"]}, False),
        (
            {
                "not": {
                    "any": [IN_X, {"all": [M_HAS_U, {"not": {"question": "s", "answered": True}}]}]
                }
            },
            {"p": "y", "m": ["u"]},
            False,
        ),
    ],
)
def test_conditions_decide_what_is_scored(
    build_questionnaire: QuestionnaireFactory,
    condition: dict[str, Any],
    answers: dict[str, Any],
    shown: bool,
) -> None:
    """in / answered / not / all / any decide whether the question is asked and scored."""
    questionnaire = build_questionnaire(
        [graded("base", 0, 1), graded("t", 0, 1, show_if=condition)],
        profile=PROFILE_FOR_CONDITIONS,
    )
    raw = {**answers, "base": "s0", "t": "s1"}
    normalised, problems = read_answers(questionnaire, raw)
    assert problems == []
    assert ("t" in hidden_questions(questionnaire, normalised)) is not shown
    assert ("t" in visible_answers(questionnaire, normalised)) is shown
    assert score_assessment(questionnaire, normalised).overall == (50 if shown else 0)


def test_hidden_question_hides_its_dependants(build_questionnaire: QuestionnaireFactory) -> None:
    """A question that depends on a hidden (discarded) answer is hidden as well."""
    questionnaire = build_questionnaire(
        [
            graded("gate", 0, 1),
            graded("second", 0, 1, show_if={"question": "gate", "in": ["s1"]}),
            graded("third", 0, 1, show_if={"question": "second", "answered": True}),
        ]
    )
    answers = {"gate": "s0", "second": "s1", "third": "s1"}
    assert hidden_questions(questionnaire, answers) == ["second", "third"]
    assert assess(questionnaire, answers).answers == {"gate": "s0"}


# --- weights ----------------------------------------------------------------------------------


def test_question_weights(build_questionnaire: QuestionnaireFactory) -> None:
    """Questions count by weight; a weight-0 question is asked but never counts."""
    questionnaire = build_questionnaire(
        [
            graded("heavy", 0, 1, weight=3),
            graded("light", 0, 1),
            graded("unscored", 0, 1, weight=0),
        ]
    )
    assert not questionnaire.question_index["unscored"].is_scored
    result = assess(questionnaire, {"heavy": "s1", "light": "s0", "unscored": "s0"})
    assert result.dimension("d").score == Fraction(75)
    assert [q.question_id for q in result.dimension("d").questions] == ["heavy", "light"]
    assert result.answers["unscored"] == "s0"
    only_unscored = assess(questionnaire, {"unscored": "s1"})
    assert only_unscored.dimension("d").score is None


def test_decimal_weights_are_exact(build_questionnaire: QuestionnaireFactory) -> None:
    """Weights 0.1 and 0.2 give exactly one third, not a rounded float."""
    questionnaire = build_questionnaire(
        [graded("a", 0, 1, weight=0.1), graded("b", 0, 1, weight=0.2)]
    )
    assert assess(questionnaire, {"a": "s1", "b": "s0"}).dimension("d").score == Fraction(100, 3)


def three_dimensions(weights: tuple[float, float, float]) -> list[dict[str, Any]]:
    """Dimensions a, b, c with one percent-scored question each (qa, qb, qc)."""
    return [
        {"id": name, "weight": weight, "questions": [percent(f"q{name}")]}
        for name, weight in zip("abc", weights, strict=True)
    ]


def test_dimension_weights(build_questionnaire: QuestionnaireFactory) -> None:
    """The overall score weighs dimensions; a weight-0 dimension is scored but not counted."""
    questionnaire = build_questionnaire(dimensions=three_dimensions((2, 1, 0)))
    result = assess(questionnaire, {"qa": "p100", "qb": "p25", "qc": "p0"})
    # (2 * 100 + 1 * 25) / 3
    assert result.overall == Fraction(75)
    assert result.level is not None and result.level.id == "vorreiter"
    assert result.dimension("c").score == Fraction(0)
    assert result.to_json()["dimensions"]["c"] == {"score": 0.0, "level": "einsteiger"}


def test_decimal_dimension_weights(build_questionnaire: QuestionnaireFactory) -> None:
    """A dimension of weight 1.5 counts one and a half times."""
    questionnaire = build_questionnaire(dimensions=three_dimensions((1.5, 1, 1)))
    result = assess(questionnaire, {"qa": "p100", "qb": "p0"})
    assert result.overall == Fraction(60)


def test_only_weight_zero_dimensions_give_no_overall(
    build_questionnaire: QuestionnaireFactory,
) -> None:
    """When only weight-0 dimensions are assessed there is no overall score or level."""
    questionnaire = build_questionnaire(dimensions=three_dimensions((2, 1, 0)))
    result = assess(questionnaire, {"qc": "p50"})
    assert result.overall is None
    assert result.level is None
    assert result.dimension("c").score == Fraction(50)
    assert result.to_json()["overall"] is None


def test_not_assessed_dimensions_are_left_out(build_questionnaire: QuestionnaireFactory) -> None:
    """An unanswered dimension is null in the JSON and does not pull the overall score down."""
    questionnaire = build_questionnaire(
        dimensions=three_dimensions((1, 1, 1)), version=3, id="pruefung"
    )
    result = assess(questionnaire, {"qa": "p40", "qc": "p60"})
    assert result.overall == Fraction(50)
    assert [d.dimension.id for d in result.assessed] == ["a", "c"]
    assert result.to_json() == {
        "questionnaire": "pruefung",
        "version": 3,
        "overall": {"score": 50.0, "level": "fortgeschritten"},
        "dimensions": {
            "a": {"score": 40.0, "level": "entdecker"},
            "b": None,
            "c": {"score": 60.0, "level": "fortgeschritten"},
        },
    }


def test_nothing_answered(build_questionnaire: QuestionnaireFactory) -> None:
    """An empty answer set assesses nothing."""
    questionnaire = build_questionnaire(dimensions=three_dimensions((1, 1, 1)))
    result = score_assessment(questionnaire, {})
    assert result.overall is None
    assert result.assessed == ()
    assert result.to_json()["dimensions"] == {"a": None, "b": None, "c": None}


# --- levels -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "level"),
    [
        ("p0", "einsteiger"),
        ("p24", "einsteiger"),
        ("p25", "entdecker"),
        ("p49", "entdecker"),
        ("p50", "fortgeschritten"),
        ("p74", "fortgeschritten"),
        ("p75", "vorreiter"),
        ("p100", "vorreiter"),
    ],
)
def test_level_boundaries(
    build_questionnaire: QuestionnaireFactory, choice: str, level: str
) -> None:
    """A score exactly at a level's min has that level; below it, the previous level."""
    questionnaire = build_questionnaire([percent("q")])
    result = assess(questionnaire, {"q": choice})
    dimension = result.dimension("d")
    assert dimension.level is not None and dimension.level.id == level
    assert result.level is not None and result.level.id == level


def test_level_just_below_a_boundary(build_questionnaire: QuestionnaireFactory) -> None:
    """24.99 is still a beginner; exactly 25 is an explorer."""
    questionnaire = build_questionnaire([graded("q", 0, 2499, 2500, 10000)])
    below = assess(questionnaire, {"q": "s2499"}).dimension("d")
    assert below.score == Fraction(2499, 100)
    assert below.level is not None and below.level.id == "einsteiger"
    at = assess(questionnaire, {"q": "s2500"}).dimension("d")
    assert at.level is not None and at.level.id == "entdecker"


def test_decimal_level_minimum(build_questionnaire: QuestionnaireFactory) -> None:
    """A level starting at 33.3 includes the score 33.3 exactly, and 100/3, but not 33.29."""
    questionnaire = build_questionnaire(
        [graded("q", 0, 3329, 3330, 10000), graded("third", 0, 1, 3)],
        levels=[
            {"id": "low", "min": 0, "label": "Low"},
            {"id": "mid", "min": 33.3, "label": "Mid"},
            {"id": "high", "min": 66.6, "label": "High"},
        ],
    )

    def level_of(raw: dict[str, str]) -> str:
        dimension = assess(questionnaire, raw).dimension("d")
        assert dimension.level is not None
        return dimension.level.id

    assert level_of({"q": "s3330"}) == "mid"
    assert level_of({"q": "s3329"}) == "low"
    assert level_of({"third": "s1"}) == "mid"


# --- display ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "shown"),
    [
        (Fraction(0), 0),
        (Fraction(49, 2), 25),
        (Fraction("24.4999"), 24),
        (Fraction(1, 2), 1),
        (Fraction(199, 2), 100),
        (Fraction(100, 3), 33),
        (Fraction(200, 3), 67),
        (Fraction(100), 100),
    ],
)
def test_display_score_rounds_half_up(score: Fraction, shown: int) -> None:
    """Pages show whole numbers, rounding .5 up (not to even)."""
    assert display_score(score) == shown
    assert isinstance(display_score(score), int)


def test_weighted_mean() -> None:
    """The weighted mean of (value, weight) pairs; nothing to weigh gives None."""
    assert weighted_mean([(Fraction(100), Fraction(1)), (Fraction(0), Fraction(3))]) == 25
    assert weighted_mean([]) is None
    assert weighted_mean([(Fraction(50), Fraction(0))]) is None


# --- reading answers --------------------------------------------------------------------------

ALL_TYPES = [
    graded("single", 0, 1),
    {"id": "scale", "type": "scale", "min": 1, "max": 5},
    NEGATIVE_MULTI,
    MATRIX,
    {"id": "number", "type": "number", "min": 0, "max": 100, "bands": BANDED["bands"]},
    {"id": "text", "type": "text", "max_length": 12},
]


@pytest.mark.parametrize(
    ("question_id", "raw", "code"),
    [
        ("nonsense", "s1", "unknown_question"),
        ("single", "s7", "not_an_option"),
        ("single", ["s1"], "wrong_type"),
        ("scale", "6", "not_a_point"),
        ("scale", 0, "not_a_point"),
        ("scale", "viel", "not_an_option"),
        ("m", ["a", "zzz"], "not_an_option"),
        ("m", ["a", "a"], "duplicate"),
        ("m", ["keine", "b"], "exclusive"),
        ("m", "a", "wrong_type"),
        ("x", {"r9": "ja"}, "unknown_row"),
        ("x", {"r1": "vielleicht"}, "not_an_option"),
        ("x", ["r1"], "wrong_type"),
        ("number", -1, "too_small"),
        ("number", "100,5", "too_large"),
        # JSON reads whole numbers of any size: 10**400 must be refused, not crash
        pytest.param("number", 10**400, "too_large", id="number-huge-int"),
        pytest.param("number", -(10**400), "too_small", id="number-huge-negative-int"),
        ("number", "zwölf", "not_a_number"),
        ("number", "1.000,5", "not_a_number"),
        # one thousand in German, one in English: refused rather than guessed
        ("number", "1.000", "ambiguous_number"),
        ("number", "2,500", "ambiguous_number"),
        ("number", True, "not_a_number"),
        ("number", [1], "not_a_number"),
        ("text", "x" * 13, "too_long"),
        ("text", 42, "wrong_type"),
    ],
)
def test_answers_that_do_not_fit(
    build_questionnaire: QuestionnaireFactory, question_id: str, raw: Any, code: str
) -> None:
    """An answer that does not fit its question is reported, and the other answers are kept."""
    questionnaire = build_questionnaire(ALL_TYPES)
    fitting = {
        key: value for key, value in {"single": "s1", "text": "ok"}.items() if key != question_id
    }
    answers, problems = read_answers(questionnaire, {**fitting, question_id: raw})
    assert answers == fitting
    assert [(p.question_id, p.code) for p in problems] == [(question_id, code)]
    assert problems[0].message


@pytest.mark.parametrize(
    ("question_id", "raw", "normalised"),
    [
        ("number", "12,5", 12.5),
        ("number", " 7 ", 7),
        ("number", "0,5", 0.5),
        ("number", "0.125", 0.125),
        ("number", "12.50", 12.5),
        ("number", 3.0, 3),
        ("number", 100, 100),
        ("text", "  genau zwölf!  ", "genau zwölf!"),
        ("text", "a\r\nb", "a\nb"),
        ("x", {"r2": "ja", "r1": "nein"}, {"r1": "nein", "r2": "ja"}),
    ],
)
def test_answers_that_fit(
    build_questionnaire: QuestionnaireFactory, question_id: str, raw: Any, normalised: Any
) -> None:
    """Answers are normalised: decimal commas, surrounding blanks, line breaks, row order."""
    questionnaire = build_questionnaire(ALL_TYPES)
    assert read_answers(questionnaire, {question_id: raw}) == ({question_id: normalised}, [])


@pytest.mark.parametrize("blank", [None, "", "   ", [], {}])
def test_blank_answers_mean_unanswered(
    build_questionnaire: QuestionnaireFactory, blank: Any
) -> None:
    """An empty value is no answer: not stored and not a problem, for every type."""
    questionnaire = build_questionnaire(ALL_TYPES)
    raw = {q.id: blank for q in questionnaire.questions}
    assert read_answers(questionnaire, raw) == ({}, [])
