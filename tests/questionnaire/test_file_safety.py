"""Questionnaire files are read safely: the partner file stays in its folder, size is checked
before reading, and what a file names cannot forge or recolour lines of a report."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assessment.questionnaire import check_file
from assessment.questionnaire.loading.source import MAX_FILE_BYTES

from .validation_helpers import PARTNERS, VALID, check_text, expect

SECRET = "geheim-7f3a"


@pytest.mark.parametrize("target", ["../outside.yaml", "/etc/passwd", "sub/../../outside.yaml"])
def test_the_partner_file_must_lie_in_the_questionnaires_folder(
    tmp_path: Path, target: str
) -> None:
    """A partners: path out of the folder is refused, and nothing of that file is shown."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (tmp_path / "outside.yaml").write_text(f"{SECRET}: [{SECRET}]\n", encoding="utf-8")
    text = VALID.replace("partners: partners.yaml", f"partners: {target}")
    problems = check_text(folder, text, partners=None)
    problem = expect(
        problems, text, f"partners: {target}", "must be a file in this file's folder", at=target
    )
    assert problem.message == (
        f"the partner directory {target!r} must be a file in this file's folder (or below it)"
    )
    assert not any(SECRET in str(found) or "root:" in str(found) for found in problems)


def test_a_partner_file_in_a_subfolder_is_fine(tmp_path: Path) -> None:
    """partners: may name a file below the questionnaire's folder."""
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "partners.yaml").write_text(PARTNERS, encoding="utf-8")
    text = VALID.replace("partners: partners.yaml", "partners: shared/partners.yaml")
    assert check_text(tmp_path, text, partners=None) == []


def test_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A 1 GiB file (sparse here) is refused as too large; at most the limit is read."""
    path = tmp_path / "huge.yaml"
    with path.open("wb") as file:
        file.truncate(1024**3)
    assert os.path.getsize(path) == 1024**3
    result = check_file(path)
    assert [(p.line, p.message) for p in result.problems] == [(1, "the file is larger than 2 MiB")]
    assert MAX_FILE_BYTES == 2 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "shown"),
    [("ti\ntle", "ti\\ntle"), ("ti\x1b[31mtle", "ti\\x1b[31mtle"), ("ti\u202etle", "ti\\u202etle")],
)
def test_control_characters_in_names_are_escaped(tmp_path: Path, name: str, shown: str) -> None:
    """A key with a line break, a terminal escape or a direction override is reported on one
    line, with the character written as an escape."""
    quoted = name.encode("unicode_escape").decode()
    text = VALID.replace(
        "title: {de: Test, en: Test}", f'title: {{de: Test, en: Test, "{quoted}": x}}'
    )
    problems = check_text(tmp_path, text)
    assert problems, "the stray key is reported"
    for problem in problems:
        line = str(problem)
        assert "\n" not in line and "\x1b" not in line and "\u202e" not in line
    assert any(shown in str(problem) for problem in problems), [str(p) for p in problems]
