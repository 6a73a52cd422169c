"""Benchmarks: the narrowest group of at least five consented, submitted peers, or none."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from assessment.extensions import db
from assessment.kernel.assessments import find_assessment
from assessment.kernel.files import own_cache
from assessment.kernel.models import Assessment
from assessment.report.benchmark import benchmark, recent_benchmark

from ..survey.helpers import Respondent, text
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
    medians = re.findall(r"<td[^>]*>(\d+)</td>\s*</tr>", html)
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


# --- firms, not checks ---------------------------------------------------------------------


def test_a_firm_counts_once_with_its_latest_check(
    submitted: Respondent, report_app: Flask, add_peer: PeerFactory
) -> None:
    """A firm with five checks is one peer, with its latest score: five firms make a group."""
    first = add_peer(10)
    for score in (20, 30, 40, 90):
        add_peer(score, firm_of=first)
    for score in (50, 60, 70):
        add_peer(score)
    assert group_of(report_app, submitted) is None, "four firms, eight checks: too few"
    add_peer(80)
    found = group_of(report_app, submitted)
    assert (found.group, found.size) == ("sector_size", 5)
    assert found.overall == 70, "the median of 90, 50, 60, 70 and 80"


def test_a_firms_latest_consented_check_counts(
    submitted: Respondent, report_app: Flask, add_peer: PeerFactory
) -> None:
    """A later check without consent does not count; the firm's consented check still does."""
    first = add_peer(10)
    add_peer(90, firm_of=first, consent=False)
    for score in (20, 30, 40, 50):
        add_peer(score)
    found = group_of(report_app, submitted)
    assert (found.size, found.overall) == (5, 30)


def test_a_firms_latest_check_decides_its_group(
    submitted: Respondent, report_app: Flask, add_peer: PeerFactory
) -> None:
    """A firm whose latest check is of another sector counts there, not in its earlier one."""
    moved = add_peer(10)
    add_peer(90, firm_of=moved, sector="handel")
    for score in (20, 30, 40, 50):
        add_peer(score)
    found = group_of(report_app, submitted)
    assert (found.group, found.size) == ("all", 5), "only four firms are crafts now"


def test_the_firms_own_checks_never_count(
    submitted: Respondent, report_app: Flask, add_peer: PeerFactory
) -> None:
    """Earlier and later checks of the company's own firm are never its peers."""
    with report_app.app_context():
        own = find_assessment(submitted.token)
        db.session.expunge(own)
    for score in (10, 20, 30):
        add_peer(score, firm_of=own)
    for score in (40, 50, 60, 70):
        add_peer(score)
    assert group_of(report_app, submitted) is None


@pytest.mark.parametrize("least", [6, 7])
def test_the_centre_may_ask_for_larger_groups(
    submitted: Respondent, report_app: Flask, add_peer: PeerFactory, least: int
) -> None:
    """BENCHMARK_MIN_FIRMS raises the least group size; below five it is never lowered."""
    for score in (10, 20, 30, 40, 50, 60):
        add_peer(score)
    with report_app.app_context():
        assessment = find_assessment(submitted.token)
        found = benchmark(assessment, "digitalcheck", least)
        assert (found is not None) == (least <= 6)
        assert benchmark(assessment, "digitalcheck", 2).size == 6, "never below five"
