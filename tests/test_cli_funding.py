"""`flask questionnaire check --as-of | score | schema --funding`: funding as scripts see it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from assessment.cli import questionnaire_cli
from assessment.questionnaire import Questionnaire
from assessment.questionnaire.loading.source import load_yaml

from .conftest import SAMPLE, SAMPLE_DIR
from .questionnaire.test_funding import FUNDING, QUESTIONNAIRE, write_files
from .questionnaire.validation_helpers import column_of, line_of

#: Closed on 2026-01-01; last checked on 2025-11-01. (prog-a of FUNDING: checked 2026-01-15.)
OLD = """\
  - id: prog-old
    name: Old programme
    funder: Funder
    kind: loan
    description: Was for A.
    topics: [topic-a]
    open_until: 2026-01-01
    url: https://example.org/old
    last_checked: 2025-11-01
"""
WITH_OLD = FUNDING + OLD
FUNDING_FILE = SAMPLE_DIR / "funding.yaml"


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """Run `flask questionnaire ARGS` in-process, with the funding settings at their defaults
    unless ``env`` gives them."""
    environment: dict[str, str | None] = {"FUNDING_STALE_DAYS": None, "FUNDING_CLOSED_DAYS": None}
    environment.update(env or {})
    return CliRunner().invoke(questionnaire_cli, [str(arg) for arg in args], env=environment)


def at(folder: Path, text: str, marker: str, value: str) -> str:
    """PATH:LINE:COLUMN of ``value`` on the line of ``marker`` in the funding file."""
    return f"{folder / 'funding.yaml'}:{line_of(text, marker)}:{column_of(text, marker, value)}"


def closed_warning(folder: Path, days: int) -> str:
    where = at(folder, WITH_OLD, "open_until", "2026-01-01")
    return (
        f"{where}: programmes[prog-old].open_until: warning: the programme 'prog-old' closed on "
        f"2026-01-01, {days} days ago; remove it, or give its new open_until"
    )


def stale_warning(folder: Path, programme: str, checked: str, days: int) -> str:
    where = at(folder, WITH_OLD, f"last_checked: {checked}", checked)
    return (
        f"{where}: programmes[{programme}].last_checked: warning: the programme '{programme}' "
        f"was last checked {days} days ago (on {checked}); check it against its source and "
        "update last_checked"
    )


def summary_line(path: Path) -> str:
    return (
        f"{path}: ok: questionnaire 'test' version 1, 2 dimensions, 3 questions, 2 levels, "
        "languages en, 1 partners, 2 funding programmes"
    )


# --- check --as-of -------------------------------------------------------------------------


def test_check_warns_of_closed_and_stale_programmes_and_exits_0(tmp_path: Path) -> None:
    path = write_files(tmp_path, WITH_OLD)
    result = run("check", path, "--as-of", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        closed_warning(tmp_path, 151),
        stale_warning(tmp_path, "prog-old", "2025-11-01", 212),
        summary_line(path),
    ]
    assert result.stderr == ""


@pytest.mark.parametrize(("as_of", "warned"), [("2026-01-31", False), ("2026-02-01", True)])
def test_check_warns_of_a_programme_closed_more_than_30_days(
    tmp_path: Path, as_of: str, warned: bool
) -> None:
    path = write_files(tmp_path, WITH_OLD)
    result = run("check", path, "--as-of", as_of)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [closed_warning(tmp_path, 31)] * warned + [
        summary_line(path)
    ]


def test_check_thresholds_come_from_the_environment(tmp_path: Path) -> None:
    path = write_files(tmp_path, WITH_OLD)
    env = {"FUNDING_CLOSED_DAYS": "60", "FUNDING_STALE_DAYS": "30"}
    result = run("check", path, "--as-of", "2026-03-01", env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        stale_warning(tmp_path, "prog-a", "2026-01-15", 45),
        stale_warning(tmp_path, "prog-old", "2025-11-01", 120),
        summary_line(path),
    ]
    closed = run("check", path, "--as-of", "2026-03-01", env={"FUNDING_CLOSED_DAYS": "58"})
    assert closed.stdout.splitlines() == [closed_warning(tmp_path, 59), summary_line(path)]


@pytest.mark.parametrize(
    ("name", "value"),
    [("FUNDING_STALE_DAYS", "abc"), ("FUNDING_STALE_DAYS", "-5"), ("FUNDING_CLOSED_DAYS", "0")],
)
def test_check_refuses_a_threshold_that_is_not_a_positive_number(
    tmp_path: Path, name: str, value: str
) -> None:
    result = run(
        "check", write_files(tmp_path, WITH_OLD), "--as-of", "2026-06-01", env={name: value}
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"{name} must be a positive whole number, not {value!r}\n"


def test_check_prints_warnings_also_when_there_are_problems(tmp_path: Path) -> None:
    text = WITH_OLD.replace("topics: [topic-a]", "topics: [x]", 1)
    path = write_files(tmp_path, text)
    result = run("check", path, "--as-of", "2026-03-01")
    assert result.exit_code == 1
    problem = (
        f"{at(tmp_path, text, 'topics: [x]', 'x')}: programmes[prog-a].topics[0]: "
        "unknown topic 'x'; use a topic of partners.yaml or of a recommendation"
    )
    assert result.stdout.splitlines() == [closed_warning(tmp_path, 59), problem]
    assert result.stderr == "1 problem in 1 of 1 files checked\n"


def test_check_of_questionnaire_and_funding_file_warns_once(tmp_path: Path) -> None:
    path = write_files(tmp_path, WITH_OLD)
    result = run("check", path, tmp_path / "funding.yaml", "--as-of", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        closed_warning(tmp_path, 59),
        summary_line(path),
        f"{tmp_path / 'funding.yaml'}: ok: funding directory, 2 programmes",
    ]


def test_check_sample_as_of_a_later_day_warns_of_the_old_entry() -> None:
    result = run("check", SAMPLE, FUNDING_FILE, "--as-of", "2027-01-31")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{FUNDING_FILE}:167:19: programmes[steuerliche-forschungsfoerderung].last_checked: "
        "warning: the programme 'steuerliche-forschungsfoerderung' was last checked 291 days ago "
        "(on 2026-04-15); check it against its source and update last_checked"
    )
    assert lines[1].startswith(f"{SAMPLE}: ok: questionnaire 'digitalcheck'")
    assert lines[1].endswith(", 8 funding programmes")
    assert lines[2:] == [f"{FUNDING_FILE}: ok: funding directory, 8 programmes (8 samples)"]


@pytest.mark.parametrize(("as_of", "warned"), [("2026-10-12", False), ("2026-10-13", True)])
def test_check_sample_warns_once_its_oldest_entry_is_180_days_old(as_of: str, warned: bool) -> None:
    result = run("check", SAMPLE, "--as-of", as_of)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stdout.splitlines() if ": warning: " in line]
    assert len(warnings) == warned
    assert all(
        "'steuerliche-forschungsfoerderung' was last checked 181 days" in w for w in warnings
    )


def test_check_refuses_a_day_in_another_format() -> None:
    result = run("check", SAMPLE, "--as-of", "31.01.2027")
    assert result.exit_code == 2
    assert "Invalid value for '--as-of': '31.01.2027' does not match the format '%Y-%m-%d'" in (
        result.stderr
    )


# --- score ---------------------------------------------------------------------------------

#: For the small questionnaire: each programme once, by its topics, rules and dates.
SCORED = """\
programmes:
  - {id: prog-a, name: A, funder: F, kind: grant, description: D, topics: [topic-a],
     url: "https://example.org/a", last_checked: 2026-01-15}
  - {id: prog-when, name: W, funder: F, kind: grant, description: D, topics: [topic-a],
     eligibility: {when: {question: b1, in: ["yes"]}},
     url: "https://example.org/w", last_checked: 2026-01-15}
  - {id: prog-closing, name: C, funder: F, kind: loan, description: D, topics: [topic-a],
     open_until: 2026-02-01, url: "https://example.org/c", last_checked: 2026-01-15}
  - {id: prog-b, name: B, funder: F, kind: grant, description: D, topics: [topic-b],
     url: "https://example.org/b", last_checked: 2026-01-15}
  - {id: prog-soon, name: S, funder: F, kind: voucher, description: D, topics: [topic-b],
     open_from: 2026-06-01, url: "https://example.org/s", last_checked: 2026-01-15}
