"""The question types. Each registered class validates its YAML, reads answers and scores them."""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field, Tag

from . import choice, freetext, matrix, number  # noqa: F401  (registers the types)
from .base import QUESTION_TYPES, AnswerError, Option, QuestionBase, register
from .choice import MultiOption, MultiQuestion, ScaleQuestion, SingleQuestion
from .freetext import TextQuestion
from .matrix import MatrixQuestion, Row
from .number import Band, NumberQuestion

#: Any registered question, chosen by its `type`.
Question = Annotated[
    Union[tuple(Annotated[cls, Tag(name)] for name, cls in QUESTION_TYPES.items())],  # noqa: UP007
    Field(discriminator="type"),
]

__all__ = [
    "QUESTION_TYPES",
    "AnswerError",
    "Band",
    "MatrixQuestion",
    "MultiOption",
    "MultiQuestion",
    "NumberQuestion",
    "Option",
    "Question",
    "QuestionBase",
    "Row",
    "ScaleQuestion",
    "SingleQuestion",
    "TextQuestion",
    "register",
]
