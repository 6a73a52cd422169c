"""The questionnaires the application offers, and the centre that offers them, loaded and
validated at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from .questionnaire import Centre, Questionnaire, QuestionnaireError, check_file
from .questionnaire.centre import FILE_NAME as CENTRE_FILE


class CatalogueError(RuntimeError):
    """The questionnaire folder cannot be served; the message says why, problem by problem."""


@dataclass(frozen=True)
class Catalogue:
    """What the questionnaire folder holds: the questionnaires by id, and the centre."""

    questionnaires: dict[str, Questionnaire]
    centre: Centre
    #: The folder, where the centre's logo is.
    folder: Path


def load_catalogue(folder: Path) -> Catalogue:
    """The questionnaires and the centre in ``folder``; CatalogueError names every problem."""
    if not folder.is_dir():
        raise CatalogueError(f"the questionnaire folder {folder} does not exist")
    questionnaires: dict[str, Questionnaire] = {}
    centre: Centre | None = None
    problems = []
    for path in sorted(folder.glob("*.yaml")):
        result = check_file(path)
        problems.extend(str(problem) for problem in result.problems)
        value = result.value
        if isinstance(value, Questionnaire):
            if value.id in questionnaires:
                problems.append(f"{path}: the questionnaire id {value.id!r} is used by two files")
            questionnaires[value.id] = value
        elif isinstance(value, Centre):
            centre = value
    if problems:
        raise CatalogueError("invalid questionnaire files:\n" + "\n".join(problems))
    if not questionnaires:
        raise CatalogueError(f"there is no questionnaire (*.yaml) in {folder}")
    if centre is None:
        raise CatalogueError(
            f"there is no {CENTRE_FILE} in {folder}: the centre's name, contact, Impressum and "
            "privacy notice are required (see the README, 'The centre file')"
        )
    return Catalogue(questionnaires, centre, folder)


def init_app(app: Flask) -> None:
    """Load the questionnaires and the centre named by QUESTIONNAIRE_DIR into the application."""
    catalogue = load_catalogue(Path(app.config["QUESTIONNAIRE_DIR"]))
    app.extensions["questionnaires"] = catalogue.questionnaires
    app.extensions["catalogue"] = catalogue


def questionnaires() -> dict[str, Questionnaire]:
    """The questionnaires of the current application by id."""
    return current_app.extensions["questionnaires"]


def current_centre() -> Centre:
    """The centre that runs the current application."""
    return current_app.extensions["catalogue"].centre


__all__ = [
    "Catalogue",
    "CatalogueError",
    "QuestionnaireError",
    "current_centre",
    "load_catalogue",
    "questionnaires",
]
