"""Structural validation with pydantic, its errors turned into located, readable problems."""

from __future__ import annotations

import difflib
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from ..conditions import CONDITION_TAGS
from ..questions import QUESTION_TYPES
from .problems import DocPath, Problem
from .source import SourceMap

M = TypeVar("M")

_KINDS = {
    bool: "true/false",
    int: "a number",
    float: "a number",
    str: "a text",
    list: "a list",
    dict: "a mapping",
}


def validate(
    target: type[M] | TypeAdapter[M], data: Any, source: SourceMap
) -> tuple[M | None, list[Problem]]:
    """Validate a whole document into ``target``; located problems on failure."""
    adapter = target if isinstance(target, TypeAdapter) else _adapter(target)
    try:
        return adapter.validate_python(data), []
    except ValidationError as error:
        schema = adapter.json_schema()
        details = _without_consequences(error.errors())
        return None, [_problem(detail, data, source, schema) for detail in details]


def salvage(target: type[M] | TypeAdapter[M], data: Any) -> M | None:
    """``data`` validated into ``target``, or None when it does not fit."""
    adapter = target if isinstance(target, TypeAdapter) else _adapter(target)
    try:
        return adapter.validate_python(data)
    except ValidationError:
        return None


def _without_consequences(details: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop "list too short" errors that only follow from invalid items of that list."""
    locations = [tuple(detail["loc"]) for detail in details]
    return [
        detail
        for detail in details
        if detail["type"] != "too_short"
        or not any(
            len(other) > len(detail["loc"]) and other[: len(detail["loc"])] == tuple(detail["loc"])
            for other in locations
        )
    ]


@cache
def _adapter(target: type[BaseModel]) -> TypeAdapter[Any]:
    return TypeAdapter(target)


def raw_path(loc: tuple[str | int, ...], data: Any) -> tuple[DocPath, bool]:
    """Map a pydantic error location onto the document, dropping union tags.

    Returns the path and whether it ends at a mapping key rather than a value.
    """
    path: list[str | int] = []
    node = data
    tag_skipped = False
    is_key = False
    for part in loc:
        if part == "[key]":
            is_key = True
            continue
        if isinstance(node, dict):
            if not tag_skipped and _is_tag(part, node):
                tag_skipped = True
                continue
            path.append(part)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(part, str) and (part in QUESTION_TYPES or part in CONDITION_TAGS):
            continue
        else:
            path.append(part)
            node = None
        tag_skipped = False
    return tuple(path), is_key


def _is_tag(part: str | int, node: dict[Any, Any]) -> bool:
    if part in CONDITION_TAGS:
        return True
    return part in QUESTION_TYPES and node.get("type") == part


def _problem(detail: ErrorDetails, data: Any, source: SourceMap, schema: dict[str, Any]) -> Problem:
    path, is_key = raw_path(tuple(detail["loc"]), data)
    kind = detail["type"]
    if kind == "missing":
        return source.problem(path[:-1], f"missing required key {path[-1]!r}")
    if kind == "union_tag_not_found" and isinstance(detail["input"], dict):
        types = ", ".join(QUESTION_TYPES)
        keys = [str(key) for key in detail["input"]]
        close = difflib.get_close_matches("type", keys, n=1)
        if close:
            message = f"unknown key {close[0]!r}; did you mean 'type'? (one of {types})"
            return source.problem((*path, close[0]), message, key=True)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(schema, path[:-1], data)
        return source.problem(path, _unknown_key(path[-1], allowed), key=True)
    return source.problem(path, _message(detail), key=is_key)


def _unknown_key(key: Any, allowed: list[str]) -> str:
    message = f"unknown key {key!r}"
    close = difflib.get_close_matches(str(key), allowed, n=1)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    if allowed:
        return f"{message}; allowed here: {', '.join(allowed)}"
    return message


def _kind_of(value: Any) -> str:
    if value is None:
        return "empty (null)"
    return _KINDS.get(type(value), type(value).__name__)


def _message(detail: ErrorDetails) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx", {})
    value = detail.get("input")
    expected = {
        "string_type": "a text",
        "int_type": "a whole number",
        "float_type": "a number",
        "bool_type": "true or false",
        "list_type": "a list",
        "tuple_type": "a list",
        "dict_type": "a mapping",
        "model_type": "a mapping",
        "model_attributes_type": "a mapping",
    }.get(kind)
    if expected:
        hint = (
            "; put it in quotes" if expected == "a text" and isinstance(value, int | float) else ""
        )
        return f"must be {expected}, not {_kind_of(value)}{hint}"
    if kind == "union_tag_invalid":
        types = ", ".join(QUESTION_TYPES)
        return f"unknown question type {ctx.get('tag')!r}; use one of {types}"
    if kind == "union_tag_not_found":
        return f"missing required key 'type' (one of {', '.join(QUESTION_TYPES)})"
    if kind == "literal_error":
        return f"{value!r} is not allowed here; use one of {ctx.get('expected')}"
    if kind == "finite_number":
        return "must be a finite number"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(ctx.values()))
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }
        return f"must be {words[kind]} {bound}, not {value}"
    if kind == "too_short":
        if ctx.get("min_length") == 1:
            return "must not be empty"
        return f"needs at least {ctx.get('min_length')} entries"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_long":
        return f"allows at most {ctx.get('max_length')} entries"
    message = detail["msg"]
    return message[:1].lower() + message[1:]


def _allowed_keys(schema: dict[str, Any], path: DocPath, data: Any) -> list[str]:
    """The keys the JSON schema allows for the mapping at ``path``."""
    defs = schema.get("$defs", {})
    node: dict[str, Any] | None = schema
    value = data
    for part in path:
        node = _choose(node, value, defs)
        if node is None:
            return []
        if isinstance(part, int):
            node = node.get("items")
            value = value[part] if isinstance(value, list) and part < len(value) else None
        else:
            node = node.get("properties", {}).get(part)
            value = value.get(part) if isinstance(value, dict) else None
    node = _choose(node, value, defs)
    return list(node.get("properties", {})) if node else []


def _choose(node: dict[str, Any] | None, value: Any, defs: dict[str, Any]) -> dict[str, Any] | None:
    """Resolve references and pick the alternative of a union that fits ``value`` best."""
    while node is not None:
        if "$ref" in node:
            node = defs.get(node["$ref"].rsplit("/", 1)[-1])
            continue
        alternatives = node.get("oneOf") or node.get("anyOf")
        if not alternatives:
            return node
        node = max(
            (_choose(alt, value, defs) or {} for alt in alternatives),
            key=lambda alt: _fit(alt, value),
        )
    return None


def _fit(alternative: dict[str, Any], value: Any) -> int:
    if not isinstance(value, dict):
        return 0
    properties = alternative.get("properties", {})
    type_field = properties.get("type", {})
    if "const" in type_field and value.get("type") == type_field["const"]:
        return 1000
    return sum(1 for key in value if key in properties) - sum(
        1 for key in alternative.get("required", ()) if key not in value
    )
