"""The lock files pin all that setup.cfg asks for, within its ranges, and are what is installed."""

from __future__ import annotations

from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from assessment import PROJECT_ROOT

from .lockfiles import (
    Lock,
    build_requirements,
    lock_problems,
    parse_lock,
    read_lock,
    setup_requirements,
)

LOCKS = PROJECT_ROOT / "requirements"
RUNTIME, DEV = setup_requirements(PROJECT_ROOT / "setup.cfg")
BUILD = build_requirements(PROJECT_ROOT / "pyproject.toml", LOCKS / "build.in")
#: Each lock file and what it must pin: production installs main.txt, development dev.txt.
WANTED = {"main.txt": RUNTIME + BUILD, "dev.txt": RUNTIME + DEV + BUILD}


@pytest.fixture(scope="module", params=sorted(WANTED))
def lock(request: pytest.FixtureRequest) -> tuple[str, Lock]:
    """A lock file's name and pins."""
    return request.param, read_lock(LOCKS / request.param)


def test_setup_cfg_is_locked_within_its_ranges(lock: tuple[str, Lock]) -> None:
    """Every dependency of setup.cfg (and of the build) is pinned, inside its range."""
    name, pins = lock
    assert lock_problems(WANTED[name], pins, name) == []


def test_every_pin_has_hashes(lock: tuple[str, Lock]) -> None:
    """pip --require-hashes can check every file it installs."""
    name, pins = lock
    unhashed = [pin.name for versions in pins.values() for pin in versions if not pin.hashes]
    assert unhashed == [], f"{name} pins these without a hash"


def test_a_lock_that_lacks_a_dependency_or_leaves_its_range_is_reported() -> None:
    """The check names the missing package and the pin outside the range."""
    pins = parse_lock(
        "flask==3.1.3 \\\n    --hash=sha256:aa\n    # via digital-check\n"
        "pyyaml==7.0.0 \\\n    --hash=sha256:bb\n"
        "colorama==0.4.6 ; sys_platform == 'nonexistent' \\\n    --hash=sha256:cc\n"
    )
    wanted = [Requirement(text) for text in ("Flask>=3.1,<4", "PyYAML>=6.0.2,<7", "colorama")]
    assert lock_problems(wanted, pins, "main.txt") == [
        "main.txt pins pyyaml==7.0.0, outside PyYAML<7,>=6.0.2",
        "main.txt lacks colorama",
    ]


def test_both_locks_pin_the_same_versions() -> None:
    """Production gets the versions the suite ran with."""
    main, dev = read_lock(LOCKS / "main.txt"), read_lock(LOCKS / "dev.txt")
    differing = {
        name: ([str(p.version) for p in pins], [str(p.version) for p in dev.get(name, [])])
        for name, pins in main.items()
        if {p.version for p in pins} != {p.version for p in dev.get(name, [])}
    }
    assert differing == {}


def test_every_dependency_of_a_locked_package_is_locked(lock: tuple[str, Lock]) -> None:
    """The lock is complete: what each installed package requires is pinned within range too."""
    name, pins = lock
    problems = []
    wanted = [(r, r.extras) for r in WANTED[name]]
    seen: set[tuple[str, frozenset[str]]] = set()
    while wanted:
        requirement, extras = wanted.pop()
        key = (canonicalize_name(requirement.name), frozenset(extras))
        if key in seen or not _applies(requirement, ""):
            continue
        seen.add(key)
        for needed in _requirements_of(requirement.name, extras):
            problems += lock_problems([needed], pins, name)
            wanted.append((needed, needed.extras))
    assert sorted(set(problems)) == []


def test_the_suite_runs_on_what_the_lock_pins() -> None:
    """Every package dev.txt pins for this machine is installed at that version."""
    pins = read_lock(LOCKS / "dev.txt")
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    wrong = {
        name: (str(pin.version), installed.get(name))
        for name, versions in pins.items()
        for pin in versions
        if pin.applies() and installed.get(name) != str(pin.version)
    }
    assert wrong == {}, "run `make test` again: it reinstalls from the lock (locked, installed)"


def _applies(requirement: Requirement, extra: str) -> bool:
    return requirement.marker is None or requirement.marker.evaluate({"extra": extra})


def _requirements_of(package: str, extras: set[str]) -> list[Requirement]:
    """What an installed package requires here, with the given extras."""
    declared = [Requirement(text) for text in metadata.requires(package) or []]
    return [
        requirement
        for requirement in declared
        if any(_applies(requirement, extra) for extra in ["", *extras])
    ]
