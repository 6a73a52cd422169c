"""Through the owner's pages: peers are firms, a firm is never its own peer, consent counts at once.

A group is shown only with at least five other firms that agreed to the comparison; each counts
once, with its latest check. Withdrawing the consent (or deleting the check) takes a check out of
every group straight away, even where the medians were computed a moment ago.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from assessment.questionnaire import Questionnaire

from ..survey.helpers import Respondent, complete, csrf_token, text
from .conftest import CRAFT_FIRM, PeerFactory

COMPANY = "Tischlerei Müller & Söhne"
NO_COMPARISON = "Ein Vergleich mit anderen Unternehmen wird angezeigt, sobald mindestens 5"
CONSENTING = {**CRAFT_FIRM, "consent_benchmark": "y"}


def compared_with(owner: Respondent) -> str | None:
    """What the owner's report says about its comparison group: "N Unternehmen", or None."""
    html = text(owner.client.get(owner.url("/report")))
    found = re.search(r"Verglichen mit dem Median der Unternehmen [^:]*: (\d+ Unternehmen)", html)
    if found is None:
        assert NO_COMPARISON in html
        return None
    return found.group(1)


@pytest.fixture
def fresh_medians(report_app: Flask) -> None:
    """Peer medians computed for every page view, so that new peers show at once."""
    report_app.config["BENCHMARK_MAX_AGE_MINUTES"] = 0


def peer_firm(app: Flask, sample: Questionnaire, company: str, **profile: str) -> Respondent:
    """Another firm that completes the check through its pages and agrees to the comparison."""
    peer = Respondent(app.test_client())
    peer.start()
    complete(peer, app, sample, company, {**CONSENTING, **profile})
    return peer


@pytest.mark.usefixtures("fresh_medians")
def test_six_checks_of_one_firm_are_never_its_peers(
    submitted: Respondent, report_app: Flask, sample: Questionnaire, add_peer: PeerFactory
) -> None:
    """A firm with six checks and four other firms gets no comparison; a fifth and a sixth
    other firm bring it to "5 Unternehmen" and "6 Unternehmen"."""
    first = Respondent(submitted.client)
    first.token = submitted.token
    assert submitted.choose_consents("benchmark").status_code == 302
    for _ in range(5):
        submitted.repeat()
        complete(submitted, report_app, sample, COMPANY, CONSENTING)
    for score in (20, 40, 60, 80):
        add_peer(score)
    assert compared_with(submitted) is None
    assert compared_with(first) is None, "later checks of the firm do not count either"
    add_peer(30)
    assert compared_with(submitted) == "5 Unternehmen"
    add_peer(70)
    assert compared_with(submitted) == "6 Unternehmen"
    assert compared_with(first) == "6 Unternehmen"


@pytest.mark.usefixtures("fresh_medians")
def test_a_fresh_check_under_the_same_name_is_the_same_firm(
    submitted: Respondent, report_app: Flask, sample: Questionnaire, add_peer: PeerFactory
) -> None:
    """A new check (not "repeat") of the same company name and region is not a peer; the same
    name in another town is another firm."""
    peer_firm(report_app, sample, "  TISCHLEREI müller &  Söhne ")
    for score in (20, 40, 60, 80):
        add_peer(score)
    assert compared_with(submitted) is None
    peer_firm(report_app, sample, COMPANY, region="soest")
    assert compared_with(submitted) == "5 Unternehmen"


def test_withdrawing_consent_takes_a_check_out_at_once(
    submitted: Respondent, report_app: Flask, sample: Questionnaire
) -> None:
    """Peer medians are kept for ten minutes, yet a withdrawn consent or a deleted check
    leaves every group at the next page view."""
    assert report_app.config["BENCHMARK_MAX_AGE_MINUTES"] == 10
    peers = [peer_firm(report_app, sample, f"Betrieb {number}") for number in range(6)]
    assert compared_with(submitted) == "6 Unternehmen"
    assert peers[0].choose_consents().status_code == 302
    assert compared_with(submitted) == "5 Unternehmen"
    assert peers[1].choose_consents("advisors").status_code == 302
    assert compared_with(submitted) is None
    assert peers[1].choose_consents("benchmark").status_code == 302
    assert compared_with(submitted) == "5 Unternehmen", "a consent given again counts again"
    confirm = peers[2].client.get(peers[2].url("/delete"))
    deleted = peers[2].client.post(
        peers[2].url("/delete"), data={"csrf_token": csrf_token(confirm)}
    )
    assert deleted.status_code == 200
    assert compared_with(submitted) is None


def test_a_first_report_counts_every_check_submitted_before_it(
    submitted: Respondent, report_app: Flask, sample: Questionnaire
) -> None:
    """Peer groups and medians are kept for ten minutes, yet a firm's first report counts
    every check submitted before it; a report already seen keeps its figures meanwhile."""
    for number in range(5):
        peer_firm(report_app, sample, f"Betrieb {number}")
    assert compared_with(submitted) == "5 Unternehmen"
    peer_firm(report_app, sample, "Betrieb 5")
    latest = peer_firm(report_app, sample, "Betrieb 6")
    assert compared_with(latest) == "6 Unternehmen"
    assert compared_with(submitted) == "5 Unternehmen", "its medians are kept ten minutes"
