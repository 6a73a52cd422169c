"""From scores to advice: priorities, strengths, recommendations, the action plan and partners."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from itertools import product
from typing import Any

import pytest

from assessment.questionnaire import Questionnaire
from assessment.questionnaire.advice import (
    MatchedRecommendation,
    build_action_plan,
    match_recommendations,
    rank_priorities,
    rank_strengths,
)
from assessment.questionnaire.matching import CompanyProfile, PartnerMatch, match_partners
from assessment.questionnaire.scoring import AssessmentResult, read_answers, score_assessment

from .conftest import QuestionnaireFactory

PERCENTS = (0, 20, 24, 25, 40, 41, 49, 50, 75, 100)


def dimension(
    dimension_id: str, *, weight: float = 1, recommendations: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A dimension with one question q<id> whose option p<N> scores exactly N."""
    question = {
        "id": f"q{dimension_id}",
        "type": "single",
        "options": [{"id": f"p{score}", "score": score} for score in PERCENTS],
    }
    return {
        "id": dimension_id,
        "weight": weight,
        "questions": [question],
        "recommendations": recommendations or [],
    }


def rec(text: str, effort: str = "low", **rule: Any) -> dict[str, Any]:
    """A recommendation identified by its text; rule is levels=[...] or max_score=N."""
    return {"text": text, "effort": effort, **rule}


def assess(questionnaire: Questionnaire, raw: Mapping[str, Any]) -> AssessmentResult:
    """Read raw answers (which must all fit) and score them."""
    answers, problems = read_answers(questionnaire, raw)
    assert problems == []
    return score_assessment(questionnaire, answers)


def scored(questionnaire: Questionnaire, **scores: int) -> AssessmentResult:
    """Score a questionnaire built from `dimension`: each dimension gets the score given."""
    return assess(questionnaire, {f"q{name}": f"p{score}" for name, score in scores.items()})


def texts(matched: list[MatchedRecommendation]) -> list[str]:
    """The identifying texts of matched recommendations, in order."""
    return [m.recommendation.text.get("de") for m in matched]


# --- priorities and strengths -----------------------------------------------------------------


@pytest.fixture
def six_dimensions(build_questionnaire: QuestionnaireFactory) -> Questionnaire:
    """Dimensions a-f with weights 1, 2, 1, 0, 1, 0.5."""
    weights = {"a": 1, "b": 2, "c": 1, "d": 0, "e": 1, "f": 0.5}
    return build_questionnaire(
        dimensions=[dimension(name, weight=weight) for name, weight in weights.items()]
    )


def test_priorities_rank_gap_times_weight(six_dimensions: Questionnaire) -> None:
    """The most urgent dimensions come first: (100 - score) x weight, top three first."""
    result = scored(six_dimensions, a=50, b=75, c=0, d=0, e=100, f=20)
    priorities = rank_priorities(result)
    # c: 100 x 1, a: 50 x 1, b: 25 x 2 (tie with a, later in the document), f: 80 x 0.5;
    # d has weight 0 and e nothing left to gain
    assert [(p.dimension.id, p.gap, p.value) for p in priorities] == [
        ("c", 100, 100),
        ("a", 50, 50),
        ("b", 25, 50),
        ("f", 80, 40),
    ]
    assert [p.dimension.id for p in priorities[:3]] == ["c", "a", "b"]
    assert priorities[3].score == Fraction(20)


def test_priorities_ties_keep_document_order(build_questionnaire: QuestionnaireFactory) -> None:
    """Two dimensions with the same urgency are listed in the order of the questionnaire."""
    forward = build_questionnaire(dimensions=[dimension("x"), dimension("y", weight=2)])
    backward = build_questionnaire(dimensions=[dimension("y", weight=2), dimension("x")])
    for questionnaire, order in ((forward, ["x", "y"]), (backward, ["y", "x"])):
        result = scored(questionnaire, x=50, y=75)
        assert [p.dimension.id for p in rank_priorities(result)] == order


def test_priorities_leave_out_unassessed_and_perfect(six_dimensions: Questionnaire) -> None:
    """Dimensions not answered, scored 100 or weighted 0 are never priorities."""
    assert rank_priorities(scored(six_dimensions, a=100, d=0)) == []
    assert [p.dimension.id for p in rank_priorities(scored(six_dimensions, b=100, e=0))] == ["e"]


