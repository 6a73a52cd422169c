"""`flask demo seed|bulk`: sample data for development and benchmarks; refused in production."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from functools import cache
from itertools import accumulate
from random import Random
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from .advisor.accounts import create_advisor, find_advisor
from .advisor.models import ActionItem, Advisor, Note
from .catalogue import questionnaires
from .consultation.models import ConsultationRequest
from .extensions import db
from .kernel.models import Answer, Assessment, DimensionScore, company_key, utcnow
from .kernel.pinning import pin
from .questionnaire import AnswerError, QuestionBase, Questionnaire
from .questionnaire.conditions import is_shown, visible_answers
from .questionnaire.questions import SingleQuestion
from .survey.operations import repeat_assessment, save_page, start_assessment, submit

demo_cli = AppGroup("demo", help="Sample data for development: a demo advisor and assessments.")

DEMO_EMAIL = "demo@digitalcheck.example"
#: Printed on every seed: the demo account exists only in development databases.
# Development only, printed (bandit B105).
DEMO_PASSWORD = "demo-advisor-2026"  # nosec B105
LOGIN_URL = "http://127.0.0.1:5000/advisor/login"
BULK_BATCH = 5000


@dataclass(frozen=True)
class SampleFirm:
    """An invented firm of the district of Soest and how its check(s) went."""

    name: str
    email: str
    sector: str
    size: str
    region: str
    it_betreuung: str
    #: 0 (nothing digital) to 1 (pioneer); answers scatter around it.
    maturity: float
    #: Months since the (first) check was submitted.
    months_ago: float
    shared: bool = True
    partners: bool = False
    language: str = "de"
    #: The maturity of a repeated check one or two months ago, if the firm did one.
    repeat: float | None = None
    review_status: str = "new"
    note: str | None = None
    #: Started but not sent: shown nowhere but in the counts of started checks.
    unfinished: bool = False
    #: A consultation request after the (first) check: the way of contact and the message.
    consultation: tuple[str, str] | None = None
    #: An action item of the advisor: the step, its due day from today, who does it.
    step: tuple[str, int, str] | None = None


FIRMS = (
    SampleFirm("Tischlerei Brockhoff GmbH", "info@tischlerei-brockhoff.example", "handwerk",
               "small", "lippstadt", "intern-nebenbei", 0.32, 9.5, partners=True, repeat=0.5,
               review_status="in_review",
               step=("Rückruf: Angebot für die Zeiterfassung besprechen", -3, "advisor")),
    SampleFirm("Metallbau Schulte-Wessel GmbH & Co. KG", "kontakt@schulte-wessel.example",
               "produktion", "medium", "erwitte", "intern-fachkraft", 0.6, 7.2, partners=True,
               review_status="reviewed",
               note="Telefonat mit der Geschäftsführung: Interesse an einem Workshop zur "
               "Vernetzung der Fertigung (MES). Termin im Digitalen Zentrum vereinbart.",
               step=("Liste der Maschinen mit ihren Schnittstellen schicken", 10, "firm")),
    SampleFirm("Bäckerei Korte", "backstube@baeckerei-korte.example", "handwerk", "micro",
               "soest", "niemand", 0.14, 6.1,
               consultation=("phone", "Wir möchten Bestellungen der Filialen nicht mehr per Fax "
                             "annehmen. Wo fangen wir an?")),
    SampleFirm("Elektro Hagedorn GmbH", "service@elektro-hagedorn.example", "handwerk", "small",
               "warstein", "extern", 0.45, 2.3, review_status="in_review"),
    SampleFirm("Autohaus Möhnetal GmbH", "verkauf@autohaus-moehnetal.example", "handel",
               "small", "moehnesee", "extern", 0.52, 4.8, partners=True),
    SampleFirm("Steuerberatung Risse & Partner mbB", "kanzlei@risse-partner.example",
               "dienstleistung", "small", "werl", "extern", 0.68, 8.4, repeat=0.8,
               review_status="reviewed"),
    SampleFirm("Landhandel Lippetal eG", "info@landhandel-lippetal.example", "landwirtschaft",
               "small", "lippetal", "intern-nebenbei", 0.28, 5.5),
    SampleFirm("Kemper Spedition und Logistik GmbH", "dispo@kemper-logistik.example",
               "logistik", "medium", "geseke", "intern-fachkraft", 0.55, 3.9, partners=True),
    SampleFirm("Hotel Haus am Kurpark", "rezeption@haus-am-kurpark.example", "gastgewerbe",
               "small", "bad-sassendorf", "niemand", 0.24, 1.7, shared=False),
    SampleFirm("Kunststofftechnik Anröchte GmbH", "info@kt-anroechte.example", "produktion",
               "medium", "anroechte", "intern-fachkraft", 0.76, 1.2, language="en"),
    SampleFirm("Ambulanter Pflegedienst Sonnenschein gGmbH", "buero@pflege-sonnenschein.example",
               "gesundheit", "small", "ense", "extern", 0.4, 0.6,
               consultation=("video", "Gibt es Fördermittel für die Tourenplanung?")),
    SampleFirm("Pixelwerk Webagentur UG", "hallo@pixelwerk-soest.example", "it-medien",
               "micro", "soest", "intern-fachkraft", 0.88, 2.9, partners=True),
    SampleFirm("Rüthener Natursteinwerk GmbH", "info@ruethener-naturstein.example", "bau",
               "medium", "ruethen", "extern", 0.2, 9.8, repeat=0.36),
    SampleFirm("Getränke Schäfer KG", "bestellung@getraenke-schaefer.example", "handel",
               "micro", "welver", "niemand", 0.3, 0.3, shared=False),
    SampleFirm("Fahrradwerkstatt Wickede", "werkstatt@rad-wickede.example", "handwerk",
               "micro", "wickede-ruhr", "niemand", 0.35, 0.1, unfinished=True),
)  # fmt: skip

#: Plausible answers to the sample's free-text questions; other questions get a generic one.
SAMPLE_TEXTS = {
    "strategie_vorhaben": [
        "Auftragsabwicklung ohne Papier, vom Angebot bis zur Rechnung",
        "Neue Website mit Online-Terminbuchung",
        "Einführung eines ERP-Systems für Lager und Einkauf",
    ],
    "prozesse_engpass": [
        "Aufmaße und Stundenzettel werden abends im Büro abgetippt.",
        "Bestellungen kommen per Telefon, Fax und E-Mail und werden doppelt erfasst.",
    ],
    "daten_frage": [
        "Welche Aufträge bringen uns tatsächlich Gewinn?",
        "Wie viel Material liegt wie lange im Lager?",
    ],
    "innovation_idee": [
        "Wartungsverträge mit Fernüberwachung für unsere Kunden",
        "Ein Online-Konfigurator für Sonderanfertigungen",
    ],
    "nachhaltigkeit_anforderungen": [
        "Ein großer Kunde fragt nach unserem CO2-Fußabdruck pro Auftrag.",
        "Die Bank möchte bei der Finanzierung Angaben zur Nachhaltigkeit.",
    ],
}
GENERIC_TEXTS = ["Das möchten wir gern mit dem Digitalen Zentrum besprechen."]


def refuse_production() -> None:
    """Stop with exit code 1 when the app runs in production: sample data must never go there."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.ClickException("Sample data is for development only; refused in production.")


