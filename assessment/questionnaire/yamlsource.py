"""Safe YAML loading that remembers the line and column of every node."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import KEY, DocPath, Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
ID_PATTERN = re.compile(r"^[a-z0-9_-]+$")

_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = {_STR, _BOOL, _INT, _FLOAT, _NULL}
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader (libyaml's, where installed: five times faster) that reads booleans as YAML 1.2
    does: only true and false.

    YAML 1.1 reads ``no``, ``yes``, ``on`` and ``off`` as booleans, which would turn a
    language code ``no`` or an option id ``yes`` into ``False``/``True``. Dates stay strings.
    """


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in (_BOOL, "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Mark:
    """A position in a file, line and column counted from 1."""

    line: int
    column: int


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a parsed document stands in its file."""

    file: str
    values: dict[DocPath, Mark] = field(default_factory=dict)
    keys: dict[DocPath, Mark] = field(default_factory=dict)
    item_names: dict[DocPath, str] = field(default_factory=dict)

    def mark(self, path: DocPath, *, key: bool = False) -> Mark:
        """The position of the node at ``path``, or of its nearest ancestor that exists."""
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return Mark(1, 1)

    def describe(self, path: DocPath) -> str:
        """A readable location such as ``dimensions[daten].questions[daten_quellen].options[2]``."""
        text = ""
        for end, part in enumerate(path, start=1):
            if isinstance(part, int):
                text += f"[{self.item_names.get(path[:end], part)}]"
            else:
                text += f".{part}" if text else str(part)
        return text or "document"

    def problem(self, path: DocPath, message: str, *, key: bool = False) -> Problem:
        """A problem located at the node at ``path`` (at its key when the path ends in KEY)."""
        if path[-1:] == (KEY,):
            path, key = path[:-1], True
        mark = self.mark(path, key=key)
        return Problem(self.file, mark.line, mark.column, self.describe(path), message)


@dataclass
class LoadedYaml:
    """A parsed document, its source map, and every problem met while reading it."""

    data: Any
    source: SourceMap
    problems: list[Problem]


def load_yaml(path: Path | str) -> LoadedYaml:
    """Read a YAML file safely; syntax errors and unsafe constructs become problems."""
    name = str(path)
    source = SourceMap(name)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        return LoadedYaml(
            None, source, [Problem(name, 1, 1, "document", f"cannot read the file: {reason}")]
        )
    if len(raw) > MAX_FILE_BYTES:
        message = f"the file is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB"
        return LoadedYaml(None, source, [Problem(name, 1, 1, "document", message)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - raw.rfind(b"\n", 0, error.start)
        message = "the file is not valid UTF-8 text; save it with UTF-8 encoding"
        return LoadedYaml(None, source, [Problem(name, line, column, "document", message)])
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> LoadedYaml:
    """Parse YAML text (one document) into plain Python values with a source map."""
    source = SourceMap(name)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        return LoadedYaml(None, source, [_syntax_problem(name, error)])
    except yaml.YAMLError as error:
        return LoadedYaml(None, source, [Problem(name, 1, 1, "document", f"invalid YAML: {error}")])
    except RecursionError:
        message = "the document is nested too deeply"
        return LoadedYaml(None, source, [Problem(name, 1, 1, "document", message)])
    if node is None:
        return LoadedYaml(None, source, [Problem(name, 1, 1, "document", "the file is empty")])
    builder = _Builder(source)
    try:
        data = builder.build(node, ())
    except RecursionError:  # libyaml composes deeper documents than Python can walk
        message = "the document is nested too deeply"
        return LoadedYaml(None, source, [Problem(name, 1, 1, "document", message)])
    return LoadedYaml(data, source, builder.problems)


def _syntax_problem(name: str, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    detail = " ".join(part for part in (error.context, error.problem) if part)
    return Problem(name, line, column, "document", f"invalid YAML: {detail}")


def _plain(node: Node) -> bool:
    """Whether a node is a plain mapping, list, text, number, boolean or null."""
    if isinstance(node, MappingNode):
        return node.tag == _MAP
    if isinstance(node, SequenceNode):
        return node.tag == _SEQ
    return node.tag in _SCALAR_TAGS


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Turns a composed node tree into dicts, lists and scalars, recording positions."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()
        self.constructor = _Loader("")

    def build(self, node: Node, path: DocPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                self.problems.append(self._problem(node, path, "the document is too large"))
            return None
        self.source.values.setdefault(path, _mark(node))
        if id(node) in self.active:
            self.problems.append(self._problem(node, path, "an alias refers to itself"))
            return None
        if not _plain(node):
            message = (
                f"unsupported YAML tag {node.tag!r}; use plain texts, numbers, lists and mappings"
            )
            self.problems.append(self._problem(node, path, message))
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            if isinstance(node, SequenceNode):
                return self._sequence(node, path)
            return self.constructor.construct_object(node)
        finally:
            self.active.discard(id(node))

    def _problem(self, node: Node, path: DocPath, message: str) -> Problem:
        mark = _mark(node)
        return Problem(
            self.source.file, mark.line, mark.column, self.source.describe(path), message
        )

    def _sequence(self, node: SequenceNode, path: DocPath) -> list[Any]:
        items = []
        for index, child in enumerate(node.value):
            child_path = (*path, index)
            if isinstance(child, MappingNode):
                name = _item_name(child)
                if name:
                    self.source.item_names[child_path] = name
            items.append(self.build(child, child_path))
        return items

    def _mapping(self, node: MappingNode, path: DocPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Mark] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                message = "merge keys (<<) are not supported; write the keys out"
                self.problems.append(self._problem(key_node, path, message))
                continue
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self.problems.append(self._problem(key_node, path, "a key must be a plain string"))
                continue
            key = self.constructor.construct_object(key_node)
            child_path = (*path, key)
            if key in first_seen:
                first = first_seen[key]
                message = f"duplicate key {key!r} (first given at line {first.line}); keep only one"
                self.problems.append(self._problem(key_node, child_path, message))
                continue
            first_seen[key] = _mark(key_node)
            self.source.keys[child_path] = _mark(key_node)
            result[key] = self.build(value_node, child_path)
        return result


def _item_name(node: MappingNode) -> str | None:
    """The id of a list item that has one, to name it in locations."""
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == "id":
            if isinstance(value_node, ScalarNode) and ID_PATTERN.match(value_node.value):
                return value_node.value
            return None
    return None