def test_strengths_best_first(six_dimensions: Questionnaire) -> None:
    """Strengths list assessed dimensions by score, best first, ties in document order."""
    result = scored(six_dimensions, a=50, b=75, c=0, e=100, f=20)
    strengths = rank_strengths(result)
    assert [(s.dimension.id, s.score) for s in strengths] == [
        ("e", 100),
        ("b", 75),
        ("a", 50),
        ("f", 20),
        ("c", 0),
    ]
    tied = rank_strengths(scored(six_dimensions, f=40, a=40, c=41))
    assert [s.dimension.id for s in tied] == ["c", "a", "f"]


# --- recommendations and the action plan ------------------------------------------------------

RULES = [
    rec("r1-beginner", levels=["einsteiger"]),
    rec("r2-up-to-explorer", "medium", levels=["einsteiger", "entdecker"]),
    rec("r3-at-most-40", "high", max_score=40),
    rec("r4-pioneer", levels=["vorreiter"]),
]


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, ["r1-beginner", "r2-up-to-explorer", "r3-at-most-40"]),
        (24, ["r1-beginner", "r2-up-to-explorer", "r3-at-most-40"]),
        (25, ["r2-up-to-explorer", "r3-at-most-40"]),
        (40, ["r2-up-to-explorer", "r3-at-most-40"]),
        (41, ["r2-up-to-explorer"]),
        (50, []),
        (75, ["r4-pioneer"]),
        (100, ["r4-pioneer"]),
    ],
)
def test_recommendations_match_by_level_or_max_score(
    build_questionnaire: QuestionnaireFactory, score: int, expected: list[str]
) -> None:
    """A recommendation applies at its levels, or up to and including its max_score."""
    questionnaire = build_questionnaire(dimensions=[dimension("a", recommendations=RULES)])
    matched = match_recommendations(scored(questionnaire, a=score))
    assert texts(matched) == expected
    for match in matched:
        assert match.dimension.id == "a"
        assert match.score == score


def test_unassessed_dimension_gets_no_recommendations(
    build_questionnaire: QuestionnaireFactory,
) -> None:
    """Without answers a dimension has no score, so not even a max_score rule applies."""
    questionnaire = build_questionnaire(
        dimensions=[
            dimension("a", recommendations=[rec("a-any", max_score=100)]),
            dimension("b", recommendations=[rec("b-any", max_score=100)]),
        ]
    )
    assert texts(match_recommendations(scored(questionnaire, b=50))) == ["b-any"]
    assert match_recommendations(score_assessment(questionnaire, {})) == []


def test_matched_recommendations_carry_level(build_questionnaire: QuestionnaireFactory) -> None:
    """Each matched recommendation says at which level of which dimension it applies."""
    questionnaire = build_questionnaire(dimensions=[dimension("a", recommendations=RULES)])
    matched = match_recommendations(scored(questionnaire, a=25))
    assert [(m.dimension.id, m.level.id) for m in matched] == [("a", "entdecker")] * 2


def test_action_plan_quick_wins_first(build_questionnaire: QuestionnaireFactory) -> None:
    """The plan lists low effort first; within an effort, the more urgent dimension first."""
    always = {"max_score": 100}
    questionnaire = build_questionnaire(
        dimensions=[
            dimension(
                "b", recommendations=[rec("b-low", **always), rec("b-medium", "medium", **always)]
            ),
            dimension(
                "a", recommendations=[rec("a-high", "high", **always), rec("a-low", **always)]
            ),
            dimension("c", recommendations=[rec("c-low", levels=["vorreiter"])]),
            dimension(
                "d",
                weight=0,
                recommendations=[rec("d-low", **always), rec("d-high", "high", **always)],
            ),
        ]
    )
    # priorities: a (gap 100), then b (gap 50); c (score 100) and d (weight 0) are none
    result = scored(questionnaire, a=0, b=50, c=100, d=0)
    assert texts(build_action_plan(result)) == [
        "a-low",
        "b-low",
        "c-low",
        "d-low",
        "b-medium",
        "a-high",
        "d-high",
    ]
    assert sorted(texts(build_action_plan(result))) == sorted(texts(match_recommendations(result)))


# --- partners ---------------------------------------------------------------------------------

