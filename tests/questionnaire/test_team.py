"""The combined result of a team check, against values worked out by hand."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment.cli import questionnaire_cli
from assessment.questionnaire import load_questionnaire
from assessment.questionnaire.advice import match_recommendations
from assessment.questionnaire.team import score_team

TEAM = """\
id: team
version: 1
language: en
title: Team
levels:
  - {id: low, min: 0, label: Low}
  - {id: high, min: 50, label: High}
profile:
  - id: sector
    type: single
    text: Sector
    options: [{id: craft, label: Crafts}, {id: trade, label: Trade}]
dimensions:
  - id: a
    title: A
    questions:
      - id: a1
        type: single
        text: One
        options:
          - {id: no, label: No, score: 0}
          - {id: part, label: Partly, score: 1}
          - {id: yes, label: Yes, score: 2}
      - id: a2
        type: single
        text: Two
        weight: 2
        required: false
        show_if: {question: sector, in: [craft]}
        options:
          - {id: no, label: No, score: 0}
          - {id: yes, label: Yes, score: 1}
          - {id: dk, label: Don't know, score: null}
    recommendations:
      - {levels: [low, high], text: Always, effort: low}
  - id: b
    title: B
    weight: 3
    questions:
      - id: b1
        type: single
        text: Three
        show_if: {question: a1, in: [part, yes]}
        options:
          - {id: o0, label: Zero, score: 0}
          - {id: o1, label: One, score: 1}
          - {id: o2, label: Two, score: 2}
          - {id: o3, label: Three, score: 3}
      - id: b2
        type: single
        text: Four
        required: false
        options:
          - {id: no, label: No, score: 0}
          - {id: yes, label: Yes, score: 1}
    recommendations:
      - {id: b-when-yes, when: {question: b2, in: ["yes"]}, text: When yes, effort: low}
      - {id: b-when-trade, when: {question: sector, in: [trade]}, text: Trade, effort: low}
"""
#: The coordinator's profile; then three respondents. R2's b1 is hidden (a1 is no) and a2 is
#: "don't know"; R3 leaves a2 and b2 unanswered.
PROFILE = {"sector": "craft"}
R1 = {"a1": "yes", "a2": "yes", "b1": "o3", "b2": "no"}
R2 = {"a1": "no", "a2": "dk", "b1": "o1", "b2": "yes"}
R3 = {"a1": "part", "b1": "o0"}


@pytest.fixture
def team_file(tmp_path: Path) -> Path:
    """The questionnaire of the examples."""
    path = tmp_path / "team.yaml"
    path.write_text(TEAM, encoding="utf-8")
    return path


def test_combined_scores_by_hand(team_file: Path) -> None:
    """Question scores are averaged over the respondents who scored them, then combined as for
    one respondent.

    a1: (100 + 0 + 50) / 3 = 50; a2: only R1 scored it, 100; A = (50·1 + 100·2) / 3 = 250/3.
    b1: R2's is hidden, (100 + 0) / 2 = 50; b2: R3 left it, (0 + 100) / 2 = 50; B = 50.
    Overall: (250/3 · 1 + 50 · 3) / 4 = 175/3.
    """
    questionnaire = load_questionnaire(team_file)
    team = score_team(questionnaire, PROFILE, [R1, R2, R3])
    combined = team.combined
    assert combined.dimension("a").score == Fraction(250, 3)
    assert combined.dimension("b").score == Fraction(50)
    assert combined.overall == Fraction(175, 3)
    assert combined.level is not None and combined.level.id == "high"
    questions = {q.question_id: q.score for q in combined.dimension("a").questions}
    assert questions == {"a1": Fraction(50), "a2": Fraction(100)}
    assert [q.question_id for q in combined.dimension("b").questions] == ["b1", "b2"]


def test_the_spread_per_dimension_by_hand(team_file: Path) -> None:
    """Each respondent's own dimension scores: A is 100, 0 and 50; B is 50, 100 and 0; each has
    lowest 0, highest 100 and the population standard deviation sqrt(5000/3)."""
    questionnaire = load_questionnaire(team_file)
    team = score_team(questionnaire, PROFILE, [R1, R2, R3])
    own = [[r.dimension(d).score for d in ("a", "b")] for r in team.respondents]
    assert own == [[100, 50], [0, 100], [50, 0]]
    for dimension in ("a", "b"):
        spread = team.spread(dimension)
        assert (spread.respondents, spread.lowest, spread.highest) == (3, 0, 100)
        assert spread.range == 100
        assert spread.deviation == pytest.approx(math.sqrt(5000 / 3))


def test_the_questions_they_see_differently(team_file: Path) -> None:
    """Most apart first: b1 (100 and 0) and b2 (0 and 100), then a1; a2 has one score only.
    The answers are given without who gave them."""
    questionnaire = load_questionnaire(team_file)
    team = score_team(questionnaire, PROFILE, [R1, R2, R3])
    found = team.disagreements()
    assert [q.question.id for q in found] == ["b1", "b2", "a1"]
    assert [q.deviation for q in found] == pytest.approx([50, 50, math.sqrt(5000 / 3)])
    assert sorted(found[0].answers) == ["o0", "o3"], "R2's hidden answer does not count"
    assert sorted(found[2].answers) == ["no", "part", "yes"]


def test_a_condition_of_advice_holds_when_it_holds_for_any_respondent(team_file: Path) -> None:
    """R2 answered b2 yes: the advice for yes is given; the profile is the coordinator's."""
    questionnaire = load_questionnaire(team_file)
    team = score_team(questionnaire, PROFILE, [R1, R2, R3])
    matched = [m.reference for m in match_recommendations(team.combined)]
    assert matched == ["a#1", "b-when-yes"]
    alone = score_team(questionnaire, PROFILE, [R1, R3])
    assert [m.reference for m in match_recommendations(alone.combined)] == ["a#1"]


def test_one_respondent_scores_as_a_plain_check(team_file: Path) -> None:
    """A team of one scores exactly as the check of that person."""
    from assessment.questionnaire.scoring import score_assessment

    questionnaire = load_questionnaire(team_file)
    team = score_team(questionnaire, PROFILE, [R1])
    plain = score_assessment(questionnaire, {**PROFILE, **R1})
    assert team.combined.to_json() == plain.to_json()
    assert team.spread("a").deviation == 0


def test_respondents_cannot_change_the_profile(team_file: Path) -> None:
    """A respondent's own profile answer is ignored: conditions read the coordinator's."""
    questionnaire = load_questionnaire(team_file)
    team = score_team(questionnaire, PROFILE, [R1, {**R2, "sector": "trade"}])
    assert all(r.answers["sector"] == "craft" for r in team.respondents)
    assert "b-when-trade" not in [m.reference for m in match_recommendations(team.combined)]


# --- flask questionnaire score with several answer sets --------------------------------------


def write(folder: Path, name: str, document: object) -> Path:
    """An answers file."""
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_score_command_prints_the_combined_result_and_spread(
    team_file: Path, tmp_path: Path
) -> None:
    """Several files: the combined result, the number of respondents, the spread, the advice."""
    files = [
        write(tmp_path, "r1.json", {"profile": PROFILE, "answers": R1}),
        write(tmp_path, "r2.json", {"answers": R2}),
        write(tmp_path, "r3.json", {"answers": R3}),
    ]
    result = CliRunner().invoke(questionnaire_cli, ["score", str(team_file), *map(str, files)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["overall"] == {"score": pytest.approx(175 / 3), "level": "high"}
    assert printed["dimensions"]["a"] == {"score": pytest.approx(250 / 3), "level": "high"}
    assert printed["respondents"] == 3
    assert printed["spread"]["b"] == {
        "respondents": 3,
        "lowest": 0.0,
        "highest": 100.0,
        "deviation": pytest.approx(math.sqrt(5000 / 3)),
    }
    assert printed["recommendations"] == ["a#1", "b-when-yes"]


def test_score_command_refuses_a_second_profile(team_file: Path, tmp_path: Path) -> None:
    """The profile is the coordinator's: another one in a later file is an error."""
    files = [
        write(tmp_path, "r1.json", {"profile": PROFILE, "answers": R1}),
        write(tmp_path, "r2.json", {"profile": {"sector": "trade"}, "answers": R2}),
    ]
    result = CliRunner().invoke(questionnaire_cli, ["score", str(team_file), *map(str, files)])
    assert result.exit_code == 1
    assert "r2.json: profile: the profile belongs to the coordinator (the first file)" in (
        result.stderr
    )


def test_score_command_names_each_files_problems(team_file: Path, tmp_path: Path) -> None:
    """Every file's wrong answers are named with the file."""
    files = [
        write(tmp_path, "r1.json", {"profile": PROFILE, "answers": {"a1": "maybe"}}),
        write(tmp_path, "r2.json", {"answers": {"zz": "no"}}),
    ]
    result = CliRunner().invoke(questionnaire_cli, ["score", str(team_file), *map(str, files)])
    assert result.exit_code == 1
    assert "r1.json: answers.a1:" in result.stderr
    assert "r2.json: answers.zz: there is no question with this id" in result.stderr
