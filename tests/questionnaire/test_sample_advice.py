"""The sample's advice fits the answers: a conditioned recommendation never contradicts them,
and every dimension still gives advice at every level.

Each case below is walked over many firms (sample answers from the lowest to the highest
maturity) with the case's answers laid over them: answers that contradict the advice hide it from
every firm, including firms at the level the advice is written for; answers that fit it show it to
every firm at that level."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any

import pytest

from assessment.questionnaire import Questionnaire, load_questionnaire
from assessment.questionnaire.advice import match_recommendations
from assessment.questionnaire.models import Dimension, Recommendation
from assessment.questionnaire.scoring import read_answers, score_assessment

from ..conftest import SAMPLE

#: The maturity of the sample firms the cases are laid over, from 0 to 1.
MATURITIES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
#: Sample firms per maturity.
SEEDS = range(3)


@dataclass(frozen=True)
class Firm:
    """What one firm was shown: the recommendation ids and each dimension's level."""

    shown: frozenset[str]
    levels: dict[str, str]


@pytest.fixture(scope="module")
def sample() -> Questionnaire:
    """The sample questionnaire."""
    return load_questionnaire(SAMPLE)


@pytest.fixture(scope="module")
def firms(sample: Questionnaire) -> list[dict[str, Any]]:
    """Raw answers of sample firms across every maturity: every question answered."""
    answer_sets = []
    for maturity in MATURITIES:
        for seed in SEEDS:
            rng = Random(f"{maturity}-{seed}")
            answer_sets.append(
                {q.id: q.demo_answer(maturity, rng, ["Text"]) for q in sample.questions}
            )
    return answer_sets


def outcome(questionnaire: Questionnaire, answers: dict[str, Any]) -> Firm:
    """The recommendations shown for these raw answers, and the levels reached."""
    read, problems = read_answers(questionnaire, answers)
    assert problems == []
    result = score_assessment(questionnaire, read)
    shown = frozenset(m.recommendation.id or "" for m in match_recommendations(result))
    levels = {d.dimension.id: d.level.id for d in result.assessed if d.level is not None}
    return Firm(shown, levels)


def find(questionnaire: Questionnaire, recommendation_id: str) -> tuple[Dimension, Recommendation]:
    """The recommendation with this id and its dimension."""
    for dimension in questionnaire.dimensions:
        for recommendation in dimension.recommendations:
            if recommendation.id == recommendation_id:
                return dimension, recommendation
    raise LookupError(recommendation_id)


def level_fits(recommendation: Recommendation, firm: Firm, dimension: Dimension) -> bool:
    """Whether the firm's level in the dimension is one the recommendation is written for."""
    assert recommendation.levels is not None
    return firm.levels.get(dimension.id) in recommendation.levels