def demo_questionnaire() -> Questionnaire:
    """The questionnaire the sample data answers: the sample one, else the first offered."""
    offered = questionnaires()
    return offered.get("digitalcheck") or next(iter(offered.values()))


@demo_cli.command("seed")
def seed_command() -> None:
    """Create the demo advisor and sample assessments, unless some assessments exist already."""
    refuse_production()
    advisor = find_advisor(DEMO_EMAIL) or create_advisor(
        DEMO_EMAIL, DEMO_PASSWORD, name="Demo-Beratung"
    )
    if db.session.scalar(select(func.count(Assessment.id))):
        click.echo("Sample data: the database holds assessments already; none were added.")
    else:
        created = seed_firms(demo_questionnaire(), advisor)
        shared = sum(firm.shared and not firm.unfinished for firm in FIRMS)
        click.echo(
            f"Sample data: {created} assessments of {len(FIRMS)} invented firms, "
            f"{shared} of them shared with advisors."
        )
    click.echo(
        f"Demo advisor: log in at {LOGIN_URL} as {DEMO_EMAIL} with the password {DEMO_PASSWORD}"
    )


def seed_firms(questionnaire: Questionnaire, advisor: Advisor) -> int:
    """Let every sample firm answer through the survey's services; how many checks were stored."""
    now = utcnow()
    created = 0
    for number, firm in enumerate(FIRMS):
        # Invented sample data (bandit B311).
        rng = Random(f"demo-{number}")  # nosec B311
        sent = now - timedelta(days=firm.months_ago * 30.4, minutes=rng.randint(0, 600))
        earlier = answer_check(questionnaire, firm, firm.maturity, rng, sent)
        created += 1
        if firm.repeat is not None:
            later = now - timedelta(days=rng.randint(20, 45), minutes=rng.randint(0, 600))
            earlier = answer_check(questionnaire, firm, firm.repeat, rng, later, previous=earlier)
            created += 1
        if firm.review_status != "new":
            earlier.review_status = firm.review_status
            earlier.assigned_advisor_id = advisor.id
        if firm.consultation is not None:
            way, message = firm.consultation
            db.session.add(
                ConsultationRequest(
                    assessment_id=earlier.id,
                    way=way,
                    email=firm.email,
                    phone="02941 000000" if way == "phone" else None,
                    preferred_time="vormittags",
                    message=message,
                    language=firm.language,
                    created_at=(earlier.submitted_at or now) + timedelta(hours=2),
                )
            )
        if firm.note:
            moment = (earlier.submitted_at or now) + timedelta(days=3)
            db.session.add(
                Note(
                    assessment_id=earlier.id,
                    advisor_id=advisor.id,
                    text=firm.note,
                    created_at=moment,
                )
            )
        if firm.step:
            text, days, owner = firm.step
            due = (now + timedelta(days=days)).date()
            db.session.add(
                ActionItem(
                    assessment_id=earlier.id,
                    advisor_id=advisor.id,
                    text=text,
                    due_on=due,
                    owner=owner,
                )
            )
            earlier.follow_up_on = due
        db.session.commit()
    return created


