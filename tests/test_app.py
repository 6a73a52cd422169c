"""The application factory: starts with the sample questionnaires, refuses invalid ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from assessment import create_app
from assessment.catalogue import CatalogueError

from .conftest import SAMPLE, SAMPLE_DIR
from .questionnaire.validation_helpers import PARTNERS, VALID
from .survey.conftest import DATA

CENTRE = DATA / "centre.yaml"


def test_health_check_lists_the_questionnaires(client: FlaskClient) -> None:
    """Monitoring sees the app up and serving the sample questionnaire."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "questionnaires": ["digitalcheck"]}


def test_landing_page_names_the_questionnaire(client: FlaskClient) -> None:
    """The landing page shows the questionnaire's title."""
    response = client.get("/")
    assert response.status_code == 200
    assert "Digital-Check Mittelstand" in response.get_data(as_text=True)


def test_invalid_questionnaire_stops_the_start_and_says_why(tmp_path: Path) -> None:
    """An invalid file stops the app, with every problem in the message."""
    (tmp_path / "q.yaml").write_text(VALID.replace("version: 1", "version: zero"))
    (tmp_path / "partners.yaml").write_text(PARTNERS)
    with pytest.raises(CatalogueError) as error:
        create_app({"QUESTIONNAIRE_DIR": str(tmp_path)})
    assert f"{tmp_path / 'q.yaml'}:2:10: version: must be a whole number" in str(error.value)


def test_two_files_with_one_id(tmp_path: Path) -> None:
    """Questionnaire ids identify questionnaires, so two files cannot share one."""
    (tmp_path / "a.yaml").write_text(VALID)
    (tmp_path / "b.yaml").write_text(VALID)
    (tmp_path / "partners.yaml").write_text(PARTNERS)
    with pytest.raises(CatalogueError, match="the questionnaire id 'test' is used by two files"):
        create_app({"QUESTIONNAIRE_DIR": str(tmp_path)})


def test_folder_without_questionnaires(tmp_path: Path) -> None:
    """A folder with only a partner directory has nothing to offer."""
    (tmp_path / "partners.yaml").write_text(PARTNERS)
    shutil.copy(CENTRE, tmp_path)
    with pytest.raises(CatalogueError, match="there is no questionnaire"):
        create_app({"QUESTIONNAIRE_DIR": str(tmp_path)})
    with pytest.raises(CatalogueError, match="does not exist"):
        create_app({"QUESTIONNAIRE_DIR": str(tmp_path / "missing")})


def test_sample_folder_layout() -> None:
    """The sample questionnaire sits in the folder the app reads by default."""
    assert SAMPLE.parent == SAMPLE_DIR
    assert create_app().extensions["questionnaires"]["digitalcheck"].version == 1


def test_folder_without_centre(tmp_path: Path) -> None:
    """Without centre.yaml the app does not start: it would have no Impressum or privacy notice."""
    (tmp_path / "q.yaml").write_text(VALID)
    (tmp_path / "partners.yaml").write_text(PARTNERS)
    with pytest.raises(CatalogueError, match=r"there is no centre\.yaml in"):
        create_app({"QUESTIONNAIRE_DIR": str(tmp_path)})


def test_invalid_centre_stops_the_start_and_says_why(tmp_path: Path) -> None:
    """A centre file with a Markdown text holding raw HTML stops the app, with file and line."""
    (tmp_path / "q.yaml").write_text(VALID)
    (tmp_path / "partners.yaml").write_text(PARTNERS)
    centre = CENTRE.read_text().replace("vertreten durch die Landrätin.", "<b>vertreten</b>")
    (tmp_path / "centre.yaml").write_text(centre)
    with pytest.raises(CatalogueError) as error:
        create_app({"QUESTIONNAIRE_DIR": str(tmp_path)})
    assert f"{tmp_path / 'centre.yaml'}:" in str(error.value)
    assert "impressum.de: raw HTML is not allowed in these texts" in str(error.value)
