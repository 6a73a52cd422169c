"""JSON Schemas of the YAML formats, for completion and checking in editors."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from ..centre import Centre
from ..funding import FundingDirectory
from ..models import Questionnaire
from ..partners import Partner, PartnerDirectory

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def questionnaire_schema() -> dict[str, Any]:
    """The JSON Schema of a questionnaire file."""
    schema = TypeAdapter(Questionnaire).json_schema()
    return {
        "$schema": DIALECT,
        "title": "Digital-Check questionnaire",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def partners_schema() -> dict[str, Any]:
    """The JSON Schema of a partner directory file (a mapping with topics, or a bare list)."""
    schema = TypeAdapter(PartnerDirectory | tuple[Partner, ...]).json_schema()
    return {"$schema": DIALECT, "title": "Digital-Check partner directory", **schema}


def centre_schema() -> dict[str, Any]:
    """The JSON Schema of the centre file (centre.yaml)."""
    schema = TypeAdapter(Centre).json_schema()
    return {
        "$schema": DIALECT,
        "title": "Digital-Check centre",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def funding_schema() -> dict[str, Any]:
    """The JSON Schema of a funding directory file."""
    schema = TypeAdapter(FundingDirectory).json_schema()
    return {
        "$schema": DIALECT,
        "title": "Digital-Check funding directory",
        **{key: value for key, value in schema.items() if key != "title"},
    }
