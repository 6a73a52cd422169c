"""Texts that are the same in every language or given per language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")
_HINT = "write a text, or a mapping of language codes to texts such as {de: ..., en: ...}"


class Text:
    """A text shown to people: one string for every language, or one string per language."""

    __slots__ = ("_by_language", "_universal")

    def __init__(self, value: str | Mapping[str, str]) -> None:
        if isinstance(value, str):
            self._universal: str | None = value
            self._by_language: dict[str, str] = {}
        else:
            self._universal = None
            self._by_language = dict(value)

    @property
    def languages(self) -> frozenset[str] | None:
        """The languages given, or None when the text is the same in every language."""
        return None if self._universal is not None else frozenset(self._by_language)

    def get(self, language: str, fallback: str | None = None) -> str:
        """The text in ``language``, else in ``fallback``, else in any language given."""
        if self._universal is not None:
            return self._universal
        for candidate in (language, fallback):
            if candidate in self._by_language:
                return self._by_language[candidate]
        return next(iter(self._by_language.values()))

    def to_data(self) -> str | dict[str, str]:
        """The text as it is written in YAML."""
        return self._universal if self._universal is not None else dict(self._by_language)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and self.to_data() == other.to_data()

    def __hash__(self) -> int:
        data = self.to_data()
        return hash(data if isinstance(data, str) else tuple(sorted(data.items())))

    def __repr__(self) -> str:
        return f"Text({self.to_data()!r})"

    @classmethod
    def validate(cls, value: Any) -> Text:
        """Build a Text from YAML data, refusing anything else with a clear message."""
        if isinstance(value, Text):
            return value
        if isinstance(value, str):
            if not value.strip():
                raise PydanticCustomError("text_empty", "the text is empty")
            return cls(value)
        if not isinstance(value, Mapping) or not value:
            raise PydanticCustomError("text_type", _HINT)
        for language, text in value.items():
            if not isinstance(language, str) or not LANGUAGE_PATTERN.match(language):
                message = "'{language}' is not a language code; use codes such as de or en"
                raise PydanticCustomError("text_language", message, {"language": language})
            if not isinstance(text, str) or not text.strip():
                message = "the text for '{language}' must be a non-empty string"
                raise PydanticCustomError("text_value", message, {"language": language})
        return cls(value)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda text: text.to_data()
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": {"pattern": LANGUAGE_PATTERN.pattern},
                    "additionalProperties": {"type": "string", "minLength": 1},
                },
            ],
            "description": "A text for every language, or a mapping of language codes to texts.",
        }
