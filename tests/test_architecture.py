"""The rooms of ARCHITECTURE.md and what each may import, checked on the source.

Every import statement of the package counts, also those inside functions; imports only for
type checkers (under ``if TYPE_CHECKING:``) are left out, as they never run.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from assessment import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "assessment"
WINGS = ("survey", "report", "advisor", "consultation", "referrals", "team")
#: The core knows nothing of the web or the database.
WEB_AND_DATABASE = ("flask", "flask_babel", "flask_login", "flask_wtf", "werkzeug", "wtforms")
WEB_AND_DATABASE += ("jinja2", "markupsafe", "sqlalchemy", "alembic", "flask_migrate")
#: The modules that put the application together, and may import every room.
ROOTS = ("assessment", "assessment.cli", "assessment.demo")


@dataclass(frozen=True)
class Import:
    """One imported module (or module attribute), where it is imported, and on which line."""

    importer: str
    target: str
    line: int


def module_name(path: Path) -> str:
    """The dotted name of a module of the package."""
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node, leaving out the bodies of ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield other
                yield from _walk(other)
            continue
        yield child
        yield from _walk(child)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by name (migrations scripts left out)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.relative_to(PACKAGE).parts:
            found[module_name(path)] = path
    return found


def imports_of(name: str, path: Path) -> list[Import]:
    """What one module imports, as absolute names (``from a import b``: ``a.b`` if a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in _walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(name, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                target = candidate if candidate in modules() else base
                found.append(Import(name, target, node.lineno))
    return found


@cache
def all_imports() -> tuple[Import, ...]:
    """Every import of every module of the package."""
    return tuple(i for name, path in modules().items() for i in imports_of(name, path))


def room(name: str) -> str:
    """The room of a module: core, kernel, a wing, a root, or the house (the shared services)."""
    if name in ROOTS:
        return "root"
    parts = name.split(".")
    if len(parts) > 1 and parts[1] == "questionnaire":
        return "core"
    if len(parts) > 1 and parts[1] in ("kernel", *WINGS):
        return parts[1]
    return "house"


def is_within(target: str, prefix: str) -> bool:
    """Whether a module is ``prefix`` or inside it."""
    return target == prefix or target.startswith(prefix + ".")


def problem(found: Import) -> str | None:
    """What is wrong with one import, or None if the rules allow it."""
    source, target = room(found.importer), found.target
    if source == "root":
        return None
    if source == "core":
        outside = is_within(target, "assessment") and not is_within(
            target, "assessment.questionnaire"
        )
        web = target.split(".")[0] in WEB_AND_DATABASE
        return (
            "the core imports only itself and neither web nor database" if outside or web else None
        )
    if not is_within(target, "assessment"):
        return None
    other = room(target)
    if other == "root":
        return "only the roots import the application's composition"
    if other in WINGS and other != source:
        return _wing_import(source, other, target)
    if source == "kernel" and other == "house" and target.split(".")[1] not in KERNEL_HOUSE:
        return f"the kernel may use only {', '.join(KERNEL_HOUSE)} of the house"
    return None


#: The shared services the kernel may use (the others sit above it: pages, routes, the CLI).
KERNEL_HOUSE = ("extensions", "i18n")


def _wing_import(source: str, wing: str, target: str) -> str | None:
    """A room importing a wing other than itself: only its tables, and advisor the report's
    rendering; never a wing's views or routes."""
    tail = target.split(".")[2] if target.count(".") >= 2 else ""
    if tail == "models":
        return None
    if source == "advisor" and wing == "report" and tail not in ("views", "routes", ""):
        return None
    return f"{source} may not import {target} (only another wing's models)"


def test_every_import_keeps_to_the_rooms() -> None:
    """No wing imports another wing's views, routes or services; the core imports no Flask."""
    problems = [
        f"{modules()[i.importer].relative_to(PROJECT_ROOT)}:{i.line}: {i.target}: {message}"
        for i in all_imports()
        if (message := problem(i)) is not None
    ]
    assert problems == []


def test_no_import_cycle() -> None:
    """The modules import each other without a cycle (function-level imports included)."""
    graph: dict[str, set[str]] = {name: set() for name in modules()}
    for found in all_imports():
        if found.target in graph and found.target != found.importer:
            graph[found.importer].add(found.target)
    assert strongly_connected(graph) == []


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for after in sorted(graph[node]):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in on_stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


@pytest.mark.parametrize(
    ("importer", "target", "allowed"),
    [
        ("assessment.questionnaire.scoring", "flask", False),
        ("assessment.questionnaire.scoring", "assessment.kernel.models", False),
        ("assessment.questionnaire.scoring", "pydantic", True),
        ("assessment.kernel.assessments", "assessment.survey.operations", False),
        ("assessment.kernel.assessments", "assessment.security", False),
        ("assessment.survey.views", "assessment.report.views", False),
        ("assessment.survey.operations", "assessment.report.benchmark", False),
        ("assessment.report.content", "assessment.survey.operations", False),
        ("assessment.report.content", "assessment.advisor.models", True),
        ("assessment.advisor.review", "assessment.report.rendering", True),
        ("assessment.advisor.review", "assessment.report.views", False),
        ("assessment.advisor.review", "assessment.report.routes", False),
        ("assessment.advisor.review", "assessment.survey.views", False),
        ("assessment.retention", "assessment.advisor.models", True),
        ("assessment.retention", "assessment.demo", False),
        ("assessment", "assessment.advisor.routes", True),
    ],
)
def test_the_rules_tell_right_from_wrong(importer: str, target: str, allowed: bool) -> None:
    """The checker itself: it refuses what ARCHITECTURE.md forbids and allows what it allows."""
    assert (problem(Import(importer, target, 1)) is None) == allowed


def test_architecture_md_names_what_exists() -> None:
    """Every file, folder and dotted name ARCHITECTURE.md points at is in the code."""
    text = (PROJECT_ROOT / "ARCHITECTURE.md").read_text()
    missing = []
    for quoted in sorted(set(re.findall(r"`([^`\s]+)`", text))):
        if "/" in quoted or quoted.endswith(".py"):
            found = [*PROJECT_ROOT.glob(quoted), *PACKAGE.glob(quoted)]
            found += PACKAGE.rglob(quoted.rstrip("/"))  # a file or folder named without its room
            if not found:
                missing.append(quoted)
        elif re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", quoted) and not _resolves(quoted):
            missing.append(quoted)
    assert missing == []


def _resolves(dotted: str) -> bool:
    """Whether ``survey.views.start`` (relative to the package) is a module or an attribute."""
    parts = f"assessment.{dotted}".split(".")
    for cut in range(len(parts), 1, -1):
        module = ".".join(parts[:cut])
        if module in modules():
            target: object = importlib.import_module(module)
            for attribute in parts[cut:]:
                if not hasattr(target, attribute):
                    return False
                target = getattr(target, attribute)
            return True
    return False
