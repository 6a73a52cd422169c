"""Reading YAML safely: positions of nodes, aliases, limits, and no crash on hostile input."""

from __future__ import annotations

from assessment.questionnaire.yamlsource import MAX_NODES, Mark, parse_yaml


def test_positions_of_values_and_keys() -> None:
    """Every value and key is located at its own line and column, counted from 1."""
    loaded = parse_yaml("a:\n  - {id: x, b: 1}\n  - id: y\n    c: [1, 2]\n", "f.yaml")
    assert loaded.problems == []
    source = loaded.source
    assert source.mark(("a", 0, "b")) == Mark(2, 16)
    assert source.mark(("a", 1, "c", 1)) == Mark(4, 12)
    assert source.mark(("a", 1, "c"), key=True) == Mark(4, 5)
    assert source.describe(("a", 1, "c", 1)) == "a[y].c[1]"


def test_missing_path_falls_back_to_nearest_ancestor() -> None:
    """A key that is not there is located at the mapping that lacks it."""
    loaded = parse_yaml("top:\n  inner: {x: 1}\n", "f.yaml")
    assert loaded.source.mark(("top", "inner", "missing")) == Mark(2, 10)


def test_aliases_are_expanded_and_bombs_stopped() -> None:
    """A shared anchor works; an exponential alias bomb is refused, not expanded."""
    loaded = parse_yaml("a: &opts [1, 2]\nb: *opts\n", "f.yaml")
    assert loaded.data == {"a": [1, 2], "b": [1, 2]}
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for index in range(1, 8):
        previous = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        bomb += f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]\n"
    loaded = parse_yaml(bomb, "bomb.yaml")
    assert [p.message for p in loaded.problems] == ["the document is too large"]
    assert MAX_NODES < 10**8


def test_recursive_alias() -> None:
    """An alias that contains itself is a problem, not an endless loop."""
    loaded = parse_yaml("a: &x\n  b: *x\n", "f.yaml")
    assert [p.message for p in loaded.problems] == ["an alias refers to itself"]


def test_deep_nesting() -> None:
    """Absurdly deep nesting is reported instead of overflowing the stack."""
    loaded = parse_yaml("a: " + "[" * 5000 + "]" * 5000 + "\n", "f.yaml")
    assert [p.message for p in loaded.problems] == ["the document is nested too deeply"]


def test_several_documents() -> None:
    """A file holds one document."""
    loaded = parse_yaml("a: 1\n---\nb: 2\n", "f.yaml")
    assert loaded.data is None
    assert loaded.problems[0].line == 2
    assert "expected a single document" in loaded.problems[0].message


def test_merge_keys_are_refused() -> None:
    """YAML merge keys are not part of the format."""
    loaded = parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "f.yaml")
    assert [(p.line, p.message) for p in loaded.problems] == [
        (3, "merge keys (<<) are not supported; write the keys out")
    ]


def test_scalars_keep_yaml_12_meaning() -> None:
    """Only true/false are booleans; dates and no/on stay text."""
    loaded = parse_yaml("a: [no, on, yes, true, 2024-01-01, 1_000, 0.5, null]\n", "f.yaml")
    assert loaded.data == {"a": ["no", "on", "yes", True, "2024-01-01", 1000, 0.5, None]}


def test_complex_key() -> None:
    """A list as a mapping key is refused."""
    loaded = parse_yaml("? [a, b]\n: 1\n", "f.yaml")
    assert [p.message for p in loaded.problems] == ["a key must be a plain string"]
