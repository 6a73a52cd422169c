"""Reading YAML safely: positions of nodes, aliases, limits, and no crash on hostile input.

Every test runs with libyaml's parser and with PyYAML's own: the problems, their wording and
their places must be the same, whichever parser and whichever version of it is installed.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from assessment.questionnaire import check_file
from assessment.questionnaire.loading.source import LIBYAML, MAX_NODES, LoadedYaml, Mark, parse_yaml
from assessment.questionnaire.loading.syntax import MAX_DEPTH, NESTED_TOO_DEEPLY

from ..conftest import SAMPLE_DIR

Parse = Callable[[str, str], LoadedYaml]


@pytest.fixture(params=[True, False], ids=["libyaml", "pure-python"])
def parse(request: pytest.FixtureRequest) -> Parse:
    """parse_yaml with one of the two parsers."""
    if request.param and not LIBYAML:
        pytest.skip("PyYAML is installed without libyaml")
    return lambda text, name: parse_yaml(text, name, libyaml=request.param)


def test_positions_of_values_and_keys(parse: Parse) -> None:
    """Every value and key is located at its own line and column, counted from 1."""
    loaded = parse("a:\n  - {id: x, b: 1}\n  - id: y\n    c: [1, 2]\n", "f.yaml")
    assert loaded.problems == []
    source = loaded.source
    assert source.mark(("a", 0, "b")) == Mark(2, 16)
    assert source.mark(("a", 1, "c", 1)) == Mark(4, 12)
    assert source.mark(("a", 1, "c"), key=True) == Mark(4, 5)
    assert source.describe(("a", 1, "c", 1)) == "a[y].c[1]"


def test_missing_path_falls_back_to_nearest_ancestor(parse: Parse) -> None:
    """A key that is not there is located at the mapping that lacks it."""
    loaded = parse("top:\n  inner: {x: 1}\n", "f.yaml")
    assert loaded.source.mark(("top", "inner", "missing")) == Mark(2, 10)


def test_aliases_are_expanded_and_bombs_stopped(parse: Parse) -> None:
    """A shared anchor works; an exponential alias bomb is refused, not expanded."""
    loaded = parse("a: &opts [1, 2]\nb: *opts\n", "f.yaml")
    assert loaded.data == {"a": [1, 2], "b": [1, 2]}
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for index in range(1, 8):
        previous = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        bomb += f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]\n"
    loaded = parse(bomb, "bomb.yaml")
    assert [p.message for p in loaded.problems] == ["the document is too large"]
    assert MAX_NODES < 10**8


def test_recursive_alias(parse: Parse) -> None:
    """An alias that contains itself is a problem, not an endless loop."""
    loaded = parse("a: &x\n  b: *x\n", "f.yaml")
    assert [p.message for p in loaded.problems] == ["an alias refers to itself"]


def test_deep_nesting(parse: Parse) -> None:
    """Absurdly deep nesting is reported where it passes the limit, not by a stack overflow."""
    loaded = parse("a: " + "[" * 5000 + "]" * 5000 + "\n", "f.yaml")
    assert [(p.line, p.column, p.message) for p in loaded.problems] == [
        (1, 4 + MAX_DEPTH - 1, NESTED_TOO_DEEPLY)
    ]
    assert NESTED_TOO_DEEPLY.startswith("the document is nested too deeply")


def test_nesting_up_to_the_limit_is_read(parse: Parse) -> None:
    """A mapping with lists nested MAX_DEPTH deep in all is read; one level more is not."""
    depth = MAX_DEPTH - 1  # the top mapping is the first level
    loaded = parse("a: " + "[" * depth + "1" + "]" * depth + "\n", "f.yaml")
    assert loaded.problems == []
    value = loaded.data["a"]
    for _ in range(depth - 1):
        value = value[0]
    assert value == [1]
    deeper = parse("a: " + "[" * (depth + 1) + "]" * (depth + 1) + "\n", "f.yaml")
    assert [p.message for p in deeper.problems] == [NESTED_TOO_DEEPLY]


def test_deep_block_nesting(parse: Parse) -> None:
    """Indented mappings count like brackets; the place is the first mapping too deep."""
    levels = MAX_DEPTH + 20
    text = (
        "".join(" " * level + f"k{level}:\n" for level in range(levels)) + " " * levels + "x: 1\n"
    )
    loaded = parse(text, "f.yaml")
    assert [(p.line, p.message) for p in loaded.problems] == [(MAX_DEPTH + 1, NESTED_TOO_DEEPLY)]


def test_several_documents(parse: Parse) -> None:
    """A file holds one document."""
    loaded = parse("a: 1\n---\nb: 2\n", "f.yaml")
    assert loaded.data is None
    assert [(p.line, p.column) for p in loaded.problems] == [(2, 1)]
    assert loaded.problems[0].message.startswith("the file holds more than one document")


def test_merge_keys_are_refused(parse: Parse) -> None:
    """YAML merge keys are not part of the format."""
    loaded = parse("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "f.yaml")
    assert [(p.line, p.message) for p in loaded.problems] == [
        (3, "merge keys (<<) are not supported; write the keys out")
    ]


def test_scalars_keep_yaml_12_meaning(parse: Parse) -> None:
    """Only true/false are booleans; dates and no/on stay text."""
    loaded = parse("a: [no, on, yes, true, 2024-01-01, 1_000, 0.5, null]\n", "f.yaml")
    assert loaded.data == {"a": ["no", "on", "yes", True, "2024-01-01", 1000, 0.5, None]}


def test_complex_key(parse: Parse) -> None:
    """A list as a mapping key is refused."""
    loaded = parse("? [a, b]\n: 1\n", "f.yaml")
    assert [p.message for p in loaded.problems] == ["a key must be a plain string"]


#: Texts no reader accepts, with the line, column and (the start of) the message for each.
REFUSED = {
    "several documents": ("a: 1\n---\nb: 2\n", 2, 1, "the file holds more than one document"),
    "alias without anchor": (
        "a: 1\nb: *nope\n",
        2,
        4,
        "the alias *nope refers to no anchor &nope before it",
    ),
    "anchor twice": ("a: &x 1\nb: &x 2\n", 2, 4, "the anchor &x is defined a second time"),
    "python tag": (
        "id: !!python/object/apply:os.system [echo]\n",
        1,
        5,
        "unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'",
    ),
    "local tag": ("id: !foo bar\n", 1, 5, "unsupported YAML tag '!foo'"),
    "broken tag promise": ("a: !!int abc\n", 1, 4, "'abc' is not a whole number as its tag"),
    "unclosed mapping": (
        "a: {b: 1, c: 2\nd: 3\n",
        2,
        2,
        "invalid YAML: the { at line 1, column 4 is not closed with }",
    ),
    "unclosed list": (
        "id: [unclosed\n",
        2,
        1,
        "invalid YAML: the [ at line 1, column 5 is not closed with ]",
    ),
    "unclosed quote": (
        'a: "abc\nb: 1\n',
        3,
        1,
        'invalid YAML: the quoted text that starts at line 1, column 4 is not closed with "',
    ),
    "tab": ("a:\n\tb: 1\n", 2, 1, "invalid YAML: a tab cannot indent or start a value"),
    "colon in text": ("a: b: c\n", 1, 5, "invalid YAML: a colon followed by a space"),
    "special character": ("a: @x\n", 1, 4, "invalid YAML: '@' cannot be read here"),
    "indentation": ("a:\n  b: 1\n c: 2\n", 3, 2, "invalid YAML: the structure breaks here"),
    "list item after key": ("a: 1\n- b\n", 2, 1, "invalid YAML: the structure breaks here"),
    "control character": ("a: \x07\n", 1, 4, "the character U+0007 is not allowed"),
    "unknown directive": ("%FOO bar\n---\na: 1\n", 1, 1, "the directive %FOO is unknown"),
    "YAML 2": ("%YAML 2.0\n---\na: 1\n", 1, 1, "the file says it is YAML 2.0"),
    "bad escape": ('a: "\\q"\n', 1, 6, "invalid YAML: 'q' cannot be read here"),
    "merge key": ("b: &b {x: 1}\no:\n  <<: *b\n", 3, 3, "merge keys (<<) are not supported"),
    "recursive alias": ("a: &x\n  b: *x\n", 1, 4, "an alias refers to itself"),
}


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_refusals_in_the_projects_words(parse: Parse, case: tuple[str, int, int, str]) -> None:
    """Each mistake is one problem at its place, in the project's words."""
    text, line, column, message = case
    loaded = parse(text, "f.yaml")
    assert loaded.data is None or loaded.problems
    assert [(p.file, p.line, p.column) for p in loaded.problems] == [("f.yaml", line, column)]
    assert loaded.problems[0].message.startswith(message)


