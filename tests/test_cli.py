"""`flask questionnaire check | score | schema`: output and exit codes as scripts see them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result

from assessment.cli import questionnaire_cli
from assessment.questionnaire import Questionnaire
from assessment.questionnaire.advice import match_recommendations
from assessment.questionnaire.scoring import read_answers, score_assessment

from .conftest import PARTNERS, SAMPLE, SAMPLE_DIR
from .questionnaire.validation_helpers import VALID, line_of

PROBLEM_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<where>[^:]+): .+$")


def run(*args: str | Path) -> Result:
    """Run `flask questionnaire ARGS` in-process."""
    return CliRunner().invoke(questionnaire_cli, [str(arg) for arg in args])


def write_json(folder: Path, document: Any) -> Path:
    """An answers file."""
    path = folder / "answers.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# --- check ---------------------------------------------------------------------------------


def test_check_sample_files() -> None:
    """The shipped files are valid: exit 0 and one summary line per file."""
    result = run("check", SAMPLE, PARTNERS)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if ": warning: " not in line]
    assert len(lines) == 2
    assert lines[0].startswith(f"{SAMPLE}: ok: questionnaire 'digitalcheck' version 1")
    assert "9 dimensions" in lines[0]
    assert lines[1].startswith(f"{PARTNERS}: ok: partner directory")


def test_check_bad_file_lists_every_problem(tmp_path: Path) -> None:
    """Exit 1, every problem on a line of its own as PATH:LINE:COLUMN: location: message."""
    bad = tmp_path / "q.yaml"
    bad.write_text(VALID.replace("version: 1", "version: one").replace("effort: low", "effort: x"))
    (tmp_path / "partners.yaml").write_text("- {id: p, name: P, kind: public, topics: [data]}\n")
    result = run("check", bad, SAMPLE)
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if ": warning: " not in line]
    assert len(lines) == 2
    for line in lines:
        match = PROBLEM_LINE.match(line)
        assert match, line
        assert match["path"] == str(bad)
    numbers = [int(line.split(":")[1]) for line in lines]
    assert numbers == [line_of(VALID, "version: 1"), line_of(VALID, "effort: low")]
    assert result.stderr.strip() == "2 problems in 1 of 2 files checked"


def test_check_missing_file() -> None:
    """A path that does not exist is reported in the same format, exit 1."""
    result = run("check", "no/such/file.yaml")
    assert result.exit_code == 1
    assert result.stdout.strip() == (
        "no/such/file.yaml:1:1: document: cannot read the file: No such file or directory"
    )


def test_check_needs_a_path() -> None:
    """Without a path click explains the usage (exit 2)."""
    result = run("check")
    assert result.exit_code == 2
    assert "Missing argument 'PATHS...'" in result.stderr


def test_flask_command_line_finds_the_commands(tmp_path: Path) -> None:
    """`flask questionnaire check` works as installed, without loading the app."""
    bad = tmp_path / "q.yaml"
    bad.write_text("id: [unclosed\n")
    flask = Path(sys.executable).with_name("flask")
    good = subprocess.run(
        [flask, "questionnaire", "check", *sorted(SAMPLE_DIR.glob("*.yaml"))],
        capture_output=True,
        text=True,
        cwd=SAMPLE_DIR.parent,
        check=False,
    )
    assert good.returncode == 0, good.stderr
    broken = subprocess.run(
        [flask, "questionnaire", "check", bad], capture_output=True, text=True, check=False
    )
    assert broken.returncode == 1
    assert broken.stdout.startswith(f"{bad}:2:1: document: invalid YAML:")
    assert "Traceback" not in broken.stderr


# --- score ---------------------------------------------------------------------------------

CRAFT_FIRM = {"sector": "handwerk", "size": "small", "region": "lippstadt"}


def sample_answers(sample: Questionnaire) -> dict[str, Any]:
    """A realistic answer set: the middle scored option of every single question of the sample."""
    answers = {}
    for dimension in sample.dimensions:
        for question in dimension.questions:
            if question.type_name == "single":
                options = [o.id for o in question.options if o.score is not None]
                answers[question.id] = options[len(options) // 2]
    return {"profile": CRAFT_FIRM, "answers": answers}


def test_score_prints_the_documented_json(tmp_path: Path, sample: Questionnaire) -> None:
    """The JSON has exactly the documented keys, the engine's unrounded numbers, and the
    matched recommendations in document order."""
    document = sample_answers(sample)
    result = run("score", SAMPLE, write_json(tmp_path, document))
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert set(output) == {
        "questionnaire",
        "version",
        "overall",
        "dimensions",
        "recommendations",
        "funding",
    }
    assert (output["questionnaire"], output["version"]) == ("digitalcheck", 1)
    answers, problems = read_answers(sample, {**document["profile"], **document["answers"]})
    assert problems == []
    expected = score_assessment(sample, answers)
    assert output["overall"] == {"score": float(expected.overall), "level": expected.level.id}
    assert list(output["dimensions"]) == [d.id for d in sample.dimensions]
    assert len(expected.assessed) >= 5
    for dimension in expected.dimensions:
        shown = output["dimensions"][dimension.dimension.id]
        if dimension.score is None:
            assert shown is None
        else:
            assert shown == {"score": float(dimension.score), "level": dimension.level.id}
    matched = match_recommendations(expected)
    assert matched and output["recommendations"] == [m.reference for m in matched]
    assert output["recommendations"][0] == matched[0].recommendation.id, "the sample names each"


def test_score_not_assessed_is_null(tmp_path: Path) -> None:
    """With no answers at all every dimension and the overall score are null."""
    result = run("score", SAMPLE, write_json(tmp_path, {"answers": {}}))
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert output["overall"] is None
    assert set(output["dimensions"].values()) == {None}
    assert output["recommendations"] == []


def test_score_refuses_answers_that_do_not_fit(tmp_path: Path, sample: Questionnaire) -> None:
    """Exit 1 and one clear line per answer that does not fit; nothing on stdout."""
    single = next(q for q in sample.dimensions[0].questions if q.type_name == "single")
    document = {
        "profile": {"size": "gigantic"},
        "answers": {single.id: "maybe", "no_such_question": 1, "sector": "handwerk"},
    }
    path = write_json(tmp_path, document)
    result = run("score", SAMPLE, path)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    sizes = "micro, small, medium, large"
    assert f"{path}: profile.size: 'gigantic' is not an option; choose one of {sizes}" in lines
    assert any(
        line.startswith(f"{path}: answers.{single.id}: 'maybe' is not an option") for line in lines
    )
    assert f"{path}: answers.no_such_question: there is no question with this id" in lines
    assert f"{path}: answers.sector: belongs in the profile" in lines
    assert len(lines) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "{not json",
            "answers.json:1:2: invalid JSON: Expecting property name enclosed in double quotes",
        ),
        ("[1, 2]", 'answers.json: expected an object such as {"profile": {...}, "answers": {...}}'),
        ('{"answer": {}}', "answers.json: unknown key 'answer'; the keys are profile and answers"),
        ('{"answers": []}', "answers.json: answers: must be an object of question ids to answers"),
    ],
)
def test_score_bad_answers_file(tmp_path: Path, content: str, message: str) -> None:
    """A broken answers file gets a one-line message naming the file, exit 1."""
    path = tmp_path / "answers.json"
    path.write_text(content)
    result = run("score", SAMPLE, path)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{tmp_path}/{message}"


def test_score_invalid_questionnaire(tmp_path: Path) -> None:
    """Scoring with an invalid questionnaire prints its problems, exit 1."""
    bad = tmp_path / "q.yaml"
    bad.write_text(VALID.replace("version: 1", "version: -1"))
    (tmp_path / "partners.yaml").write_text("- {id: p, name: P, kind: public, topics: [data]}\n")
    result = run("score", bad, write_json(tmp_path, {}))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{bad}:2:10: version: must be at least 1, not -1"


def test_score_notes_ignored_answers_of_hidden_questions(tmp_path: Path) -> None:
    """An answer to a question its condition hides is ignored, and the author is told."""
    (tmp_path / "partners.yaml").write_text("- {id: p, name: P, kind: public, topics: [data]}\n")
    text = VALID.replace(
        "    recommendations:",
        "      - {id: why, type: text, text: T, show_if: {question: q_single, in: [no]}}\n"
        "    recommendations:",
    )
    questionnaire = tmp_path / "q.yaml"
    questionnaire.write_text(text)
    answers = write_json(tmp_path, {"answers": {"q_single": "yes", "why": "no time"}})
    result = run("score", questionnaire, answers)
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "note: the answer to 'why' is ignored: its condition hides it"
    assert json.loads(result.stdout)["overall"] == {"score": 100.0, "level": "high"}


# --- schema --------------------------------------------------------------------------------


def _as_json_data(value: Any) -> Any:
    """YAML data as an editor's schema checker sees it (mapping keys are strings)."""
    if isinstance(value, dict):
        return {str(key): _as_json_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json_data(item) for item in value]
    return value


