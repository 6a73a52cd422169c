"""How the report words what a firm's answers leave open about a programme's eligibility."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from assessment.i18n import in_language
from assessment.questionnaire import Questionnaire
from assessment.questionnaire.funding_matching import Unknown
from assessment.report.funding import funding_condition, funding_conditions

from ..conftest import serving


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The app on the sample questionnaire."""
    yield from serving(tmp_path / "wording.db")


@pytest.mark.parametrize(
    ("sizes", "german", "english"),
    [
        (("micro",), "weniger als 10 Beschäftigte hat", "has fewer than 10 employees"),
        (("micro", "small", "medium"), "weniger als 250 Beschäftigte hat", "has fewer than 250"),
        (("small", "medium"), "10 bis 249 Beschäftigte hat", "has 10 to 249 employees"),
        (("medium", "large"), "50 oder mehr Beschäftigte hat", "has 50 employees or more"),
        (("micro", "large"), "zur Größenklasse Kleinstunternehmen", "is Micro enterprise"),
    ],
)
def test_sizes_are_said_in_employees_where_they_are_one_range(
    app: Flask, sample: Questionnaire, sizes: tuple[str, ...], german: str, english: str
) -> None:
    with app.test_request_context():
        with in_language("de"):
            said = funding_condition(Unknown("size", sizes), sample)
            assert said.startswith("Ihr Unternehmen ") and german in said
        with in_language("en"):
            assert english in funding_condition(Unknown("size", sizes), sample)


def test_every_open_rule_is_named_and_joined(app: Flask, sample: Questionnaire) -> None:
    unknowns = (
        Unknown("region", ("lippstadt", "erwitte")),
        Unknown("answers", ("extern",), questions=("it_betreuung",)),
    )
    with app.test_request_context(), in_language("de"):
        said = funding_conditions(unknowns, sample)
    assert said.startswith("Ihr Unternehmen seinen Sitz in Lippstadt oder Erwitte hat und Sie die")
    assert "mit „Ein externer IT-Dienstleister“ beantworten" in said
