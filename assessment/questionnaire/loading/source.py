"""Safe YAML loading that remembers the line and column of every node."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import KEY, DocPath, Problem
from .syntax import MAX_DEPTH, NESTED_TOO_DEEPLY, describe_failure, directive_problem

MAX_FILE_BYTES = 2 * 1024 * 1024
#: Python frames that reading MAX_DEPTH levels of nesting takes (composer and builder), with room
#: for the caller's own frames.
RECURSION_NEEDED = 4 * MAX_DEPTH + 1000
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


#: Whether libyaml is installed, whose parser reads five times faster than PyYAML's own.
LIBYAML = hasattr(yaml, "CSafeLoader")


class _PureLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, reading booleans as YAML 1.2 does: only true and false.

    YAML 1.1 reads ``no``, ``yes``, ``on`` and ``off`` as booleans, which would turn a
    language code ``no`` or an option id ``yes`` into ``False``/``True``. Dates stay strings.
    """


class _LibyamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same as _PureLoader, with libyaml's parser where it is installed."""


for _loader in (_PureLoader, _LibyamlLoader):
    _loader.yaml_implicit_resolvers = {
        first: [
            (tag, regexp)
            for tag, regexp in resolvers
            if tag not in (_BOOL, "tag:yaml.org,2002:timestamp")
        ]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver(
        _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
#: What an explicit scalar tag promises, for the message when the value does not keep it.
_PROMISED = {_INT: "a whole number", _FLOAT: "a number", _BOOL: "true or false"}


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
        with Path(path).open("rb") as file:  # no more than the limit is ever read
            raw = file.read(MAX_FILE_BYTES + 1)
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


def parse_yaml(text: str, name: str, *, libyaml: bool = LIBYAML) -> LoadedYaml:
    """Parse YAML text (one document) into plain Python values with a source map.

    The problems, their wording and their places are the same with libyaml's parser as with
    PyYAML's own (``libyaml=False``).
    """
    if libyaml and not LIBYAML:
        raise RuntimeError("PyYAML was installed without libyaml")
    if sys.getrecursionlimit() < RECURSION_NEEDED:
        # Python 3.11 calls Python functions without growing the C stack, so a higher limit
        # is safe; it is only ever raised, never lowered, as other threads may rely on it.
        sys.setrecursionlimit(RECURSION_NEEDED)
    source = SourceMap(name)
    directive = directive_problem(text, name)
    if directive is not None:
        return LoadedYaml(None, source, [directive])
    try:
        node = yaml.compose(text, Loader=_LibyamlLoader if libyaml else _PureLoader)
    except (yaml.YAMLError, RecursionError) as error:
        return LoadedYaml(None, source, [describe_failure(text, name, error)])
    if node is None:
        return LoadedYaml(None, source, [Problem(name, 1, 1, "document", "the file is empty")])
    builder = _Builder(source)
    try:
        data = builder.build(node, (), 0)
    except _TooDeep as deep:
        mark = _mark(deep.node)
        return LoadedYaml(
            None, source, [Problem(name, mark.line, mark.column, "document", NESTED_TOO_DEEPLY)]
        )
    return LoadedYaml(data, source, builder.problems)


class _TooDeep(Exception):
    """A list or mapping nested deeper than MAX_DEPTH."""

    def __init__(self, node: Node) -> None:
        super().__init__(node.start_mark)
        self.node = node


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
        self.constructor = _PureLoader("")

    def build(self, node: Node, path: DocPath, depth: int) -> Any:
        """The plain value of a node at ``path``, ``depth`` lists and mappings deep."""
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
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if depth >= MAX_DEPTH:
            raise _TooDeep(node)
        self.active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path, depth + 1)
            return self._sequence(node, path, depth + 1)
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: ScalarNode, path: DocPath) -> Any:
        try:
            return self.constructor.construct_object(node)
        except (ValueError, KeyError, yaml.YAMLError):  # an explicit tag the value does not keep
            tag = "!!" + node.tag.rsplit(":", 1)[-1]
            message = f"{node.value!r} is not {_PROMISED.get(node.tag, tag)} as its tag {tag} says"
            self.problems.append(self._problem(node, path, message))
            return None

    def _problem(self, node: Node, path: DocPath, message: str) -> Problem:
        mark = _mark(node)
        return Problem(
            self.source.file, mark.line, mark.column, self.source.describe(path), message
        )

    def _sequence(self, node: SequenceNode, path: DocPath, depth: int) -> list[Any]:
        items = []
        for index, child in enumerate(node.value):
            child_path = (*path, index)
            if isinstance(child, MappingNode):
                name = _item_name(child)
                if name:
                    self.source.item_names[child_path] = name
            items.append(self.build(child, child_path, depth))
        return items

    def _mapping(self, node: MappingNode, path: DocPath, depth: int) -> dict[Any, Any]:
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
            result[key] = self.build(value_node, child_path, depth)
        return result


def _item_name(node: MappingNode) -> str | None:
    """The id of a list item that has one, to name it in locations."""
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == "id":
            if isinstance(value_node, ScalarNode) and ID_PATTERN.match(value_node.value):
                return value_node.value
            return None
    return None