def test_schema_accepts_the_sample_and_rejects_mistakes() -> None:
    """The printed JSON Schema validates the sample files and catches unknown keys."""
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    sample = _as_json_data(yaml.safe_load(SAMPLE.read_text(encoding="utf-8")))
    jsonschema.validate(sample, schema)
    sample["dimensions"][0]["questions"][0]["tpye"] = "single"
    with pytest.raises(jsonschema.ValidationError, match="tpye"):
        jsonschema.validate(sample, schema)
    partners = json.loads(run("schema", "--partners").stdout)
    jsonschema.validate(
        _as_json_data(yaml.safe_load(PARTNERS.read_text(encoding="utf-8"))), partners
    )
    jsonschema.validate([{"id": "p", "name": "P", "kind": "public", "topics": ["t"]}], partners)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "p", "name": "P", "kind": "bank", "topics": ["t"]}], partners)
    centre_schema = json.loads(run("schema", "--centre").stdout)
    centre = _as_json_data(yaml.safe_load((SAMPLE_DIR / "centre.yaml").read_text(encoding="utf-8")))
    jsonschema.validate(centre, centre_schema)
    centre["logoo"] = "x.svg"
    with pytest.raises(jsonschema.ValidationError, match="logoo"):
        jsonschema.validate(centre, centre_schema)


@pytest.mark.parametrize(
    ("option", "name"),
    [((), "questionnaire"), (("--partners",), "partners"), (("--centre",), "centre")],
)
def test_committed_schema_files_are_current(option: tuple[str, ...], name: str) -> None:
    """The schema files the sample YAML points editors to match what the code prints."""
    committed = SAMPLE_DIR / "schema" / f"{name}.schema.json"
    assert json.loads(committed.read_text(encoding="utf-8")) == json.loads(
        run("schema", *option).stdout
    ), "regenerate with: flask questionnaire schema > questionnaires/schema/..."