PROFILE = [
    {
        "id": "sector",
        "type": "single",
        "options": [{"id": "handwerk"}, {"id": "handel"}, {"id": "produktion"}],
    },
    {
        "id": "size",
        "type": "single",
        "options": [{"id": "micro"}, {"id": "small"}, {"id": "medium"}, {"id": "large"}],
    },
    {"id": "region", "type": "single", "options": [{"id": "lippstadt"}, {"id": "soest"}]},
]
PARTNERS = [
    {"id": "alle", "topics": ["foerderung"]},
    {"id": "nur-lippstadt", "topics": ["foerderung"], "regions": ["lippstadt"]},
    {"id": "nur-klein", "topics": ["foerderung"], "sizes": ["micro", "small"]},
    {"id": "nur-handwerk", "topics": ["foerderung"], "sectors": ["handwerk"]},
    {"id": "sicherheit", "topics": ["it-sicherheit"]},
    {"id": "daten", "topics": ["datenstrategie", "foerderung"]},
]
TOPICS = [
    {"id": "datenstrategie", "label": {"de": "Datenstrategie", "en": "Data strategy"}},
    {"id": "foerderung", "label": {"de": "Fördermittel", "en": "Funding"}},
    {"id": "it-sicherheit", "label": {"de": "IT-Sicherheit", "en": "IT security"}},
]
DATA_DIMENSION = {
    **dimension(
        "daten",
        recommendations=[
            rec("strategie", levels=["einsteiger"], partners=["datenstrategie"]),
            rec("foerdern", "medium", levels=["einsteiger", "entdecker"], partners=["foerderung"]),
            rec("nochmal", "high", max_score=30, partners=["foerderung"]),
        ],
    ),
    "title": {"de": "Daten", "en": "Data"},
}


def partners_for(
    questionnaire: Questionnaire, profile: Mapping[str, Any], score: int = 0
) -> list[PartnerMatch]:
    """Partners shown to a company with this profile and this data score."""
    result = assess(questionnaire, {**profile, "qdaten": f"p{score}"})
    plan = build_action_plan(result)
    return match_partners(
        questionnaire.directory, plan, CompanyProfile.from_answers(result.answers)
    )


@pytest.fixture
def networked(build_questionnaire: QuestionnaireFactory) -> Questionnaire:
    """A data dimension whose recommendations call for data strategy and funding partners."""
    return build_questionnaire(
        dimensions=[DATA_DIMENSION],
        profile=PROFILE,
        partners={"topics": TOPICS, "partners": PARTNERS},
    )


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (
            {"sector": "handwerk", "size": "micro", "region": "lippstadt"},
            {"alle", "nur-lippstadt", "nur-klein", "nur-handwerk", "daten"},
        ),
        ({"sector": "handel", "size": "medium", "region": "soest"}, {"alle", "daten"}),
        ({"sector": "produktion", "size": "small"}, {"alle", "nur-klein", "daten"}),
        (
            {"sector": "handwerk", "region": "lippstadt"},
            {"alle", "nur-lippstadt", "nur-handwerk", "daten"},
        ),
        ({}, {"alle", "daten"}),
    ],
)
def test_partners_filtered_by_region_size_and_sector(
    networked: Questionnaire, profile: dict[str, str], expected: set[str]
) -> None:
    """A restricted partner is shown only to companies known to be in its region, size, sector."""
    assert {m.partner.id for m in partners_for(networked, profile)} == expected


def test_partners_follow_the_action_plan(networked: Questionnaire) -> None:
    """Partners come in the order of the first recommendation that calls for them."""
    profile = {"sector": "handwerk", "size": "micro", "region": "lippstadt"}
    matches = partners_for(networked, profile)
    # the low-effort data-strategy advice comes first, so "daten" leads although listed last
    assert [m.partner.id for m in matches] == [
        "daten",
        "alle",
        "nur-lippstadt",
        "nur-klein",
        "nur-handwerk",
    ]
    daten = matches[0]
    # two recommendations of the same dimension call for funding: the reason is given once
    assert [(r.topic, r.match.recommendation.text.get("de")) for r in daten.reasons] == [
        ("datenstrategie", "strategie"),
        ("foerderung", "foerdern"),
    ]
    assert daten.topics == ("datenstrategie", "foerderung")
    assert [r.match.recommendation.text.get("de") for r in matches[1].reasons] == ["foerdern"]


def test_partners_only_for_called_topics(networked: Questionnaire) -> None:
    """A partner is shown only for topics the matched recommendations call for."""
    explorer = partners_for(networked, {}, score=40)
    assert [(m.partner.id, m.topics) for m in explorer] == [
        ("alle", ("foerderung",)),
        ("daten", ("foerderung",)),
    ]
    assert partners_for(networked, {}, score=100) == []


def test_reason_names_dimension_level_and_topic(networked: Questionnaire) -> None:
    """The reason reads "Dimension: Level -> Topic" in the reader's language."""
    matches = partners_for(networked, {})
    reason = matches[0].reasons[0]
    assert reason.describe("de") == "Daten: Einsteiger -> Datenstrategie"
    assert reason.describe("en") == "Data: Beginner -> Data strategy"
    assert reason.describe("fr", "en") == "Data: Beginner -> Data strategy"


