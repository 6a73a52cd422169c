"""Introducing a firm to network partners: the choice of partners, the introduction's text,
and the referral with its e-mails, all in one transaction per partner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..catalogue import current_centre
from ..extensions import db
from ..i18n import in_language, localize
from ..kernel.assessments import hash_token
from ..kernel.models import Assessment
from ..mail.compose import compose, link
from ..mail.delivery import enqueue
from ..questionnaire import Partner, Questionnaire
from ..referrals.models import Referral, link_token, new_nonce
from ..report.content import Report
from .labels import profile_label
from .models import Advisor, AuditEvent


@dataclass(frozen=True)
class Candidate:
    """A partner the firm could be introduced to."""

    partner: Partner
    #: Whether the firm's report names the partner.
    matched: bool
    #: The referral already sent to it, if any.
    referral: Referral | None


def candidates(
    questionnaire: Questionnaire, report: Report, sent: list[Referral]
) -> list[Candidate]:
    """The partners with an e-mail address: those the report names first, then the directory."""
    directory = questionnaire.directory
    if directory is None:
        return []
    by_partner = {referral.partner_id: referral for referral in sent}
    matched = [match.partner for match in report.partners]
    others = sorted(
        (p for p in directory.partners if p not in matched), key=lambda p: localize(p.name)
    )
    return [
        Candidate(partner, partner in matched, by_partner.get(partner.id))
        for partner in (*matched, *others)
        if partner.email
    ]


def default_introduction(
    assessment: Assessment, questionnaire: Questionnaire, report: Report, advisor: Advisor
) -> str:
    """The introduction's text as the advisor finds it, to be edited before sending."""
    company = assessment.company_name or _("a company")
    priorities = "\n".join(
        f"{number}. {localize(item.priority.dimension.title)}"
        for number, item in enumerate(report.summary, start=1)
    )
    return _(
        "Good day,\n\nwe would like to introduce %(company)s (%(sector)s, %(size)s, %(region)s) "
        "to you. In its Digital-Check, these topics came out as its priorities:\n%(priorities)s"
        "\n\nWe think you can help. Please get in touch with the company and let us know on the "
        "page of this introduction how it goes.\n\nKind regards\n%(advisor)s, %(centre)s",
        company=company,
        sector=profile_label(questionnaire, "sector", assessment.sector),
        size=profile_label(questionnaire, "size", assessment.size),
        region=profile_label(questionnaire, "region", assessment.region),
        priorities=priorities,
        advisor=advisor.name,
        centre=localize(current_centre().name),
    )


def shared_data(assessment: Assessment, report: Report) -> dict[str, Any]:
    """What consent (c) lets the partner see: the company, its profile, its priorities and the
    contact address; labels are looked up when the page is shown, in its language."""
    return {
        "company": assessment.company_name,
        "email": assessment.contact_email,
        "profile": {key: getattr(assessment, key) for key in ("sector", "size", "region")},
        "priorities": [item.priority.dimension.id for item in report.summary],
    }


def introduce(
    advisor: Advisor,
    assessment: Assessment,
    partners: list[Partner],
    introduction: str,
    report: Report,
) -> tuple[list[Partner], list[Partner]]:
    """Send the introduction to each partner not yet introduced; the partners it went to, and
    those skipped because the firm was introduced to them already (also by a colleague at the
    same moment)."""
    sent, skipped = [], []
    for partner in partners:
        try:
            _refer(advisor, assessment, partner, introduction, report)
        except IntegrityError:
            db.session.rollback()
            skipped.append(partner)
        else:
            sent.append(partner)
    return sent, skipped


def _refer(
    advisor: Advisor, assessment: Assessment, partner: Partner, introduction: str, report: Report
) -> None:
    """One referral with its two e-mails and its audit entry, committed together."""
    nonce = new_nonce()
    token = link_token(nonce)
    pinned = partner.model_dump(
        mode="json", include={"id", "email", "phone", "url", "address", "topics"}
    )
    pinned["name"] = localize(partner.name)
    referral = Referral(
        assessment_id=assessment.id,
        partner_id=partner.id,
        partner=pinned,
        nonce=nonce,
        token_hash=hash_token(token),
        introduction=introduction,
        shared=shared_data(assessment, report),
        advisor_id=advisor.id,
    )
    db.session.add(referral)
    db.session.flush()  # a second introduction to the same partner stops here
    language = current_app.config["BABEL_DEFAULT_LOCALE"]
    with in_language(language):
        subject = _(
            "An introduction by the Digital-Check: %(company)s",
            company=assessment.company_name or _("a company"),
        )
    enqueue(
        compose(
            "referral_partner",
            partner.email or "",
            subject,
            language,
            referral=referral,
            page_url=link("referrals.partner_page", token=token),
        ),
        "referral_partner",
        assessment.id,
    )
    if assessment.contact_email:
        with in_language(assessment.language):
            subject = _("We have introduced you to %(partner)s", partner=pinned["name"])
        enqueue(
            compose(
                "referral_owner",
                assessment.contact_email,
                subject,
                assessment.language,
                referral=referral,
            ),
            "referral_owner",
            assessment.id,
        )
    db.session.add(
        AuditEvent(
            advisor_id=advisor.id,
            assessment_id=assessment.id,
            action="referral_sent",
            detail={"partner": pinned["name"]},
        )
    )
    db.session.commit()


def referrals_of(assessment: Assessment) -> list[Referral]:
    """The firm's referrals, newest first."""
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.assessment_id == assessment.id)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
    )
