"""Small questionnaire files for validation tests, and assertions on the problems found."""

from __future__ import annotations

from pathlib import Path

from assessment.questionnaire import Problem, check_file

VALID = """\
id: test
version: 1
language: de
languages: [de, en]
title: {de: Test, en: Test}
partners: partners.yaml
levels:
  - {id: low, min: 0, label: {de: Niedrig, en: Low}}
  - {id: high, min: 50, label: {de: Hoch, en: High}}
profile:
  - id: sector
    type: single
    text: {de: Branche, en: Sector}
    options:
      - {id: craft, label: {de: Handwerk, en: Crafts}}
      - {id: trade, label: {de: Handel, en: Trade}}
dimensions:
  - id: data
    title: {de: Daten, en: Data}
    questions:
      - id: q_single
        type: single
        text: {de: Frage, en: Question}
        options:
          - {id: no, label: {de: Nein, en: No}, score: 0}
          - {id: yes, label: {de: Ja, en: Yes}, score: 1}
    recommendations:
      - {levels: [low], text: {de: Tun, en: Do}, effort: low, partners: [data]}
"""

PARTNERS = "- {id: p1, name: Partner, kind: public, topics: [data]}\n"


def check_text(
    folder: Path, text: str, partners: str | None = PARTNERS, name: str = "q.yaml"
) -> list[Problem]:
    """Write a questionnaire (and its partner file) and return every problem found."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    if partners is not None:
        (folder / "partners.yaml").write_text(partners, encoding="utf-8")
    return check_file(path).problems


def line_of(text: str, marker: str) -> int:
    """The line (from 1) of the only line of ``text`` that contains ``marker``."""
    lines = [number for number, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(lines) == 1, f"marker {marker!r} found on lines {lines}"
    return lines[0]


def column_of(text: str, marker: str, at: str | None = None) -> int:
    """The column (from 1) at which ``at`` (default: ``marker``) starts on the marked line."""
    line = text.splitlines()[line_of(text, marker) - 1]
    return line.index(at or marker) + 1


def find(problems: list[Problem], fragment: str) -> Problem:
    """The one problem whose message contains ``fragment``."""
    found = [problem for problem in problems if fragment in problem.message]
    assert len(found) == 1, f"{fragment!r} in {len(found)} of: " + "\n".join(map(str, problems))
    return found[0]


def expect(
    problems: list[Problem], text: str, marker: str, fragment: str, at: str | None = None
) -> Problem:
    """Assert that a problem with ``fragment`` is reported on the line holding ``marker``,
    at the column where ``at`` (default: ``marker``) starts: the offending node itself."""
    problem = find(problems, fragment)
    expected = (line_of(text, marker), column_of(text, marker, at))
    assert (problem.line, problem.column) == expected, str(problem)
    return problem