"""


def answers_file(folder: Path, name: str, document: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def score(*args: str | Path) -> dict[str, Any]:
    result = run("score", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("as_of", "funding"),
    [
        ("2026-02-01", ["prog-b", "prog-soon", "prog-a", "prog-closing"]),
        ("2026-02-02", ["prog-b", "prog-soon", "prog-a"]),
        ("2026-07-01", ["prog-b", "prog-soon", "prog-a"]),
    ],
)
def test_score_lists_the_programmes_in_action_plan_order(
    tmp_path: Path, as_of: str, funding: list[str]
) -> None:
    path = write_files(tmp_path, SCORED)
    answers = answers_file(tmp_path, "a.json", {"answers": {"a1": "no", "b1": "no"}})
    output = score(path, answers, "--as-of", as_of)
    assert output["recommendations"] == ["a-low", "b-low"]
    assert output["funding"] == funding


def test_score_team_condition_holds_for_any_respondent(tmp_path: Path) -> None:
    path = write_files(tmp_path, SCORED)
    first = answers_file(tmp_path, "1.json", {"answers": {"a1": "no", "b1": "no"}})
    second = answers_file(tmp_path, "2.json", {"answers": {"a1": "no", "b1": "yes"}})
    assert score(path, first, second, "--as-of", "2026-03-01")["funding"] == ["prog-a", "prog-when"]
    alone = score(path, first, first, "--as-of", "2026-03-01")["funding"]
    assert alone == ["prog-b", "prog-soon", "prog-a"]


def test_score_with_nothing_matched_lists_no_programme(tmp_path: Path) -> None:
    path = write_files(tmp_path, SCORED)
    output = score(path, answers_file(tmp_path, "a.json", {"answers": {}}), "--as-of", "2026-03-01")
    assert output["funding"] == []


def test_score_without_funding_has_no_funding_key(tmp_path: Path) -> None:
    path = write_files(tmp_path, None, QUESTIONNAIRE)
    output = score(path, answers_file(tmp_path, "a.json", {"answers": {"a1": "no"}}))
    assert set(output) == {"questionnaire", "version", "overall", "dimensions", "recommendations"}


def sample_document(sample: Questionnaire) -> dict[str, Any]:
    """A craft firm in Lippstadt giving the lowest scored option of every single question."""
    answers = {}
    for dimension in sample.dimensions:
        for question in dimension.questions:
            if question.type_name == "single":
                answers[question.id] = next(o.id for o in question.options if o.score is not None)
    profile = {"sector": "handwerk", "size": "small", "region": "lippstadt"}
    return {"profile": profile, "answers": answers}


SAMPLE_FUNDING = [
    "it-sicherheitscheck-zuschuss",
    "beratungsfoerderung-kmu",
    "kammer-erstberatung",
    "foerderkredit-digitalisierung",
    "weiterbildungsbonus-digital",
    "innovationsgutschein-nrw",
]


@pytest.mark.parametrize(
    ("as_of", "funding"),
    [
        ("2025-06-01", SAMPLE_FUNDING),
        ("2029-12-31", SAMPLE_FUNDING),
        ("2030-01-01", SAMPLE_FUNDING[:-1]),
    ],
)
def test_score_sample_lists_its_programmes(
    tmp_path: Path, sample: Questionnaire, as_of: str, funding: list[str]
) -> None:
    answers = answers_file(tmp_path, "a.json", sample_document(sample))
    output = score(SAMPLE, answers, "--as-of", as_of)
    assert set(output) == {
        "questionnaire",
        "version",
        "overall",
        "dimensions",
        "recommendations",
        "funding",
    }
    assert output["funding"] == funding


def test_score_sample_firm_elsewhere_gets_the_local_bonus(
    tmp_path: Path, sample: Questionnaire
) -> None:
    document = sample_document(sample)
    document["profile"] = {"sector": "handel", "size": "micro", "region": "werl"}
    output = score(SAMPLE, answers_file(tmp_path, "a.json", document), "--as-of", "2026-12-01")
    assert "digitalbonus-hellweg-west" in output["funding"]
    document["profile"]["size"] = "medium"
    output = score(SAMPLE, answers_file(tmp_path, "b.json", document), "--as-of", "2026-12-01")
    assert "digitalbonus-hellweg-west" not in output["funding"]


# --- schema --funding ----------------------------------------------------------------------


def test_schema_funding_is_the_committed_file() -> None:
    result = run("schema", "--funding")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["title"] == "Digital-Check funding directory"
    committed = SAMPLE_DIR / "schema" / "funding.schema.json"
    assert schema == json.loads(committed.read_text(encoding="utf-8"))


def test_schema_funding_accepts_the_sample_and_rejects_a_bad_date() -> None:
    schema = json.loads(run("schema", "--funding").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    data = load_yaml(FUNDING_FILE).data
    jsonschema.validate(data, schema)
    broken = copy.deepcopy(data)
    broken["programmes"][0]["last_checked"] = "2026-1-5"
    with pytest.raises(jsonschema.ValidationError, match="2026-1-5"):
        jsonschema.validate(broken, schema)


@pytest.mark.parametrize("other", ["--partners", "--centre"])
def test_schema_funding_with_another_schema_fails(other: str) -> None:
    result = run("schema", "--funding", other)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "choose one of --partners, --funding and --centre\n"
