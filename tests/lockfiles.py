"""Reading the lock files (requirements/*.txt) and what setup.cfg and pyproject.toml ask for."""

from __future__ import annotations

import configparser
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version


@dataclass(frozen=True)
class Pin:
    """One line of a lock file: a package at an exact version, for the environments of a marker."""

    name: str
    version: Version
    marker: Marker | None
    hashes: tuple[str, ...]

    def applies(self) -> bool:
        """Whether this pin is for the running environment."""
        return self.marker is None or self.marker.evaluate()


Lock = Mapping[str, list[Pin]]


def parse_lock(text: str) -> dict[str, list[Pin]]:
    """The pins of a lock file's text, by canonical package name."""
    pins: defaultdict[str, list[Pin]] = defaultdict(list)
    for entry in _entries(text):
        spec, *hashes = (part.strip() for part in entry.split("--hash="))
        requirement = Requirement(spec)
        [specifier] = requirement.specifier
        if specifier.operator != "==":
            raise ValueError(f"not an exact pin: {spec}")
        name = canonicalize_name(requirement.name)
        pin = Pin(name, Version(specifier.version), requirement.marker, tuple(hashes))
        pins[name].append(pin)
    return dict(pins)


def _entries(text: str) -> Iterable[str]:
    """The requirement lines of a requirements file, continuation lines joined, comments dropped."""
    entry = ""
    for line in text.splitlines():
        code = line.split("#", 1)[0].rstrip()
        if not code.strip():
            continue
        entry += " " + code.rstrip("\\").strip()
        if not code.endswith("\\"):
            yield entry.strip()
            entry = ""
    if entry.strip():
        yield entry.strip()


def read_lock(path: Path) -> dict[str, list[Pin]]:
    """The pins of a lock file."""
    return parse_lock(path.read_text(encoding="utf-8"))


def setup_requirements(setup_cfg: Path) -> tuple[list[Requirement], list[Requirement]]:
    """setup.cfg's install_requires and its ``dev`` extra."""
    config = configparser.ConfigParser()
    config.read(setup_cfg, encoding="utf-8")

    def listed(value: str) -> list[Requirement]:
        return [Requirement(line) for line in value.splitlines() if line.strip()]

    runtime = listed(config["options"]["install_requires"])
    dev = listed(config["options.extras_require"]["dev"])
    return runtime, dev


def build_requirements(pyproject: Path, build_in: Path) -> list[Requirement]:
    """What builds and installs the project: pyproject.toml's build-system and build.in."""
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["build-system"]["requires"]
    listed = [line.split("#", 1)[0].strip() for line in build_in.read_text().splitlines()]
    return [Requirement(line) for line in [*declared, *listed] if line]


def lock_problems(requirements: Iterable[Requirement], lock: Lock, name: str) -> list[str]:
    """Every requirement that the lock lacks, or pins at a version outside its range."""
    problems = []
    for requirement in requirements:
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        key = canonicalize_name(requirement.name)
        pins = [pin for pin in lock.get(key, []) if pin.applies()]
        if not pins:
            problems.append(f"{name} lacks {requirement}")
            continue
        for pin in pins:
            if not requirement.specifier.contains(pin.version, prereleases=True):
                problems.append(f"{name} pins {key}=={pin.version}, outside {requirement}")
    return problems
