"""Funding programmes: matching them to a firm, and checking the funding directory file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assessment.kernel.models import QuestionnaireVersion
from assessment.kernel.pinning import pinned_questionnaire, snapshot
from assessment.questionnaire import Problem, Questionnaire, check_file, load_questionnaire
from assessment.questionnaire.advice import build_action_plan
from assessment.questionnaire.funding import FundingDirectory, Programme
from assessment.questionnaire.funding_matching import FundingMatch, Unknown, match_funding
from assessment.questionnaire.loading.funding import FundingPolicy
from assessment.questionnaire.loading.loader import summary
from assessment.questionnaire.matching import CompanyProfile
from assessment.questionnaire.scoring import AssessmentResult, read_answers, score_assessment
from assessment.questionnaire.team import score_team

from ..conftest import SAMPLE, SAMPLE_DIR
from .validation_helpers import column_of, line_of

#: Dimension a: a1 "no" puts it at level low (a-low, topic-a, medium effort), "yes" at high
#: (a-high, topic-z). Dimension b: b1 "no" puts it at low (b-low, topic-b, low effort, so first
#: in the action plan); b2 is asked only when b1 is "yes". Both b questions may stay open.
QUESTIONNAIRE = """\
id: test
version: 1
language: en
title: Test
partners: partners.yaml
levels:
  - {id: low, min: 0, label: Low}
  - {id: high, min: 50, label: High}
profile:
  - id: sector
    type: single
    text: Sector
    options: [{id: craft, label: Crafts}, {id: trade, label: Trade}]
  - id: size
    type: single
    text: Size
    options:
      - {id: micro, label: Micro}
      - {id: small, label: Small}
      - {id: medium, label: Medium}
      - {id: large, label: Large}
  - id: region
    type: single
    text: Region
    options: [{id: north, label: North}, {id: south, label: South}]
dimensions:
  - id: a
    title: A
    questions:
      - id: a1
        type: single
        text: A1
        options: [{id: no, label: No, score: 0}, {id: yes, label: Yes, score: 1}]
    recommendations:
      - {id: a-low, levels: [low], text: Do A, effort: medium, partners: [topic-a]}
      - {id: a-high, levels: [high], text: Keep A, effort: low, partners: [topic-z]}
  - id: b
    title: B
    questions:
      - id: b1
        type: single
        required: false
        text: B1
        options: [{id: no, label: No, score: 0}, {id: yes, label: Yes, score: 1}]
      - id: b2
        type: single
        required: false
        text: B2
        show_if: {question: b1, in: ["yes"]}
        options: [{id: no, label: No, score: 0}, {id: yes, label: Yes, score: 1}]
    recommendations:
      - {id: b-low, levels: [low], text: Do B, effort: low, partners: [topic-b]}
"""
WITH_FUNDING = QUESTIONNAIRE.replace(
    "partners: partners.yaml\n", "partners: partners.yaml\nfunding: funding.yaml\n"
)
PARTNER_FILE = "- {id: p1, name: Partner, kind: public, topics: [topic-a, topic-b, topic-z]}\n"
FUNDING = """\
programmes:
  - id: prog-a
    name: Programme A
    funder: Funder
    kind: grant
    description: Pays for A.
    topics: [topic-a]
    url: https://example.org/a
    last_checked: 2026-01-15