def test_reason_without_declared_topics_uses_the_id(
    build_questionnaire: QuestionnaireFactory,
) -> None:
    """With a bare list of partners, the reason names the topic by its id."""
    questionnaire = build_questionnaire(
        dimensions=[DATA_DIMENSION], profile=PROFILE, partners=PARTNERS
    )
    matches = partners_for(questionnaire, {"region": "soest"})
    assert [m.partner.id for m in matches] == ["daten", "alle"]
    assert [r.describe("de") for r in matches[0].reasons] == [
        "Daten: Einsteiger -> datenstrategie",
        "Daten: Einsteiger -> foerderung",
    ]


def test_no_directory_no_partners(build_questionnaire: QuestionnaireFactory) -> None:
    """A questionnaire without a partner directory shows no partners."""
    questionnaire = build_questionnaire(
        dimensions=[dimension("a", recommendations=[rec("a", max_score=100)])]
    )
    plan = build_action_plan(scored(questionnaire, a=0))
    assert len(plan) == 1
    assert match_partners(questionnaire.directory, plan, CompanyProfile()) == []


def test_company_profile_from_answers() -> None:
    """The profile takes sector, size and region answers; anything else is unknown."""
    profile = CompanyProfile.from_answers(
        {"sector": "handwerk", "size": ("micro",), "other": "x", "region": "soest"}
    )
    assert profile == CompanyProfile(sector="handwerk", size=None, region="soest")


# --- the sample content -----------------------------------------------------------------------


def test_sample_recommendations_cover_every_level(sample: Questionnaire) -> None:
    """Every dimension gives advice at every level, at the bottom and the top of the level."""
    ends = [Fraction(level.min) - Fraction(1, 1000) for level in sample.levels[1:]]
    for level, end in zip(sample.levels, [*ends, Fraction(100)], strict=True):
        for score in (Fraction(level.min), end):
            assert sample.level_for(score) == level
            for area in sample.dimensions:
                assert any(r.applies(score, level) for r in area.recommendations), (
                    f"{area.id} gives no advice at {level.id} ({float(score)})"
                )


def test_sample_recommendation_topics_have_partners(sample: Questionnaire) -> None:
    """Every partner topic a recommendation calls for is offered by at least one partner."""
    directory = sample.directory
    assert directory is not None
    called = {topic for _, r in sample.iter_recommendations() for topic in r.partners}
    assert called
    for topic in sorted(called):
        assert any(topic in p.topics for p in directory.partners), topic
        assert topic in directory.topic_index, topic


def test_sample_every_firm_finds_a_partner_for_every_topic(sample: Questionnaire) -> None:
    """Whatever its region, size and sector, a firm is offered someone for each topic called for."""
    directory = sample.directory
    assert directory is not None
    called = {topic for _, r in sample.iter_recommendations() for topic in r.partners}
    options = {q.id: [o.id for o in q.options] for q in sample.profile if q.id in PROFILE_IDS}
    for sector, size, region in product(options["sector"], options["size"], options["region"]):
        for topic in called:
            assert any(
                topic in p.topics and p.serves(region=region, size=size, sector=sector)
                for p in directory.partners
            ), (topic, sector, size, region)


PROFILE_IDS = ("sector", "size", "region")

