"""Benchmarks: the narrowest group of at least five consented, submitted peers, or none."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from assessment.extensions import db
from assessment.models import Assessment
from assessment.report.benchmark import benchmark, recent_benchmark
from assessment.report.cache import own_cache
from assessment.survey.operations import find_assessment

from ..web.helpers import Respondent, text
from .conftest import PeerFactory


def group_of(app: Flask, owner: Respondent):
    """The benchmark of the owner's assessment."""
    with app.app_context():
        assessment = find_assessment(owner.token)
        assert assessment is not None
        return benchmark(assessment, "digitalcheck")


def test_same_sector_and_size_first(
    submitted: Respondent, report_app: Flask, add_peer: PeerFactory
) -> None:
    """Five peers of the same sector and size give that group, with their median."""
    for score in (10, 20, 30, 40, 50):
        add_peer(score)
    add_peer(90, sector="handel")
    found = group_of(report_app, submitted)
    assert (found.group, found.size) == ("sector_size", 5)
    assert found.overall == 30
    assert set(found.dimensions.values()) == {30}


def test_falls_back_to_the_sector(
    submitted: Respondent, report_app: Flask, add_peer: PeerFactory
) -> None:
    """Four of the same size are too few; with a fifth of the sector, the sector is the group."""
    for score in (10, 20, 30, 40):
        add_peer(score)
    add_peer(60, size="medium")
    found = group_of(report_app, submitted)
    assert (found.group, found.size, found.overall) == ("sector", 5, 30)


def test_falls_back_to_everybody(
    submitted: Respondent, report_app: Flask, add_peer: PeerFactory
) -> None:
    """Too few in the sector: all companies form the group."""
    for score in (10, 20):
        add_peer(score)
    for score in (30, 40, 50):
        add_peer(score, sector="handel", size="medium")
    found = group_of(report_app, submitted)
    assert (found.group, found.size, found.overall) == ("all", 5, 30)


@pytest.mark.parametrize(
    "excluded",
    [{"consent": False}, {"status": "in_progress"}],
    ids=["no-consent", "not-submitted"],
)
def test_only_consented_submitted_peers_count(
    submitted: Respondent, report_app: Flask, add_peer: PeerFactory, excluded: dict
) -> None:
    """Peers without consent or not yet submitted are never part of a group."""
    for score in (10, 20, 30, 40):
        add_peer(score)
    add_peer(50, **excluded)
    assert group_of(report_app, submitted) is None


def test_the_company_itself_is_not_its_own_peer(
    submitted: Respondent, report_app: Flask, add_peer: PeerFactory
) -> None:
    """Four peers plus the company itself are still too few."""
    with report_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Assessment)) == 1
    for score in (10, 20, 30, 40):
        add_peer(score)
    assert group_of(report_app, submitted) is None


def test_report_names_the_group_and_its_size(submitted: Respondent, add_peer: PeerFactory) -> None:
    """The page says which group was used and how many companies it has, and shows medians."""
    for score in (10, 20, 30, 40, 50, 60):
        add_peer(score)
    html = text(submitted.client.get(submitted.url("/report")))
    assert "der Unternehmen derselben Branche und Größe: 6 Unternehmen" in html
    medians = re.findall(r"<td>(\d+)</td>\s*</tr>", html)
    assert medians and set(medians) == {"35"}
    chart = re.search(r'<img src="(charts/radar\.svg\?v=\w+)"', html).group(1)
    assert "(6 Unternehmen)" in submitted.client.get(submitted.url("/" + chart)).get_data(
        as_text=True
    )


def test_recent_medians_are_kept_until_they_are_too_old(
    submitted: Respondent, report_app: Flask, add_peer: PeerFactory
) -> None:
    """A report reuses the medians it computed while they are young, then computes them again."""
    with report_app.app_context():
        assessment = find_assessment(submitted.token)
        assert recent_benchmark(assessment, "digitalcheck", 600) is None
        for score in (10, 20, 30, 40, 50):
            add_peer(score)
        assert recent_benchmark(assessment, "digitalcheck", 600) is None
        found = recent_benchmark(assessment, "digitalcheck", 0)
        assert (found.group, found.size, found.overall) == ("sector_size", 5, 30)
        assert recent_benchmark(assessment, "digitalcheck", 600) == found


def test_unreadable_kept_medians_are_computed_again(
    submitted: Respondent, report_app: Flask, add_peer: PeerFactory
) -> None:
    """A damaged file of kept medians does not break the report: they are computed anew."""
    for score in (10, 20, 30, 40, 50):
        add_peer(score)
    with report_app.app_context():
        assessment = find_assessment(submitted.token)
        folder = own_cache(assessment.id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "benchmark.json").write_text('{"group": "sector"')
        assert recent_benchmark(assessment, "digitalcheck", 600).overall == 30
        (folder / "benchmark.json").write_text('{"unexpected": 1}')
        assert recent_benchmark(assessment, "digitalcheck", 600).overall == 30