"""
TODAY = date(2026, 3, 1)


def write_files(
    folder: Path,
    funding: str | None = FUNDING,
    questionnaire: str = WITH_FUNDING,
    partners: str | None = PARTNER_FILE,
) -> Path:
    path = folder / "q.yaml"
    path.write_text(questionnaire, encoding="utf-8")
    if partners is not None:
        (folder / "partners.yaml").write_text(partners, encoding="utf-8")
    if funding is not None:
        (folder / "funding.yaml").write_text(funding, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Questionnaire:
    folder = tmp_path_factory.mktemp("funding")
    return load_questionnaire(write_files(folder, None, QUESTIONNAIRE))


def programme(
    programme_id: str = "prog", topics: tuple[str, ...] = ("topic-a",), **fields: Any
) -> Programme:
    return Programme.model_validate(
        {
            "id": programme_id,
            "name": programme_id,
            "funder": "Funder",
            "kind": "grant",
            "description": "Pays.",
            "topics": list(topics),
            "url": f"https://example.org/{programme_id}",
            "last_checked": "2026-01-15",
            **fields,
        }
    )


def read(questionnaire: Questionnaire, raw: Mapping[str, Any]) -> dict[str, Any]:
    answers, problems = read_answers(questionnaire, raw)
    assert problems == []
    return answers


def assess(questionnaire: Questionnaire, **raw: Any) -> AssessmentResult:
    return score_assessment(questionnaire, read(questionnaire, raw))


def team(questionnaire: Questionnaire, *answer_sets: Mapping[str, Any]) -> AssessmentResult:
    sets = [read(questionnaire, answers) for answers in answer_sets]
    return score_team(questionnaire, {}, sets).combined


def funded(
    result: AssessmentResult,
    *programmes: Programme,
    profile: CompanyProfile | None = None,
    today: date = TODAY,
) -> list[FundingMatch]:
    return match_funding(
        FundingDirectory(programmes=programmes),
        result.questionnaire.directory,
        build_action_plan(result),
        result,
        profile or CompanyProfile(),
        today,
    )


def ids(matches: list[FundingMatch]) -> list[str]:
    return [match.programme.id for match in matches]


def unknowns(
    result: AssessmentResult, found: Programme, **kwargs: Any
) -> list[tuple[Unknown, ...]]:
    """The unknowns of the one match, or [] when the programme is not matched."""
    return [match.unknowns for match in funded(result, found, **kwargs)]


# --- which programmes: topics and the action plan ------------------------------------------


def test_programme_is_matched_by_a_topic_of_a_matched_recommendation(small: Questionnaire) -> None:
    matches = funded(assess(small, a1="no"), programme(topics=("topic-a",)))
    assert ids(matches) == ["prog"]
    assert (matches[0].state, matches[0].unknowns, matches[0].conditional) == ("open", (), False)


def test_topic_of_a_recommendation_that_does_not_apply_matches_nothing(
    small: Questionnaire,
) -> None:
    only_z = programme(topics=("topic-z",))
    assert funded(assess(small, a1="no"), only_z) == []
    assert ids(funded(assess(small, a1="yes"), only_z)) == ["prog"]


def test_topic_of_an_unassessed_dimension_matches_nothing(small: Questionnaire) -> None:
    assert funded(assess(small, a1="no"), programme(topics=("topic-b",))) == []


def test_programmes_come_in_action_plan_order_not_file_order(small: Questionnaire) -> None:
    result = assess(small, a1="no", b1="no")
    plan = [match.recommendation.id for match in build_action_plan(result)]
    assert plan == ["b-low", "a-low"]
    first, second = programme("first", ("topic-a",)), programme("second", ("topic-b",))
    assert ids(funded(result, first, second)) == ["second", "first"]


def test_reasons_name_dimension_and_topic_in_action_plan_order(small: Questionnaire) -> None:
    result = assess(small, a1="no", b1="no")
    [match] = funded(result, programme(topics=("topic-a", "topic-b")))
    assert [(r.match.dimension.id, r.topic) for r in match.reasons] == [
        ("b", "topic-b"),
        ("a", "topic-a"),
    ]
    assert match.topics == ("topic-b", "topic-a")
    assert [reason.describe("en") for reason in match.reasons] == [
        "B: Low -> topic-b",
        "A: Low -> topic-a",
    ]


def test_no_funding_directory_matches_nothing(small: Questionnaire) -> None:
    result = assess(small, a1="no")
    plan = build_action_plan(result)
    assert match_funding(None, small.directory, plan, result, CompanyProfile(), TODAY) == []


# --- eligibility: size, sector, region ---------------------------------------------------

PROFILE_RULES = [
    pytest.param("size", "sizes", ("micro", "small"), "small", "large", id="size"),
    pytest.param("sector", "sectors", ("craft",), "craft", "trade", id="sector"),
    pytest.param("region", "regions", ("north",), "north", "south", id="region"),
]


@pytest.mark.parametrize(("kind", "key", "allowed", "inside", "outside"), PROFILE_RULES)
def test_known_profile_value_outside_the_list_excludes(
    small: Questionnaire, kind: str, key: str, allowed: tuple[str, ...], inside: str, outside: str
) -> None:
    rules = programme(eligibility={key: list(allowed)})
    profile = CompanyProfile(**{kind: outside})
    assert funded(assess(small, a1="no"), rules, profile=profile) == []


@pytest.mark.parametrize(("kind", "key", "allowed", "inside", "outside"), PROFILE_RULES)
def test_known_profile_value_in_the_list_includes_without_unknowns(
    small: Questionnaire, kind: str, key: str, allowed: tuple[str, ...], inside: str, outside: str
) -> None:
    rules = programme(eligibility={key: list(allowed)})
    profile = CompanyProfile(**{kind: inside})
    assert unknowns(assess(small, a1="no"), rules, profile=profile) == [()]


@pytest.mark.parametrize(("kind", "key", "allowed", "inside", "outside"), PROFILE_RULES)
def test_unknown_profile_value_includes_with_the_values_allowed(
    small: Questionnaire, kind: str, key: str, allowed: tuple[str, ...], inside: str, outside: str
) -> None:
    rules = programme(eligibility={key: list(allowed)})
    [match] = funded(assess(small, a1="no"), rules, profile=CompanyProfile())
    assert match.unknowns == (Unknown(kind, allowed),)  # type: ignore[arg-type]
    assert match.conditional


def test_every_open_profile_rule_is_listed_in_order(small: Questionnaire) -> None:
    rules = programme(eligibility={"regions": ["north"], "sizes": ["micro"]})
    assert unknowns(assess(small, a1="no"), rules) == [
        (Unknown("size", ("micro",)), Unknown("region", ("north",)))
    ]


def test_one_known_exclusion_outweighs_open_rules(small: Questionnaire) -> None:
    rules = programme(eligibility={"sizes": ["micro"], "regions": ["north"]})
    profile = CompanyProfile(region="south")
    assert funded(assess(small, a1="no"), rules, profile=profile) == []


def test_empty_lists_allow_every_firm(small: Questionnaire) -> None:
    rules = programme(eligibility={"sizes": [], "sectors": [], "regions": []})
    assert unknowns(assess(small, a1="no"), rules, profile=CompanyProfile()) == [()]


def test_a_rule_naming_every_option_restricts_nothing(small: Questionnaire) -> None:
    sizes = {"sizes": ["micro", "small", "medium", "large"]}
    sectors = {"sectors": [option.id for option in small.question_index["sector"].options]}
    levels = {"levels": {"b": [level.id for level in small.levels]}}  # b is not assessed
    for rules in (sizes, sectors, levels):
        found = unknowns(
            assess(small, a1="no"), programme(eligibility=rules), profile=CompanyProfile()
        )
        assert found == [()], rules


# --- eligibility: levels -----------------------------------------------------------------


def test_dimension_at_a_listed_level_includes(small: Questionnaire) -> None:
    rules = programme(eligibility={"levels": {"b": ["low"]}})
    assert unknowns(assess(small, a1="no", b1="no"), rules) == [()]


def test_dimension_at_another_level_excludes(small: Questionnaire) -> None:
    rules = programme(eligibility={"levels": {"b": ["low"]}})
    assert funded(assess(small, a1="no", b1="yes"), rules) == []


def test_dimension_not_assessed_leaves_the_level_open(small: Questionnaire) -> None:
    rules = programme(eligibility={"levels": {"b": ["low"]}})
    expected = Unknown("level", ("low",), dimension=small.dimension_index["b"])
    assert unknowns(assess(small, a1="no"), rules) == [(expected,)]


def test_every_named_dimension_must_be_at_one_of_its_levels(small: Questionnaire) -> None:
    rules = programme(eligibility={"levels": {"a": ["low"], "b": ["low"]}})
    assert unknowns(assess(small, a1="no", b1="no"), rules) == [()]
    assert funded(assess(small, a1="no", b1="yes"), rules) == []


# --- eligibility: a condition on the answers ---------------------------------------------

WHEN_B1_YES = {"when": {"question": "b1", "in": ["yes"]}}


def test_condition_that_holds_includes(small: Questionnaire) -> None:
    assert unknowns(assess(small, a1="no", b1="yes"), programme(eligibility=WHEN_B1_YES)) == [()]


def test_condition_answered_false_excludes(small: Questionnaire) -> None:
    assert funded(assess(small, a1="no", b1="no"), programme(eligibility=WHEN_B1_YES)) == []


def test_condition_on_an_unanswered_question_leaves_it_open(small: Questionnaire) -> None:
    found = unknowns(assess(small, a1="no"), programme(eligibility=WHEN_B1_YES))
    assert found == [(Unknown("answers", ("yes",), questions=("b1",)),)]


def test_condition_on_a_question_its_show_if_hides_excludes(small: Questionnaire) -> None:
    rules = programme(eligibility={"when": {"question": "b2", "in": ["yes"]}})
    assert funded(assess(small, a1="no", b1="no"), rules) == []
    assert funded(assess(small, a1="no", b1="no", b2="yes"), rules) == []
    assert unknowns(assess(small, a1="no", b1="yes"), rules) == [
        (Unknown("answers", ("yes",), questions=("b2",)),)
    ]


def test_question_hidden_for_want_of_an_open_answer_stays_open(small: Questionnaire) -> None:
    rules = programme(eligibility={"when": {"question": "b2", "in": ["yes"]}})
    assert unknowns(assess(small, a1="no"), rules) == [
        (Unknown("answers", ("yes",), questions=("b2",)),)
    ]


def test_negated_condition_on_an_open_question_stays_open(small: Questionnaire) -> None:
    rules = programme(eligibility={"when": {"not": {"question": "b1", "in": ["yes"]}}})
    assert unknowns(assess(small, a1="no"), rules) == [(Unknown("answers", questions=("b1",)),)]
    assert unknowns(assess(small, a1="no", b1="no"), rules) == [()]
    assert funded(assess(small, a1="no", b1="yes"), rules) == []


def test_open_question_does_not_save_a_condition_already_false(small: Questionnaire) -> None:
    both = {"all": [{"question": "a1", "in": ["yes"]}, {"question": "b1", "in": ["yes"]}]}
    either = {"any": [{"question": "a1", "in": ["yes"]}, {"question": "b1", "in": ["yes"]}]}
    result = assess(small, a1="no")
    assert funded(result, programme(eligibility={"when": both})) == []
    assert unknowns(result, programme(eligibility={"when": either})) == [
        (Unknown("answers", questions=("b1",)),)
    ]


def test_condition_on_the_profile(small: Questionnaire) -> None:
    rules = programme(eligibility={"when": {"question": "sector", "in": ["craft"]}})
    assert unknowns(assess(small, a1="no", sector="craft"), rules) == [()]
    assert funded(assess(small, a1="no", sector="trade"), rules) == []


def test_team_condition_holds_when_it_holds_for_one_respondent(small: Questionnaire) -> None:
    rules = programme(eligibility=WHEN_B1_YES)
    result = team(small, {"a1": "no", "b1": "no"}, {"a1": "no", "b1": "yes"})
    assert unknowns(result, rules) == [()]


def test_team_condition_false_for_every_respondent_excludes(small: Questionnaire) -> None:
    rules = programme(eligibility=WHEN_B1_YES)
    result = team(small, {"a1": "no", "b1": "no"}, {"a1": "no", "b1": "no"})
    assert funded(result, rules) == []


def test_team_condition_open_for_one_respondent_stays_open(small: Questionnaire) -> None:
    rules = programme(eligibility=WHEN_B1_YES)
    result = team(small, {"a1": "no", "b1": "no"}, {"a1": "no"})
    assert unknowns(result, rules) == [(Unknown("answers", ("yes",), questions=("b1",)),)]


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "shown"),
    [
        (date(2026, 6, 29), ["prog"]),
        (date(2026, 6, 30), ["prog"]),
        (date(2026, 7, 1), []),
        (date(2027, 1, 1), []),
    ],
)
def test_programme_past_open_until_is_never_matched(
    small: Questionnaire, today: date, shown: list[str]
) -> None:
    closing = programme(open_until="2026-06-30")
    assert ids(funded(assess(small, a1="no"), closing, today=today)) == shown


@pytest.mark.parametrize(
    ("today", "state"),
    [(date(2026, 6, 30), "upcoming"), (date(2026, 7, 1), "open"), (date(2026, 7, 2), "open")],
)
def test_programme_before_open_from_is_matched_as_upcoming(
    small: Questionnaire, today: date, state: str
) -> None:
    opening = programme(open_from="2026-07-01", open_until="2026-12-31")
    [match] = funded(assess(small, a1="no"), opening, today=today)
    assert match.state == state


def test_programme_state_on_each_side_of_its_dates() -> None:
    window = programme(open_from="2026-07-01", open_until="2026-07-31")
    days = [date(2026, 6, 30), date(2026, 7, 1), date(2026, 7, 31), date(2026, 8, 1)]
    assert [window.state(day) for day in days] == ["upcoming", "open", "open", "closed"]
    assert programme().state(date(1990, 1, 1)) == "open"


def test_entry_is_stale_only_after_more_than_the_days_given() -> None:
    entry = programme(last_checked="2026-01-01")
    assert not entry.stale(date(2026, 1, 31), 30)
    assert entry.stale(date(2026, 2, 1), 30)


# --- the sample --------------------------------------------------------------------------

CRAFT_FIRM = {"sector": "handwerk", "size": "small", "region": "lippstadt"}


def answered(sample: Questionnaire, middle: bool = False, **extra: Any) -> AssessmentResult:
    """The lowest (or the middle) scored option of every single question of the sample."""
    raw: dict[str, Any] = dict(CRAFT_FIRM)
    for dimension in sample.dimensions:
        for question in dimension.questions:
            if question.type_name == "single":
                scored = [option.id for option in question.options if option.score is not None]
                raw[question.id] = scored[len(scored) // 2] if middle else scored[0]
    return assess(sample, **{**raw, **extra})


def sample_funding(sample: Questionnaire, result: AssessmentResult) -> list[FundingMatch]:
    return match_funding(
        sample.funding_directory,
        sample.directory,
        build_action_plan(result),
        result,
        CompanyProfile.from_answers(result.answers),
        date(2026, 12, 1),
    )


def test_sample_security_grant_is_for_beginners_in_it_security(sample: Questionnaire) -> None:
    beginner = ids(sample_funding(sample, answered(sample)))
    assert "it-sicherheitscheck-zuschuss" in beginner
    assert "digitalbonus-hellweg-west" not in beginner, "only for Werl, Ense and Wickede"
    advanced = {
        question.id: next(o.id for o in reversed(question.options) if o.score is not None)
        for question in sample.dimension_index["it-sicherheit"].questions
        if question.type_name == "single"
    }
    assert "it-sicherheitscheck-zuschuss" not in ids(
        sample_funding(sample, answered(sample, **advanced))
    )


def test_sample_reasons_give_each_dimension_and_topic_once(sample: Questionnaire) -> None:
    result = answered(sample)
    calls = [
        match.recommendation.id
        for match in build_action_plan(result)
        if match.dimension.id == "prozesse"
        and "prozessdigitalisierung" in match.recommendation.partners
    ]
    assert len(calls) == 3
    [found] = [
        m for m in sample_funding(sample, result) if m.programme.id == "beratungsfoerderung-kmu"
    ]
    pairs = [(reason.match.dimension.id, reason.topic) for reason in found.reasons]
    assert pairs.count(("prozesse", "prozessdigitalisierung")) == 1
    assert (
        found.reasons[pairs.index(("prozesse", "prozessdigitalisierung"))].match.recommendation.id
        == calls[0]
    )
    assert len(set(pairs)) == len(pairs)


#: The answers the sample's tax incentive asks for: cooperation in research and development.
WANTED = ("hochschule", "startups", "dienstleister")


@pytest.mark.parametrize(
    ("cooperation", "expected"),
    [
        (None, [(Unknown("answers", WANTED, questions=("innovation_kooperation",)),)]),
        (["hochschule"], [()]),
        (["kunden", "lieferanten"], []),
    ],
)
def test_sample_tax_incentive_depends_on_research_cooperation(
    sample: Questionnaire, cooperation: list[str] | None, expected: list[Any]
) -> None:
    extra = {} if cooperation is None else {"innovation_kooperation": cooperation}
    result = answered(sample, middle=True, **extra)
    found = [
        match.unknowns
        for match in sample_funding(sample, result)
        if match.programme.id == "steuerliche-forschungsfoerderung"
    ]
    assert found == expected


# --- checking the files ------------------------------------------------------------------


def problem_at(
    folder: Path,
    text: str,
    marker: str,
    location: str,
    message: str,
    at: str | None = None,
    name: str = "funding.yaml",
) -> Problem:
    """The problem expected in file ``name`` on the line of ``marker``, where ``at`` starts."""
    line, column = line_of(text, marker), column_of(text, marker, at)
    return Problem(str(folder / name), line, column, location, message)


def programme_with(*lines: str) -> str:
    """The funding file with more lines for its programme."""
    return FUNDING + "".join(f"    {line}\n" for line in lines)


def test_the_base_files_are_valid(tmp_path: Path) -> None:
    result = check_file(write_files(tmp_path))
    assert result.problems == []
    assert isinstance(result.value, Questionnaire)
    assert result.value.funding_directory is not None
    assert [p.id for p in result.value.funding_directory.programmes] == ["prog-a"]
    assert summary(result).endswith("languages en, 1 partners, 1 funding programme")


@pytest.mark.parametrize(
    "value", ["2026-13-01", "morgen", "20260101", "2026-1-15", "2026-02-30", "2026-W01-1"]
)
def test_day_that_is_not_a_date(tmp_path: Path, value: str) -> None:
    text = FUNDING.replace("last_checked: 2026-01-15", f"last_checked: {value}")
    message = f"'{value}' is not a date; write it as YYYY-MM-DD"
    location = "programmes[prog-a].last_checked"
    expected = problem_at(tmp_path, text, "last_checked", location, message, at=value)
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_quoted_day_in_the_basic_iso_format_is_not_a_date(tmp_path: Path) -> None:
    text = FUNDING.replace("last_checked: 2026-01-15", 'last_checked: "20260115"')
    message = "'20260115' is not a date; write it as YYYY-MM-DD"
    location = "programmes[prog-a].last_checked"
    expected = problem_at(tmp_path, text, "last_checked", location, message, at='"20260115"')
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_quoted_day_is_a_date(tmp_path: Path) -> None:
    text = FUNDING.replace("last_checked: 2026-01-15", 'last_checked: "2026-01-15"')
    result = check_file(write_files(tmp_path, text))
    assert result.problems == []
    assert isinstance(result.value, Questionnaire) and result.value.funding_directory
    assert result.value.funding_directory.programmes[0].last_checked == date(2026, 1, 15)


def test_open_until_before_open_from(tmp_path: Path) -> None:
    text = programme_with("open_from: 2026-03-01", "open_until: 2026-02-28")
    message = "open_until (2026-02-28) is before open_from (2026-03-01)"
    location = "programmes[prog-a].open_until"
    expected = problem_at(tmp_path, text, "open_until", location, message, at="2026-02-28")
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_open_for_a_single_day(tmp_path: Path) -> None:
    text = programme_with("open_from: 2026-03-01", "open_until: 2026-03-01")
    assert check_file(write_files(tmp_path, text)).problems == []


def test_unknown_topic(tmp_path: Path) -> None:
    text = FUNDING.replace("topics: [topic-a]", "topics: [topic-a, topic-q]")
    message = "unknown topic 'topic-q'; use a topic of partners.yaml or of a recommendation"
    expected = problem_at(
        tmp_path, text, "topics", "programmes[prog-a].topics[1]", message, "topic-q"
    )
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_topic_of_the_partner_directory_that_no_recommendation_names(tmp_path: Path) -> None:
    partners = PARTNER_FILE.replace("topic-z]", "topic-z, topic-y]")
    text = FUNDING.replace("topics: [topic-a]", "topics: [topic-y]")
    assert check_file(write_files(tmp_path, text, partners=partners)).problems == []


def test_topic_listed_twice(tmp_path: Path) -> None:
    text = FUNDING.replace("topics: [topic-a]", "topics: [topic-a, topic-a]")
    location, message = "programmes[prog-a].topics[1]", "'topic-a' is listed twice"
    expected = problem_at(tmp_path, text, "topics", location, message, at="topic-a]")
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_unknown_partner(tmp_path: Path) -> None:
    text = programme_with("partner: nobody")
    message = "unknown partner 'nobody'; name a partner of partners.yaml"
    expected = problem_at(
        tmp_path, text, "partner:", "programmes[prog-a].partner", message, "nobody"
    )
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_known_partner(tmp_path: Path) -> None:
    assert check_file(write_files(tmp_path, programme_with("partner: p1"))).problems == []


def test_partner_named_without_a_partner_directory(tmp_path: Path) -> None:
    text = programme_with("partner: p1")
    questionnaire = WITH_FUNDING.replace("partners: partners.yaml\n", "")
    problems = check_file(write_files(tmp_path, text, questionnaire, partners=None)).problems
    message = "names a partner, but the questionnaire has no partner directory (partners:)"
    expected = problem_at(tmp_path, text, "partner:", "programmes[prog-a].partner", message, "p1")
    assert expected in problems
    assert [p.message for p in problems if p.file == str(tmp_path / "funding.yaml")] == [message]


@pytest.mark.parametrize(
    ("key", "values", "bad", "question"),
    [("regions", "[north, east]", "east", "region"), ("sectors", "[farming]", "farming", "sector")],
)
def test_profile_option_that_does_not_exist(
    tmp_path: Path, key: str, values: str, bad: str, question: str
) -> None:
    text = programme_with("eligibility:", f"  {key}: {values}")
    position = values.strip("[]").split(", ").index(bad)
    location = f"programmes[prog-a].eligibility.{key}[{position}]"
    message = f"'{bad}' is not an option of the profile question '{question}'"
    expected = problem_at(tmp_path, text, f"{key}:", location, message, at=bad)
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_size_that_does_not_exist(tmp_path: Path) -> None:
    text = programme_with("eligibility:", "  sizes: [small, huge]")
    message = "'huge' is not allowed here; use one of 'micro', 'small', 'medium' or 'large'"
    location = "programmes[prog-a].eligibility.sizes[1]"
    expected = problem_at(tmp_path, text, "sizes:", location, message, at="huge")
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_unknown_dimension_in_levels_points_at_the_key(tmp_path: Path) -> None:
    text = programme_with("eligibility:", "  levels: {zz: [low]}")
    message = "unknown dimension 'zz'; name a dimension of the questionnaire"
    location = "programmes[prog-a].eligibility.levels.zz"
    expected = problem_at(tmp_path, text, "levels:", location, message, at="zz")
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_unknown_level(tmp_path: Path) -> None:
    text = programme_with("eligibility:", "  levels: {a: [low, top]}")
    message = "unknown level 'top'; the levels are low, high"
    location = "programmes[prog-a].eligibility.levels.a[1]"
    expected = problem_at(tmp_path, text, "levels:", location, message, at="top")
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_dimension_without_levels(tmp_path: Path) -> None:
    text = programme_with("eligibility:", "  levels: {a: []}")
    message = "name at least one level, or leave the dimension out"
    location = "programmes[prog-a].eligibility.levels.a"
    expected = problem_at(tmp_path, text, "levels:", location, message, at="[]")
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_condition_naming_an_unknown_question(tmp_path: Path) -> None:
    text = programme_with("eligibility:", "  when: {question: nope, in: [x]}")
    message = "'nope' is an unknown question; name a question of the questionnaire"
    location = "programmes[prog-a].eligibility.when.question"
    expected = problem_at(tmp_path, text, "when:", location, message, at="nope")
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_condition_naming_an_option_that_does_not_exist(tmp_path: Path) -> None:
    text = programme_with("eligibility:", "  when: {question: b1, in: [maybe]}")
    message = "'maybe' is not an option of 'b1'; choose from no, yes"
    location = "programmes[prog-a].eligibility.when.in[0]"
    expected = problem_at(tmp_path, text, "when:", location, message, at="maybe")
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_condition_inside_any_is_checked_too(tmp_path: Path) -> None:
    condition = "{any: [{question: a1, in: [yes]}, {question: nope, answered: true}]}"
    text = programme_with("eligibility:", f"  when: {condition}")
    message = "'nope' is an unknown question; name a question of the questionnaire"
    location = "programmes[prog-a].eligibility.when.any[1].question"
    expected = problem_at(tmp_path, text, "when:", location, message, at="nope")
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_duplicate_programme_id_points_at_the_second(tmp_path: Path) -> None:
    second = (
        "  - {id: prog-a, name: Second, funder: F, kind: loan, description: D, topics: [topic-b],"
        " url: 'https://example.org/b', last_checked: 2026-01-15}\n"
    )
    text = FUNDING + second
    message = "duplicate programme id 'prog-a'"
    expected = problem_at(tmp_path, text, "Second", "programmes[prog-a].id", message, "prog-a")
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_unknown_kind(tmp_path: Path) -> None:
    text = FUNDING.replace("kind: grant", "kind: gift")
    message = "'gift' is not allowed here; use one of 'grant', 'loan', 'voucher', 'advice' or 'tax'"
    expected = problem_at(tmp_path, text, "kind:", "programmes[prog-a].kind", message, at="gift")
    assert check_file(write_files(tmp_path, text)).problems == [expected]


def test_text_missing_a_declared_language(tmp_path: Path) -> None:
    questionnaire = WITH_FUNDING.replace(
        "language: en\ntitle: Test", "language: en\nlanguages: [en, de]\ntitle: {en: T, de: T}"
    )
    text = FUNDING.replace("name: Programme A", "name: {en: Programme A}")
    message = "the text is missing the language 'de'; give every declared language"
    location = "programmes[prog-a].name"
    expected = problem_at(tmp_path, text, "name:", location, message, at="{en")
    assert check_file(write_files(tmp_path, text, questionnaire)).problems == [expected]


def test_funding_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    message = "a funding directory must be a mapping with a list of programmes"
    expected = Problem(str(tmp_path / "funding.yaml"), 1, 1, "document", message)
    assert check_file(write_files(tmp_path, "- prog-a\n")).problems == [expected]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.yaml", "the funding directory 'missing.yaml' does not exist next to this file"),
        (
            "../x.yaml",
            "the funding directory '../x.yaml' must be a file in this file's folder (or below it)",
        ),
        (
            "/etc/hostname",
            "the funding directory '/etc/hostname' must be a file in this file's folder "
            "(or below it)",
        ),
    ],
)
def test_funding_file_that_cannot_be_used(tmp_path: Path, name: str, message: str) -> None:
    questionnaire = WITH_FUNDING.replace("funding: funding.yaml", f"funding: {name}")
    (tmp_path / "x.yaml").write_text(FUNDING, encoding="utf-8")
    folder = tmp_path / "checks"
    folder.mkdir()
    expected = problem_at(folder, questionnaire, "funding:", "funding", message, name, "q.yaml")
    assert check_file(write_files(folder, None, questionnaire)).problems == [expected]


def test_funding_file_in_a_sub_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "funding.yaml").write_text(FUNDING, encoding="utf-8")
    questionnaire = WITH_FUNDING.replace("funding: funding.yaml", "funding: data/funding.yaml")
    result = check_file(write_files(tmp_path, None, questionnaire))
    assert result.problems == []
    assert isinstance(result.value, Questionnaire) and result.value.funding_directory is not None


def test_broken_funding_file_keeps_the_questionnaire_from_loading(tmp_path: Path) -> None:
    path = write_files(tmp_path, FUNDING.replace("2026-01-15", "morgen"))
    with pytest.raises(Exception, match="'morgen' is not a date"):
        load_questionnaire(path)


# --- checking a funding file on its own, warnings, and the sample --------------------------


def test_funding_file_alone_is_checked_for_structure_only(tmp_path: Path) -> None:
    text = programme_with("partner: nobody", "sample: true").replace("[topic-a]", "[topic-q]")
    path = tmp_path / "funding.yaml"
    path.write_text(text, encoding="utf-8")
    result = check_file(path)
    assert (result.kind, result.problems) == ("funding directory", [])
    assert summary(result) == f"{path}: ok: funding directory, 1 programme (1 sample)"


def test_funding_file_alone_with_a_bad_date(tmp_path: Path) -> None:
    text = FUNDING.replace("2026-01-15", "2026-13-01")
    path = tmp_path / "funding.yaml"
    path.write_text(text, encoding="utf-8")
    result = check_file(path)
    message = "'2026-13-01' is not a date; write it as YYYY-MM-DD"
    location = "programmes[prog-a].last_checked"
    expected = problem_at(tmp_path, text, "last_checked", location, message, at="2026-13-01")
    assert result.problems == [expected]
    assert summary(result) == f"{path}: invalid"


def test_warnings_need_a_policy(tmp_path: Path) -> None:
    path = write_files(tmp_path, programme_with("open_until: 2026-01-01"))
    assert check_file(path).warnings == []


@pytest.mark.parametrize(
    ("today", "closed", "stale"),
    [
        (date(2026, 1, 31), False, False),
        (date(2026, 2, 1), True, False),
        (date(2026, 2, 14), True, False),
        (date(2026, 2, 15), True, True),
    ],
)
def test_warning_thresholds_are_exclusive(
    tmp_path: Path, today: date, closed: bool, stale: bool
) -> None:
    text = programme_with("open_until: 2026-01-01")
    policy = FundingPolicy(today, stale_days=30, closed_days=30)
    warned = [w.location for w in check_file(write_files(tmp_path, text), policy).warnings]
    expected = ["programmes[prog-a].last_checked"] * stale + [
        "programmes[prog-a].open_until"
    ] * closed
    assert warned == expected


def test_warnings_name_the_programme_and_the_days(tmp_path: Path) -> None:
    text = programme_with("open_until: 2026-01-01")
    policy = FundingPolicy(date(2026, 7, 15), stale_days=180, closed_days=30)
    result = check_file(write_files(tmp_path, text), policy)
    assert result.problems == []
    assert result.warnings == [
        problem_at(
            tmp_path,
            text,
            "last_checked",
            "programmes[prog-a].last_checked",
            "warning: the programme 'prog-a' was last checked 181 days ago (on 2026-01-15); "
            "check it against its source and update last_checked",
            at="2026-01-15",
        ),
        problem_at(
            tmp_path,
            text,
            "open_until",
            "programmes[prog-a].open_until",
            "warning: the programme 'prog-a' closed on 2026-01-01, 195 days ago; remove it, "
            "or give its new open_until",
            at="2026-01-01",
        ),
    ]


def test_sample_files_are_valid() -> None:
    result = check_file(SAMPLE)
    assert result.problems == []
    assert isinstance(result.value, Questionnaire)
    assert "8 funding programmes" in summary(result)
    funding = check_file(SAMPLE_DIR / "funding.yaml")
    assert summary(funding) == (
        f"{SAMPLE_DIR / 'funding.yaml'}: ok: funding directory, 8 programmes (8 samples)"
    )


def test_questionnaire_without_funding_works_as_before(tmp_path: Path) -> None:
    (tmp_path / "funding.yaml").write_text("not: [a funding file\n", encoding="utf-8")
    result = check_file(write_files(tmp_path, None, QUESTIONNAIRE))
    assert result.problems == []
    assert isinstance(result.value, Questionnaire)
    assert result.value.funding_directory is None
    assert result.value.funding is None
    assert summary(result).endswith("languages en, 1 partners")


# --- pinning -----------------------------------------------------------------------------


def test_snapshot_without_funding_keeps_the_hash_it_had(small: Questionnaire) -> None:
    data, content_hash = snapshot(small)
    assert small.directory is not None
    earlier = {
        "questionnaire": small.model_dump(mode="json", by_alias=True, exclude_unset=True),
        "partners": small.directory.model_dump(mode="json", exclude_unset=True),
    }
    assert data == earlier
    assert "funding" not in data["questionnaire"]
    canonical = json.dumps(earlier, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert content_hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_snapshot_of_the_sample_round_trips_its_funding(sample: Questionnaire) -> None:
    data, content_hash = snapshot(sample)
    assert sample.funding_directory is not None
    assert FundingDirectory.model_validate(data["funding"]) == sample.funding_directory
    tax = data["funding"]["programmes"][-1]
    assert tax["eligibility"]["when"] == {
        "question": "innovation_kooperation",
        "in": ["hochschule", "startups", "dienstleister"],
    }
    assert tax["last_checked"] == "2026-04-15"
    pinned = pinned_questionnaire(QuestionnaireVersion(content_hash=content_hash, snapshot=data))
    assert pinned.funding_directory == sample.funding_directory


def test_snapshot_keeps_nested_conditions(tmp_path: Path) -> None:
    condition = "{not: {all: [{question: b1, in: [yes]}, {question: a1, answered: true}]}}"
    path = write_files(tmp_path, programme_with("eligibility:", f"  when: {condition}"))
    questionnaire = load_questionnaire(path)
    data, _hash = snapshot(questionnaire)
    assert data["funding"]["programmes"][0]["eligibility"] == {
        "when": {
            "not": {
                "all": [{"question": "b1", "in": ["yes"]}, {"question": "a1", "answered": True}]
            }
        }
    }
    assert FundingDirectory.model_validate(data["funding"]) == questionnaire.funding_directory


def test_funding_changes_the_hash(tmp_path: Path, small: Questionnaire) -> None:
    with_funding = load_questionnaire(write_files(tmp_path))
    assert snapshot(with_funding)[1] != snapshot(small)[1]
    later = programme_with("open_until: 2026-12-31")
    assert (
        snapshot(load_questionnaire(write_files(tmp_path, later)))[1] != snapshot(with_funding)[1]
    )