CRAFT_FIRM_IN_LIPPSTADT: dict[str, Any] = {
    "sector": "handwerk",
    "size": "small",
    "region": "lippstadt",
    "it_betreuung": "extern",
    "strategie_ziele": "im-kopf",
    "strategie_verantwortung": "chef-nebenbei",
    "strategie_budget": "1,0",
    "strategie_geschaeftsmodell": 2,
    "strategie_dringlichkeit": "hoch",
    "kunden_kanaele": ["website", "profil", "bewertungen"],
    "kunden_onlinevertrieb": "anfrage",
    "kunden_crm": "verstreut",
    "kunden_kontakt": {
        "angebot": "teils",
        "rechnung": "digital",
        "zahlung": "digital",
        "service": "papier",
        "feedback": "na",
    },
    "kunden_wirkung": "3",
    "prozesse_software": {
        "buchhaltung": "software",
        "auftraege": "software",
        "einkauf": "papier",
        "zeiterfassung": "papier",
        "planung": "software",
        "dokumente": "papier",
    },
    "prozesse_doppelerfassung": 2,
    "prozesse_dokumentiert": "einzelne",
    "prozesse_arbeitsmittel": ["mail", "mobil", "kalender"],
    "prozesse_eingangsrechnungen": 30,
    "prozesse_engpass": "Aufmaß und Rechnung werden doppelt erfasst.",
    "daten_kennzahlen": ["umsatz", "liquiditaet"],
    "daten_aktualitaet": "steuerberatung",
    "daten_entscheidungen": 2,
    "daten_qualitaet": {
        "stammdaten": "teils",
        "artikel": "nein",
        "rechte": "teils",
        "loeschfristen": "unbekannt",
    },
    "daten_prognose": "nein",
    "it_massnahmen": ["updates", "virenschutz", "passwoerter"],
    "it_backup": "lokal",
    "it_notfall": "ansprechpartner",
    "it_dienstleister": "wartung",
    "it_ausstattung": {
        "internet": "ausreichend",
        "geraete": "ausreichend",
        "wlan": "gut",
        "fernzugriff": "unzureichend",
    },
    "it_bandbreite": 100,
    "mitarbeitende_kompetenz": {
        "grundlagen": "sicher",
        "fachsoftware": "teils",
        "zusammenarbeit": "teils",
        "phishing": "unsicher",
        "ki": "unsicher",
    },
    "mitarbeitende_weiterbildung": 4,
    "mitarbeitende_lernformate": ["kollegen"],
    "mitarbeitende_beteiligung": 3,
    "mitarbeitende_haltung": 3,
    "mitarbeitende_mobil": "ausnahme",
    "innovation_kooperation": ["kunden", "lieferanten"],
    "innovation_ideen": 2,
    "innovation_angebote": {
        "dzm": "bekannt",
        "hochschultransfer": "unbekannt",
        "innovationszentrum": "unbekannt",
        "foerderberatung": "unbekannt",
    },
    "automatisierung_routine": 3,
    "automatisierung_ki": ["texte"],
    "automatisierung_ki_regeln": "muendlich",
    "automatisierung_maschinen": {
        "datenerfassung": "nein",
        "auftraege": "teilweise",
        "wartung": "nein",
        "robotik": "nein",
        "materialfluss": "na",
    },
    "automatisierung_projekte": 1,
    "automatisierung_potenzial": 2,
    "nachhaltigkeit_energie": "ablesen",
    "nachhaltigkeit_massnahmen": ["papierlos", "touren"],
    "nachhaltigkeit_geraete": "entsorgung",
    "nachhaltigkeit_auskunft": 1,
    "nachhaltigkeit_kriterien": {
        "it-kauf": "nebenrolle",
        "software": "keine",
        "lieferanten": "keine",
        "angebot": "keine",
    },
}


def test_sample_craft_firm_in_lippstadt_gets_local_partners(sample: Questionnaire) -> None:
    """A small craft firm in Lippstadt sees partners that serve it, each with its reasons."""
    result = assess(sample, CRAFT_FIRM_IN_LIPPSTADT)
    assert [d.dimension.id for d in result.assessed] == [d.id for d in sample.dimensions]
    assert result.level is not None and result.level.id in ("einsteiger", "entdecker")
    plan = build_action_plan(result)
    assert plan
    profile = CompanyProfile.from_answers(result.answers)
    assert profile == CompanyProfile(sector="handwerk", size="small", region="lippstadt")
    directory = sample.directory
    assert directory is not None
    matches = match_partners(directory, plan, profile)
    assert matches
    ids = [m.partner.id for m in matches]
    assert "wirtschaftsfoerderung-lippstadt" in ids
    assert "handwerkskammer-beratung" in ids
    called = {topic for m in plan for topic in m.recommendation.partners}
    for match in matches:
        partner = match.partner
        assert partner.serves(region="lippstadt", size="small", sector="handwerk"), partner.id
        assert match.reasons, partner.id
        for reason in match.reasons:
            assert reason.topic in partner.topics
            dimension_title = reason.match.dimension.title.get("de")
            level_label = reason.match.level.label.get("de")
            topic_label = directory.topic_index[reason.topic].label.get("de")
            assert reason.describe("de") == f"{dimension_title}: {level_label} -> {topic_label}"
    missed = [
        p.id
        for p in directory.partners
        if p.serves(region="lippstadt", size="small", sector="handwerk")
        and called & set(p.topics)
        and p.id not in ids
    ]
    assert missed == []
    outside = {"systemhaus-boerde", "stadtmarketing-hellweg-west", "ihk-geschaeftsstelle"}
    assert outside.isdisjoint(ids)