def answer_check(
    questionnaire: Questionnaire,
    firm: SampleFirm,
    maturity: float,
    rng: Random,
    sent: datetime,
    previous: Assessment | None = None,
) -> Assessment:
    """One check of a firm, answered page by page and submitted (unless unfinished) at ``sent``."""
    if previous is None:
        assessment, _token = start_assessment(questionnaire, firm.language)
    else:
        assessment, _token = repeat_assessment(previous, firm.language)
    wanted = {
        "sector": firm.sector,
        "size": firm.size,
        "region": firm.region,
        "it_betreuung": firm.it_betreuung,
    }
    answers = {q.id: profile_answer(q, wanted.get(q.id), rng) for q in questionnaire.profile}
    consents = {
        "company_name": firm.name,
        "contact_email": firm.email,
        "consent_benchmark": True,
        "consent_advisors": firm.shared,
        "consent_partners": firm.partners,
    }
    save_page(assessment, questionnaire, answers, language=firm.language, profile=consents)
    dimensions = questionnaire.dimensions[:2] if firm.unfinished else questionnaire.dimensions
    for dimension in dimensions:
        leaning = min(1.0, max(0.0, rng.gauss(maturity, 0.12)))
        page = dict(page_answers(questionnaire, dimension.questions, answers, leaning, rng))
        answers.update(page)
        save_page(assessment, questionnaire, page, language=firm.language)
    if not firm.unfinished:
        submit(assessment, questionnaire)
    started = sent - timedelta(minutes=rng.randint(18, 75))
    db.session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id)
        .values(
            created_at=started,
            profile_saved_at=started + timedelta(minutes=2),
            updated_at=sent,
            submitted_at=None if firm.unfinished else sent,
        )
    )
    db.session.execute(
        update(Answer).where(Answer.assessment_id == assessment.id).values(updated_at=sent)
    )
    db.session.commit()
    db.session.refresh(assessment)
    return assessment