@pytest.mark.skipif(not LIBYAML, reason="PyYAML is installed without libyaml")
@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_both_parsers_say_the_same(case: tuple[str, int, int, str]) -> None:
    """libyaml and PyYAML's own parser give the very same problems."""
    text = case[0]
    fast = parse_yaml(text, "f.yaml", libyaml=True).problems
    assert fast == parse_yaml(text, "f.yaml", libyaml=False).problems


def test_known_directives_are_read(parse: Parse) -> None:
    """%YAML 1.x and %TAG are allowed, as YAML defines them."""
    assert parse("%YAML 1.2\n---\na: 1\n", "f.yaml").data == {"a": 1}
    assert parse("%YAML 1.1\n---\na: 1\n", "f.yaml").data == {"a": 1}


def test_conditions_as_deep_as_earlier_releases_read_stay_valid(tmp_path: Path) -> None:
    """The sample with a show_if nested 460 levels deep (earlier releases read it) is valid."""
    text = (SAMPLE_DIR / "digitalcheck.yaml").read_text()
    line = re.search(r"^( *)show_if: (\{.*\})$", text, re.MULTILINE)
    assert line is not None
    condition = line.group(2)
    for _ in range(230):
        condition = "{all: [" + condition + "]}"
    deep = text.replace(line.group(0), f"{line.group(1)}show_if: {condition}")
    (tmp_path / "digitalcheck.yaml").write_text(deep)
    shutil.copy(SAMPLE_DIR / "partners.yaml", tmp_path)
    shutil.copy(SAMPLE_DIR / "funding.yaml", tmp_path)
    assert check_file(tmp_path / "digitalcheck.yaml").problems == []
