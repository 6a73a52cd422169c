"""Text questions: free text up to `max_length` characters; never scored."""

from __future__ import annotations

from collections.abc import Sequence
from random import Random
from typing import Any, Literal

from pydantic import Field

from ..cleantext import without_invisible
from .base import AnswerError, QuestionBase, describe_value, is_blank, register

MAX_TEXT_LENGTH = 10_000


@register("text")
class TextQuestion(QuestionBase):
    """Free text; never scored."""

    type: Literal["text"]
    max_length: int = Field(
        1000, strict=True, ge=1, le=MAX_TEXT_LENGTH, description="The longest answer allowed."
    )

    def read_answer(self, raw: Any) -> str | None:
        """The text with line breaks normalised, invisible control and direction-override
        characters removed, and surrounding blanks removed."""
        if is_blank(raw):
            return None
        if not isinstance(raw, str):
            raise AnswerError("wrong_type", f"expects a text, not {describe_value(raw)}")
        text = without_invisible(raw.replace("\r\n", "\n").replace("\r", "\n")).strip()
        if not text:
            return None
        if len(text) > self.max_length:
            message = f"the text has {len(text)} characters; at most {self.max_length} are allowed"
            raise AnswerError("too_long", message, length=len(text), max_length=self.max_length)
        return text

    def demo_answer(self, target: float, rng: Random, texts: Sequence[str]) -> Any:
        """One of the sample texts, cut to the allowed length."""
        return rng.choice(texts)[: self.max_length]
