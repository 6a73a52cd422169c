"""The questionnaires the application offers, loaded and validated at start-up."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from .questionnaire import Questionnaire, QuestionnaireError, check_file


class CatalogueError(RuntimeError):
    """The questionnaire folder cannot be served; the message says why, problem by problem."""


def load_catalogue(folder: Path) -> dict[str, Questionnaire]:
    """Every valid questionnaire in ``folder`` by id; raise CatalogueError naming every problem."""
    if not folder.is_dir():
        raise CatalogueError(f"the questionnaire folder {folder} does not exist")
    questionnaires: dict[str, Questionnaire] = {}
    problems = []
    for path in sorted(folder.glob("*.yaml")):
        result = check_file(path)
        problems.extend(str(problem) for problem in result.problems)
        value = result.value
        if isinstance(value, Questionnaire):
            if value.id in questionnaires:
                problems.append(f"{path}: the questionnaire id {value.id!r} is used by two files")
            questionnaires[value.id] = value
    if problems:
        raise CatalogueError("invalid questionnaire files:\n" + "\n".join(problems))
    if not questionnaires:
        raise CatalogueError(f"there is no questionnaire (*.yaml) in {folder}")
    return questionnaires


def init_app(app: Flask) -> None:
    """Load the questionnaires named by QUESTIONNAIRE_DIR into the application."""
    app.extensions["questionnaires"] = load_catalogue(Path(app.config["QUESTIONNAIRE_DIR"]))


def questionnaires() -> dict[str, Questionnaire]:
    """The questionnaires of the current application by id."""
    return current_app.extensions["questionnaires"]


__all__ = ["CatalogueError", "QuestionnaireError", "load_catalogue", "questionnaires"]
