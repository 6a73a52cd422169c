"""Seed what the statistics page's impact figures count, on top of the bulk assessments:
referrals with their answers, consultation requests and repeat checks.

Run in a process of its own with the benchmark's environment (`python -m bench.impact
--referrals N`), so that the app reads that environment's database as the server will.
Rows go in with Core inserts in batches, as `flask demo bulk` does.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from collections.abc import Mapping
from datetime import timedelta
from random import Random
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from assessment import create_app
from assessment.catalogue import questionnaires
from assessment.consultation.models import ConsultationRequest
from assessment.extensions import db
from assessment.kernel.models import Assessment
from assessment.referrals.models import Referral, ReferralEvent

from .serving import ROOT

#: Shares of the checks: a consultation request; a repeat of an earlier check of its firm.
CONSULTED, REPEATED = 0.10, 0.10
#: How the partners answer: (first answer, its share); then, of the accepted, a project.
FIRST_ANSWERS = (("accepted", 0.45), ("in_contact", 0.2), ("declined", 0.1), (None, 0.25))
PROJECT_SHARE = 0.4
BATCH = 5000


def seed(env: Mapping[str, str], referrals: int) -> None:
    """Seed the impact data in a process of its own with this environment."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bench.impact", "--referrals", str(referrals)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    print(f"Seeded {referrals} referrals in {time.perf_counter() - started:.1f} s")


def main() -> int:
    """Insert referrals with events, consultation requests and repeat checks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--referrals", type=int, required=True)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        rng = Random(20)  # nosec B311: invented benchmark data
        checks = db.session.execute(
            select(Assessment.id, Assessment.submitted_at, Assessment.consent_partners).order_by(
                Assessment.submitted_at
            )
        ).all()
        _repeat_checks(rng, checks)
        _consultations(rng, checks)
        allowed = [(number, at) for number, at, partners in checks if partners]
        _referrals(rng, rng.sample(allowed, min(args.referrals, len(allowed))))
        db.session.commit()
    return 0


def _repeat_checks(rng: Random, checks: list[Any]) -> None:
    """Make a share of the checks repeats of an earlier check: its firm's."""
    moves = [
        {"number": later[0], "firm": earlier[0]}
        for earlier, later in zip(checks[::2], checks[1::2], strict=False)
        if rng.random() < REPEATED * 2
    ]
    table = Assessment.__table__
    db.session.execute(
        update(table).where(table.c.id == bindparam("number")).values(firm_id=bindparam("firm")),
        moves,
    )


def _consultations(rng: Random, checks: list[Any]) -> None:
    """A consultation request for a share of the checks."""
    rows = [
        {
            "assessment_id": number,
            "created_at": at + timedelta(hours=rng.randint(1, 200)),
            "way": "email",
            "email": f"firma-{number}@firma.example",
            "language": "de",
            "status": rng.choice(("open", "in_progress", "done")),
        }
        for number, at, _partners in checks
        if rng.random() < CONSULTED
    ]
    for first in range(0, len(rows), BATCH):
        db.session.execute(insert(ConsultationRequest.__table__), rows[first : first + BATCH])


def _partners() -> list[dict[str, Any]]:
    """The directory's partners as a referral pins them."""
    directory = next(iter(questionnaires().values())).directory
    assert directory is not None, "the benchmark's questionnaire has a partner directory"
    return [
        {"id": p.id, "name": p.name.get("de"), "email": p.email, "topics": list(p.topics)}
        for p in directory.partners
    ]


def _referrals(rng: Random, chosen: list[tuple[int, Any]]) -> None:
    """A referral for each chosen check, with its partner's answers over the following weeks."""
    partners = _partners()
    table = Referral.__table__
    for first in range(0, len(chosen), BATCH):
        rows, answers = [], []
        for number, at in chosen[first : first + BATCH]:
            partner = rng.choice(partners)
            sent = at + timedelta(days=rng.uniform(1, 30))
            events = _answers(rng, sent)
            rows.append(
                {
                    "assessment_id": number,
                    "partner_id": partner["id"],
                    "partner": partner,
                    "nonce": "0" * 64,
                    "token_hash": hashlib.sha256(f"bench-referral-{number}".encode()).hexdigest(),
                    "introduction": "Guten Tag",
                    "shared": {},
                    "created_at": sent,
                    "state": events[-1]["state"] if events else "sent",
                }
            )
            answers.append(events)
        db.session.execute(insert(table), rows)
        hashes = [row["token_hash"] for row in rows]
        ids = dict(
            db.session.execute(
                select(Referral.token_hash, Referral.id).where(Referral.token_hash.in_(hashes))
            ).all()
        )
        events = [
            {**event, "referral_id": ids[row["token_hash"]]}
            for row, found in zip(rows, answers, strict=True)
            for event in found
        ]
        if events:
            db.session.execute(insert(ReferralEvent.__table__), events)


def _answers(rng: Random, sent: Any) -> list[dict[str, Any]]:
    """A referral's answers: perhaps a first one within weeks, perhaps a project after it."""
    state = rng.choices(
        [answer for answer, _share in FIRST_ANSWERS],
        [share for _answer, share in FIRST_ANSWERS],
    )[0]
    if state is None:
        return []
    at = sent + timedelta(hours=rng.uniform(2, 24 * 21))
    found = [{"state": state, "at": at}]
    if state == "accepted" and rng.random() < PROJECT_SHARE:
        found.append({"state": "project_started", "at": at + timedelta(days=rng.uniform(5, 60))})
    return found


if __name__ == "__main__":
    raise SystemExit(main())