CASES = {
    # recommendation: (answers that contradict it, answers that fit it)
    "strategie-ziele": (
        {"strategie_ziele": "teilweise"},
        {"strategie_ziele": "im-kopf"},
    ),
    "strategie-verantwortung": (
        {"strategie_verantwortung": "benannte-person"},
        {"strategie_verantwortung": "chef-nebenbei"},
    ),
    "strategie-fahrplan": (
        {"strategie_verantwortung": "team", "strategie_ziele": "ja"},
        {"strategie_verantwortung": "team", "strategie_ziele": "teilweise"},
    ),
    "kunden-auffindbar": (
        {"kunden_kanaele": ["website", "profil"]},
        {"kunden_kanaele": ["website", "social-media"]},
    ),
    "kunden-crm": ({"kunden_crm": "software"}, {"kunden_crm": "verstreut"}),
    "kunden-online-buchen": (
        {"kunden_onlinevertrieb": "eigen"},
        {"kunden_onlinevertrieb": "marktplatz"},
    ),
    "kunden-wirkung": ({"kunden_wirkung": 5}, {"kunden_wirkung": 2}),
    "prozesse-dokumentieren": (
        {"prozesse_dokumentiert": "meiste"},
        {"prozesse_dokumentiert": "einzelne"},
    ),
    "prozesse-schnittstellen": (
        {"prozesse_doppelerfassung": 5},
        {"prozesse_doppelerfassung": 2},
    ),
    "daten-kennzahlen": (
        {"daten_kennzahlen": ["umsatz", "liquiditaet", "auslastung"]},
        {"daten_kennzahlen": ["umsatz", "liquiditaet"]},
    ),
    "daten-dashboard": (
        {"daten_aktualitaet": "jederzeit"},
        {"daten_aktualitaet": "steuerberatung"},
    ),
    "daten-prognosen": (
        {"daten_kennzahlen": ["umsatz"], "daten_prognose": "automatisch"},
        {"daten_kennzahlen": ["umsatz"], "daten_prognose": "regelmaessig"},
    ),
    "mitarbeitende-paten": (
        {"mitarbeitende_lernformate": ["kollegen", "paten"]},
        {"mitarbeitende_lernformate": ["kollegen"]},
    ),
    "mitarbeitende-weiterbildung": (
        {"mitarbeitende_lernformate": ["lernzeit"]},
        {"mitarbeitende_lernformate": ["schulungen"]},
    ),
    "mitarbeitende-mobil": (
        {"mitarbeitende_mobil": "geregelt"},
        {"mitarbeitende_mobil": "ausnahme"},
    ),
    "innovation-praxisprojekt": (
        {"innovation_kooperation": ["kunden", "hochschule"]},
        {"innovation_kooperation": ["kunden"]},
    ),
    "innovation-ideen": ({"innovation_ideen": 5}, {"innovation_ideen": 3}),
    "innovation-pilot": (
        {"innovation_kooperation": ["startups"], "innovation_startups": "pilot"},
        {"innovation_kooperation": ["startups"], "innovation_startups": "gespraeche"},
    ),
    "automatisierung-ki-testen": (
        {"automatisierung_ki": ["texte", "uebersetzung"]},
        {"automatisierung_ki": ["keine"]},
    ),
    "automatisierung-ki-regeln": (
        {"automatisierung_ki": ["texte"], "automatisierung_ki_regeln": "schriftlich"},
        {"automatisierung_ki": ["texte"], "automatisierung_ki_regeln": "muendlich"},
    ),
    "automatisierung-maschinen": ({"sector": "dienstleistung"}, {"sector": "produktion"}),
    "nachhaltigkeit-energie-sichtbar": (
        {"nachhaltigkeit_energie": "ablesen"},
        {"nachhaltigkeit_energie": "abrechnung"},
    ),
    "nachhaltigkeit-geraete": (
        {"nachhaltigkeit_geraete": "weiternutzung"},
        {"nachhaltigkeit_geraete": "entsorgung"},
    ),
    "nachhaltigkeit-verbrauch": (
        {"nachhaltigkeit_energie": "digital"},
        {"nachhaltigkeit_energie": "ablesen"},
    ),
    "nachhaltigkeit-berichten": (
        {"nachhaltigkeit_auskunft": 4},
        {"nachhaltigkeit_auskunft": 3},
    ),
    "it-schutz-sofort": (
        {"it_massnahmen": ["zwei-faktor", "updates"], "it_backup": "ausser-haus"},
        {"it_massnahmen": ["updates"], "it_backup": "ausser-haus"},
    ),
    "it-notfallplan": (
        {"it_backup": "getestet", "it_notfall": "geuebt"},
        {"it_backup": "getestet", "it_notfall": "notfallplan"},
    ),
}


def test_every_conditioned_recommendation_has_a_case(sample: Questionnaire) -> None:
    """A recommendation with a condition cannot be added to the sample without a case here."""
    conditioned = {r.id for d in sample.dimensions for r in d.recommendations if r.when is not None}
    assert conditioned == set(CASES)


@pytest.mark.parametrize("recommendation_id", sorted(CASES))
def test_advice_is_not_given_against_the_answers(
    sample: Questionnaire, firms: list[dict[str, Any]], recommendation_id: str
) -> None:
    """Contradicting answers hide the advice from every firm, also from firms at its level;
    fitting answers show it to every firm at its level."""
    dimension, recommendation = find(sample, recommendation_id)
    contradicting, fitting = CASES[recommendation_id]

    against = [outcome(sample, {**answers, **contradicting}) for answers in firms]
    assert not [firm for firm in against if recommendation_id in firm.shown]
    assert any(level_fits(recommendation, firm, dimension) for firm in against)

    fitting_firms = [outcome(sample, {**answers, **fitting}) for answers in firms]
    at_level = [firm for firm in fitting_firms if level_fits(recommendation, firm, dimension)]
    assert at_level
    assert all(recommendation_id in firm.shown for firm in at_level)


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


def test_every_sample_firm_gets_advice_in_every_dimension(
    sample: Questionnaire, firms: list[dict[str, Any]]
) -> None:
    """Every sample firm, from the lowest to the highest maturity, is advised in each dimension
    it answered."""
    for answers in firms:
        read, _problems = read_answers(sample, answers)
        result = score_assessment(sample, read)
        advised = {m.dimension.id for m in match_recommendations(result)}
        assert advised == {d.dimension.id for d in result.assessed}


def test_every_sample_recommendation_has_an_id(sample: Questionnaire) -> None:
    """The sample names each recommendation, so that `flask questionnaire score` and the tests
    can refer to it."""
    ids = [r.id for d in sample.dimensions for r in d.recommendations]
    assert None not in ids and len(ids) == len(set(ids))