def profile_answer(question: QuestionBase, wanted: str | None, rng: Random) -> Any:
    """The firm's answer to a profile question, or a random option when it does not fit."""
    try:
        answer = question.read_answer(wanted)
    except AnswerError:
        answer = None
    if answer is None and isinstance(question, SingleQuestion):
        answer = rng.choice(question.options).id
    return answer


def page_answers(
    questionnaire: Questionnaire,
    questions: tuple[QuestionBase, ...],
    earlier: Mapping[str, Any],
    maturity: float,
    rng: Random,
) -> Iterator[tuple[str, Any]]:
    """Normalised answers to the shown questions of a page; some optional ones stay empty."""
    answers = dict(earlier)
    for question in questions:
        if not is_shown(question, visible_answers(questionnaire, answers), questionnaire):
            continue
        if not question.required and rng.random() < 0.35:
            continue
        target = min(1.0, max(0.0, rng.gauss(maturity, 0.15)))
        answer = question.read_answer(
            question.demo_answer(target, rng, SAMPLE_TEXTS.get(question.id, GENERIC_TEXTS))
        )
        if answer is not None:
            answers[question.id] = answer
            yield question.id, answer


@demo_cli.command("bulk")
@click.option("--count", type=click.IntRange(min=1), required=True, help="How many assessments.")
@click.option("--seed", type=int, default=1, show_default=True, help="Vary the generated data.")
def bulk_command(count: int, seed: int) -> None:
    """Insert many submitted, shared assessments with scores at once (for benchmarks)."""
    refuse_production()
    questionnaire = demo_questionnaire()
    version = pin(questionnaire)
    db.session.commit()
    started = time.perf_counter()
    try:
        insert_bulk(questionnaire, version.id, count, seed)
    except IntegrityError as error:
        db.session.rollback()
        raise click.ClickException(
            f"Bulk data of seed {seed} exists already; choose another --seed."
        ) from error
    click.echo(
        f"Inserted {count} submitted, shared assessments with their dimension scores "
        f"in {time.perf_counter() - started:.1f} s."
    )


def insert_bulk(questionnaire: Questionnaire, version_id: int, count: int, seed: int) -> None:
    """Insert ``count`` assessments and their dimension scores in batches, without ORM objects."""
    # Invented benchmark data (bandit B311).
    rng = Random(seed)  # nosec B311
    choices = {
        q.id: [o.id for o in q.options]
        for q in questionnaire.profile
        if isinstance(q, SingleQuestion) and q.id in SHARES
    }
    weights = {
        key: list(accumulate(SHARES[key].get(o, 1) for o in ids)) for key, ids in choices.items()
    }
    now = utcnow()
    if db.engine.dialect.name == "sqlite":  # the random token hashes thrash the default 2 MiB
        db.session.execute(text("PRAGMA cache_size = -262144"))

    @cache
    def level(score: float) -> str:
        return questionnaire.level_for(Fraction(score)).id

    for first in range(0, count, BULK_BATCH):
        rows, scores = [], []
        for number in range(first, min(count, first + BULK_BATCH)):
            profile = {
                key: rng.choices(ids, cum_weights=weights[key])[0] for key, ids in choices.items()
            }
            row, dimension_scores = bulk_row(
                questionnaire, profile, rng, now, f"bulk-{seed}-{number}"
            )
            row["questionnaire_version_id"] = version_id
            row["overall_level"] = (
                level(row["overall_score"]) if row["overall_score"] is not None else None
            )
            rows.append(row)
            scores.append(dimension_scores)
        # Core inserts of the tables: the ORM's bulk path costs more than SQLite's executemany.
        db.session.execute(insert(Assessment.__table__), rows)
        # Looked up by the unique token hash: RETURNING would insert row by row on SQLite.
        hashes = [row["token_hash"] for row in rows]
        ids = dict(
            db.session.execute(
                select(Assessment.token_hash, Assessment.id).where(
                    Assessment.token_hash.in_(hashes)
                )
            ).all()
        )
        # Each a firm of its own (see kernel/firms.py); Core inserts pass the ORM's event by.
        db.session.execute(
            update(Assessment)
            .where(Assessment.id.in_(list(ids.values())))
            .values(firm_id=Assessment.id)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            insert(DimensionScore.__table__),
            [
                {
                    "assessment_id": ids[row["token_hash"]],
                    "dimension_id": dimension,
                    "score": score,
                    "level": level(score),
                }
                for row, by_dimension in zip(rows, scores, strict=True)
                for dimension, score in by_dimension.items()
            ],
        )
        db.session.commit()


