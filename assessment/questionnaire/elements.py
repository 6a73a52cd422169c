"""Building blocks shared by every part of the questionnaire format."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from .loading.problems import DocPath
from .text import LANGUAGE_PATTERN

ID_PATTERN = re.compile(r"^[a-z0-9_-]+$")

#: A problem found by a semantic check: where (relative to the checked object) and what.
Finding = tuple[DocPath, str]


class Model(BaseModel):
    """Base of every object read from YAML: unknown keys are errors, and objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False)

    def was_given(self, key: str) -> bool:
        """Whether ``key`` was written in the YAML (rather than left to its default)."""
        return key in self.model_fields_set


def _check_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise PydanticCustomError(
            "id_format",
            "'{value}' is not a valid id; use only lower-case letters a-z, digits, '_' and '-'",
            {"value": value},
        )
    return value


def _check_language(value: str) -> str:
    if not LANGUAGE_PATTERN.match(value):
        raise PydanticCustomError(
            "language_format",
            "'{value}' is not a language code; use codes such as de or en",
            {"value": value},
        )
    return value


Id = Annotated[
    str,
    Strict(),
    AfterValidator(_check_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN.pattern}),
]
LanguageCode = Annotated[
    str,
    Strict(),
    AfterValidator(_check_language),
    WithJsonSchema({"type": "string", "pattern": LANGUAGE_PATTERN.pattern}),
]
Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]
NonNegative = Annotated[float, Strict(), Field(allow_inf_nan=False, ge=0)]
Integer = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]


def exact(value: float | int) -> Fraction:
    """The number as written in the file, as an exact fraction (0.1 is one tenth)."""
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)
