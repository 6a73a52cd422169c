"""Recommendations that fit the answers: `when`, ids, time frames, benefits and sources.

Every file valid before keeps its meaning: a recommendation without `when` matches exactly as
before, and the new keys are optional.
"""

from __future__ import annotations

from pathlib import Path

from assessment.questionnaire import load_questionnaire
from assessment.questionnaire.advice import match_recommendations
from assessment.questionnaire.scoring import read_answers, score_assessment

from .validation_helpers import VALID, check_text, expect, find

RULE = "      - {levels: [low], text: {de: Tun, en: Do}, effort: low, partners: [data]}\n"
SECOND = """\
  - id: tools
    title: {de: Werkzeuge, en: Tools}
    questions:
      - id: q_tools
        type: single
        text: {de: Werkzeuge?, en: Tools?}
        options:
          - {id: none, label: {de: Keine, en: None}, score: 0}
          - {id: some, label: {de: Einige, en: Some}, score: 1}
"""


def with_rules(*rules: str, second: bool = False) -> str:
    """The valid file with these recommendations in place of its one (and a second dimension)."""
    text = VALID.replace(RULE, "".join(f"      - {rule}\n" for rule in rules))
    return text + SECOND if second else text


def matched(tmp_path: Path, text: str, answers: dict[str, object]) -> list[str]:
    """The references of the recommendations that a set of answers matches."""
    assert check_text(tmp_path, text) == []
    questionnaire = load_questionnaire(tmp_path / "q.yaml")
    read, problems = read_answers(questionnaire, answers)
    assert problems == []
    return [m.reference for m in match_recommendations(score_assessment(questionnaire, read))]


def test_when_alone_follows_the_answers(tmp_path: Path) -> None:
    """A recommendation with only `when` matches exactly when its condition holds."""
    text = with_rules(
        "{id: start, when: {question: q_single, in: [no]}, text: {de: A, en: A}, effort: low}",
        "{id: keep, when: {question: q_single, in: [yes]}, text: {de: B, en: B}, effort: low}",
    )
    assert matched(tmp_path, text, {"q_single": "no"}) == ["start"]
    assert matched(tmp_path, text, {"q_single": "yes"}) == ["keep"]


def test_when_beside_levels_needs_both(tmp_path: Path) -> None:
    """Beside `levels`, the level and the condition must both hold."""
    text = with_rules(
        "{levels: [low], when: {question: sector, in: [craft]}, text: {de: A, en: A}, effort: low}",
        "{max_score: 40, text: {de: B, en: B}, effort: medium}",
    )
    assert matched(tmp_path, text, {"sector": "craft", "q_single": "no"}) == ["data#1", "data#2"]
    assert matched(tmp_path, text, {"sector": "trade", "q_single": "no"}) == ["data#2"]
    assert matched(tmp_path, text, {"sector": "craft", "q_single": "yes"}) == []


def test_when_may_name_its_own_page_and_the_profile(tmp_path: Path) -> None:
    """A condition may refer to the profile, its own dimension and earlier ones."""
    text = with_rules(
        "{when: {all: [{question: sector, answered: true}, {question: q_single, in: [no]}]}, "
        "text: {de: A, en: A}, effort: low}"
    )
    assert check_text(tmp_path, text) == []


def test_when_may_not_name_a_later_or_unknown_question(tmp_path: Path) -> None:
    """A later dimension's question, or one that does not exist, is refused at its place."""
    text = with_rules(
        "{when: {question: q_tools, in: [none]}, text: {de: A, en: A}, effort: low}",
        "{when: {question: q_nothing, answered: true}, text: {de: B, en: B}, effort: low}",
        second=True,
    )
    problems = check_text(tmp_path, text)
    later = expect(problems, text, "q_tools, in", "'q_tools' is a later question", "q_tools")
    assert "its own dimension or of an earlier one" in later.message
    expect(problems, text, "q_nothing", "'q_nothing' is an unknown question")


def test_when_names_only_options_that_exist(tmp_path: Path) -> None:
    """An option the question does not have is refused, with the options it has."""
    text = with_rules(
        "{when: {question: q_single, in: [maybe]}, text: {de: A, en: A}, effort: low}"
    )
    problem = expect(
        check_text(tmp_path, text), text, "maybe", "'maybe' is not an option of 'q_single'"
    )
    assert problem.message.endswith("choose from no, yes")


def test_a_rule_is_needed_and_ids_are_unique(tmp_path: Path) -> None:
    """Without levels, max_score or when a recommendation never applies: that is refused; ids
    of recommendations are unique."""
    text = with_rules(
        "{id: same, levels: [low], text: {de: A, en: A}, effort: low}",
        "{id: same, max_score: 10, text: {de: B, en: B}, effort: low}",
        "{text: {de: C, en: C}, effort: low}",
    )
    problems = check_text(tmp_path, text)
    find(problems, "give either levels or max_score, or when")
    find(problems, "same")


def test_time_frame_benefit_and_sources(tmp_path: Path) -> None:
    """The optional details are read; a wrong time frame or link is refused at its place."""
    rule = (
        "{levels: [low], text: {de: A, en: A}, effort: low, time_frame: weeks, "
        "benefit: {de: Weniger Ausfall, en: Less downtime}, "
        "sources: [{title: {de: BSI, en: BSI}, url: 'https://www.bsi.bund.de/'}]}"
    )
    assert check_text(tmp_path, with_rules(rule)) == []
    recommendation = load_questionnaire(tmp_path / "q.yaml").dimensions[0].recommendations[0]
    assert recommendation.time_frame == "weeks"
    assert (
        recommendation.benefit is not None and recommendation.benefit.get("en") == "Less downtime"
    )
    assert [s.url for s in recommendation.sources] == ["https://www.bsi.bund.de/"]
    wrong = with_rules(rule.replace("weeks", "fortnight").replace("https://", "ftp://"))
    problems = check_text(tmp_path, wrong)
    expect(problems, wrong, "fortnight", "fortnight")
    find(problems, "ftp://")