TRADES = {
    "produktion": ["Maschinenbau", "Kunststofftechnik", "Metallverarbeitung", "Gießerei"],
    "handwerk": ["Tischlerei", "Bäckerei", "Elektro", "Sanitär und Heizung", "Dachdeckerei"],
    "bau": ["Bauunternehmung", "Tiefbau", "Hochbau"],
    "handel": ["Autohaus", "Landmaschinen", "Getränkehandel", "Modehaus"],
    "dienstleistung": ["Steuerberatung", "Ingenieurbüro", "Gebäudereinigung"],
    "it-medien": ["Webagentur", "Systemhaus", "Druckerei"],
    "gastgewerbe": ["Hotel", "Landgasthof", "Café"],
    "logistik": ["Spedition", "Kurierdienst"],
    "gesundheit": ["Pflegedienst", "Physiotherapie", "Zahnarztpraxis"],
    "landwirtschaft": ["Hof", "Gärtnerei", "Landhandel"],
}
SURNAMES = ["Schulte", "Brockhoff", "Hagedorn", "Risse", "Kemper", "Korte", "Becker", "Vogt"]
LEGAL_FORMS = ["GmbH", "GmbH & Co. KG", "KG", "e.K.", "UG", "OHG", ""]
#: Rough shares of the profile options among firms that take the check; others count 1.
SHARES = {
    "sector": {"handwerk": 6, "produktion": 4, "handel": 4, "dienstleistung": 4, "bau": 2},
    "size": {"micro": 9, "small": 7, "medium": 3, "large": 1},
    "region": {"lippstadt": 7, "soest": 5, "werl": 3, "warstein": 3, "geseke": 2, "erwitte": 2},
}
REVIEW_STATUSES, REVIEW_WEIGHTS = ("new", "in_review", "reviewed"), (80, 12, 8)


def bulk_row(
    questionnaire: Questionnaire, profile: dict[str, str], rng: Random, now: datetime, name: str
) -> tuple[dict[str, Any], dict[str, float]]:
    """One generated assessment's columns, and its dimension scores by dimension id."""
    trade = rng.choice(TRADES.get(profile.get("sector", ""), ["Betrieb"]))
    company = f"{trade} {rng.choice(SURNAMES)} {rng.choice(LEGAL_FORMS)}".strip()
    maturity = rng.betavariate(2.2, 2.6) * 100
    scores = {
        dimension.id: round(min(100.0, max(0.0, rng.gauss(maturity, 12))), 2)
        for dimension in questionnaire.dimensions
    }
    weights = {d.id: float(d.weight) for d in questionnaire.dimensions}
    total = sum(weights.values())
    overall = round(sum(scores[k] * weights[k] for k in scores) / total, 2) if total else None
    sent = now - timedelta(minutes=rng.randint(0, 730 * 24 * 60))
    started = sent - timedelta(minutes=rng.randint(10, 180))
    row = {
        "token_hash": hashlib.sha256(name.encode()).hexdigest(),
        "status": "submitted",
        "language": "de" if rng.random() < 0.9 else "en",
        "company_name": company,
        "company_key": company_key(company),
        "contact_email": f"{name}@firma.example",
        "consent_benchmark": True,
        "consent_advisors": True,
        "consent_partners": rng.random() < 0.4,
        "sector": profile.get("sector"),
        "size": profile.get("size"),
        "region": profile.get("region"),
        "profile_saved_at": started + timedelta(minutes=1),
        "overall_score": overall,
        "created_at": started,
        "updated_at": sent,
        "submitted_at": sent,
        "review_status": rng.choices(REVIEW_STATUSES, REVIEW_WEIGHTS)[0],
        "actions_in_report": False,
    }
    urgency = questionnaire.urgency_question()
    if urgency is not None:
        rank = rng.randrange(len(urgency.options))
        row["urgency"], row["urgency_rank"] = urgency.options[rank].id, rank
    return row, scores
