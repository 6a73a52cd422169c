"""The sample's advice fits the answers: a conditioned recommendation never contradicts them,
and every dimension still gives advice at every level."""

from __future__ import annotations

from typing import Any

import pytest

from assessment.questionnaire import Questionnaire, load_questionnaire
from assessment.questionnaire.advice import match_recommendations
from assessment.questionnaire.scoring import read_answers, score_assessment

from ..conftest import SAMPLE

POOR_EQUIPMENT = dict.fromkeys(("internet", "geraete", "wlan", "fernzugriff"), "unzureichend")
#: A firm weak in IT security overall: no plan for incidents, poor equipment, slow internet.
WEAK_IT = {"it_notfall": "nein", "it_ausstattung": POOR_EQUIPMENT, "it_bandbreite": 16}


def matched(questionnaire: Questionnaire, answers: dict[str, Any]) -> tuple[list[str], str]:
    """The ids of the IT dimension's matched recommendations, and the dimension's level."""
    read, problems = read_answers(questionnaire, answers)
    assert problems == []
    result = score_assessment(questionnaire, read)
    level = result.dimension("it-sicherheit").level
    assert level is not None
    found = [m.recommendation.id for m in match_recommendations(result)]
    return [found_id for found_id in found if found_id], level.id


@pytest.fixture(scope="module")
def sample() -> Questionnaire:
    """The sample questionnaire."""
    return load_questionnaire(SAMPLE)


@pytest.mark.parametrize(
    ("recommendation", "level", "contradicting", "fitting"),
    [
        pytest.param(
            "it-schutz-sofort",
            "einsteiger",
            {"it_massnahmen": ["zwei-faktor", "updates"], "it_backup": "ausser-haus"},
            {"it_massnahmen": ["updates"], "it_backup": "ausser-haus"},
            id="safeguards-in-place",
        ),
        pytest.param(
            "it-notfallplan",
            "entdecker",
            {"it_massnahmen": ["virenschutz"], "it_backup": "getestet", "it_notfall": "geuebt"},
            {
                "it_massnahmen": ["virenschutz"],
                "it_backup": "getestet",
                "it_notfall": "notfallplan",
            },
            id="plan-rehearsed",
        ),
    ],
)
def test_advice_is_not_given_against_the_answers(
    sample: Questionnaire,
    recommendation: str,
    level: str,
    contradicting: dict[str, Any],
    fitting: dict[str, Any],
) -> None:
    """At the level the advice is written for, answers that already do what it says hide it;
    answers that do not show it."""
    shown, reached = matched(sample, {**WEAK_IT, **contradicting})
    assert reached == level and recommendation not in shown
    shown, reached = matched(sample, {**WEAK_IT, **fitting})
    assert reached == level and recommendation in shown


def test_every_dimension_gives_advice_at_every_level(sample: Questionnaire) -> None:
    """Whatever the answers, each dimension has a recommendation without a condition at each
    level: a firm is never left without advice."""
    for dimension in sample.dimensions:
        for level in sample.levels:
            unconditional = [
                r
                for r in dimension.recommendations
                if r.when is None
                and (
                    (r.levels is not None and level.id in r.levels)
                    or (r.max_score is not None and r.max_score >= level.min)
                )
            ]
            assert unconditional, (dimension.id, level.id)
