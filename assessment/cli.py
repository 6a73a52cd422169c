"""`flask questionnaire ...`: check files, score answer sets, print the JSON Schema.

These commands need no application: they work on files alone, so that an invalid
questionnaire (which stops the app from starting) can still be checked.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from .config import ConfigError, funding_settings
from .questionnaire import Questionnaire, QuestionnaireError, check_file, load_questionnaire
from .questionnaire.advice import build_action_plan, match_recommendations
from .questionnaire.conditions import hidden_questions
from .questionnaire.funding_matching import match_funding
from .questionnaire.loading.funding import FundingPolicy
from .questionnaire.loading.loader import summary
from .questionnaire.loading.schema import (
    centre_schema,
    funding_schema,
    partners_schema,
    questionnaire_schema,
)
from .questionnaire.matching import CompanyProfile
from .questionnaire.scoring import read_answers, score_assessment
from .questionnaire.team import score_team


@click.group("questionnaire")
def questionnaire_cli() -> None:
    """Check questionnaires, partner directories and the centre file; try out scoring."""


_AS_OF = click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Take this day (YYYY-MM-DD) as today for funding programmes' dates.",
)


@questionnaire_cli.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@_AS_OF
def check_command(paths: tuple[Path, ...], as_of: Any) -> None:
    """Validate questionnaire, partner, funding and centre files; print every problem, or a
    summary. Funding programmes closed or not checked for long are warned of (exit code 0)."""
    policy = _funding_policy(as_of)
    results = [check_file(path, policy) for path in paths]
    for warning in sorted({warning for result in results for warning in result.warnings}):
        click.echo(str(warning))
    problems = sorted({problem for result in results for problem in result.problems})
    if not problems:
        for result in results:
            click.echo(summary(result))
        return
    for problem in problems:
        click.echo(str(problem))
    failed = sum(1 for result in results if result.problems)
    noun = "problem" if len(problems) == 1 else "problems"
    click.echo(f"{len(problems)} {noun} in {failed} of {len(results)} files checked", err=True)
    raise SystemExit(1)


@questionnaire_cli.command("score")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.argument(
    "answers_paths",
    metavar="ANSWERS.json [MORE.json ...]",
    nargs=-1,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
)
@_AS_OF
def score_command(path: Path, answers_paths: tuple[Path, ...], as_of: Any) -> None:
    """Print the scores of an answer set, the recommendations and funding programmes it
    matches, as JSON.

    With several answer sets (a team check), print their combined result, the number of
    respondents and the spread of each dimension; the first file is the coordinator's and gives
    the profile, the others give answers only.
    """
    try:
        questionnaire = load_questionnaire(path)
    except QuestionnaireError as error:
        _fail(*(str(problem) for problem in error.problems))
    read = [_answer_set(questionnaire, answers_path) for answers_path in answers_paths]
    messages = [message for _profile, _answers, found in read for message in found]
    coordinator = read[0][0]
    for answers_path, (profile, _answers, _found) in zip(answers_paths[1:], read[1:], strict=True):
        if profile and profile != coordinator:
            messages.append(
                f"{answers_path}: profile: the profile belongs to the coordinator (the first "
                "file); give the other respondents' answers only"
            )
    if messages:
        _fail(*messages)
    answer_sets = [{**coordinator, **answers} for _profile, answers, _found in read]
    for answers in answer_sets:
        for question_id in hidden_questions(questionnaire, answers):
            if question_id in answers:
                click.echo(
                    f"note: the answer to {question_id!r} is ignored: its condition hides it",
                    err=True,
                )
    if len(answer_sets) == 1:
        result = score_assessment(questionnaire, answer_sets[0])
        output = result.to_json()
    else:
        team = score_team(questionnaire, coordinator, answer_sets)
        result, output = team.combined, team.to_json()
    output["recommendations"] = [match.reference for match in match_recommendations(result)]
    if questionnaire.funding_directory is not None:
        programmes = match_funding(
            questionnaire.funding_directory,
            questionnaire.directory,
            build_action_plan(result),
            result,
            CompanyProfile.from_answers(coordinator),
            _today(as_of),
        )
        output["funding"] = [found.programme.id for found in programmes]
    click.echo(json.dumps(output, indent=2, ensure_ascii=False))


def _today(as_of: Any) -> date:
    """The day given with --as-of, else today."""
    return as_of.date() if as_of is not None else date.today()


def _funding_policy(as_of: Any) -> FundingPolicy:
    """When funding entries are out of date: the settings FUNDING_STALE_DAYS and
    FUNDING_CLOSED_DAYS from the environment, as the application reads them."""
    try:
        settings = funding_settings(os.environ)
    except ConfigError as error:
        _fail(str(error))
    return FundingPolicy(
        _today(as_of), settings["FUNDING_STALE_DAYS"], settings["FUNDING_CLOSED_DAYS"]
    )


def _answer_set(
    questionnaire: Questionnaire, answers_path: Path
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """One answers file read: its profile, its other answers, and what is wrong with it."""
    document = _read_json(answers_path)
    raw: dict[str, dict[str, Any]] = {}
    messages = []
    for section in ("profile", "answers"):
        value = document.get(section, {})
        if not isinstance(value, dict):
            messages.append(
                f"{answers_path}: {section}: must be an object of question ids to answers"
            )
            value = {}
        raw[section] = value
    profile_ids = {question.id for question in questionnaire.profile}
    answers, problems = read_answers(questionnaire, {**raw["profile"], **raw["answers"]})
    for problem in problems:
        section = "profile" if problem.question_id in raw["profile"] else "answers"
        messages.append(f"{answers_path}: {section}.{problem.question_id}: {problem.message}")
    for section, expected in (("profile", True), ("answers", False)):
        for question_id in raw[section]:
            if (
                question_id in questionnaire.question_index
                and (question_id in profile_ids) != expected
            ):
                where = "answers" if expected else "the profile"
                messages.append(f"{answers_path}: {section}.{question_id}: belongs in {where}")
    profile = {key: value for key, value in answers.items() if key in profile_ids}
    rest = {key: value for key, value in answers.items() if key not in profile_ids}
    return profile, rest, messages


def _read_json(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        _fail(f"{path}: cannot read the file: {error.strerror or error}")
    except UnicodeDecodeError:
        _fail(f"{path}: the file is not valid UTF-8 text")
    except json.JSONDecodeError as error:
        _fail(f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}")
    if not isinstance(document, dict):
        _fail(f'{path}: expected an object such as {{"profile": {{...}}, "answers": {{...}}}}')
    unknown = sorted(set(document) - {"profile", "answers"})
    if unknown:
        _fail(f"{path}: unknown key {unknown[0]!r}; the keys are profile and answers")
    return document


def _fail(*lines: str) -> NoReturn:
    for line in lines:
        click.echo(line, err=True)
    raise SystemExit(1)


_SCHEMAS = (("partners", partners_schema), ("centre", centre_schema), ("funding", funding_schema))


@questionnaire_cli.command("schema")
@click.option("--partners", is_flag=True, help="The schema of partner directory files instead.")
@click.option("--centre", is_flag=True, help="The schema of the centre file instead.")
@click.option("--funding", is_flag=True, help="The schema of funding directory files instead.")
def schema_command(partners: bool, centre: bool, funding: bool) -> None:
    """Print the JSON Schema of questionnaire files (or partner, funding or centre files)."""
    flags = {"partners": partners, "centre": centre, "funding": funding}
    chosen = [schema for name, schema in _SCHEMAS if flags[name]]
    if len(chosen) > 1:
        _fail("choose one of --partners, --funding and --centre")
    schema = chosen[0]() if chosen else questionnaire_schema()
    click.echo(json.dumps(schema, indent=2, ensure_ascii=False))
