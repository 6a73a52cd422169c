"""The report's funding programmes as the firm sees them: where the section stands, which
programmes it names and why, what the answers leave open, the dates, the plan's links to them,
the PDF, the pinned directory, and what is recorded at submission.

The day is never the real one: the code reads it through `local_today`, which every test sets
(`clock`). The programmes with dates come from a funding.yaml written here, into a copy of the
sample questionnaire folder.
"""

from __future__ import annotations

import html as html_module
import io
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.lists import format_list
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import update
from werkzeug.datastructures import MultiDict

from assessment.extensions import db
from assessment.kernel.assessments import find_assessment, questionnaire_of, score
from assessment.kernel.funding import programmes_for
from assessment.kernel.models import Assessment, FundingShown
from assessment.questionnaire import Questionnaire, load_questionnaire
from assessment.questionnaire.advice import build_action_plan
from assessment.questionnaire.funding_matching import FundingMatch

from ..conftest import SAMPLE_DIR, database_path, make_app, require_pdf, serving
from ..survey.helpers import (
    Respondent,
    answers_of,
    complete,
    csrf_token,
    good_answer,
    merge,
    page_questions,
    steps,
    text,
)
from ..team.test_team_check import Colleague, make_link
from .conftest import CRAFT_FIRM

#: The day the tests are on (the centre's local day): far from the day they are run.
DAY = date(2031, 5, 20)


def day(offset: int) -> str:
    """A day relative to DAY, as funding.yaml writes it."""
    return (DAY + timedelta(days=offset)).isoformat()


def programme(
    programme_id: str,
    name: str,
    topics: str,
    checked: int,
    *,
    kind: str = "grant",
    extra: str = "",
) -> str:
    """One programme of funding.yaml, last checked ``checked`` days from DAY."""
    return f"""
  - id: {programme_id}
    name: {{de: "{name} (de)", en: "{name} (en)"}}
    funder: {{de: "Fördergeber {name}", en: "Funder {name}"}}
    kind: {kind}
    description: {{de: "Was {name} fördert.", en: "What {name} pays for."}}
    topics: [{topics}]
    url: https://{programme_id}.example.org/
    last_checked: {day(checked)}
{extra}"""


#: The funding directory of these tests. Every topic named is called for by a step of the
#: sample firm's plan (answered with `good_answer`); what keeps a programme from a firm is its
#: dates or its eligibility.
FUNDING = "programmes:" + "".join(
    (
        # checked 181 days before DAY: stale; its partner serves no craft firms (IHK)
        programme(
            "sicherheit-alt",
            "Sicherheitszuschuss",
            "it-sicherheit",
            -181,
            extra="    partner: ihk-geschaeftsstelle\n",
        ),
        # checked exactly 180 days before DAY: not stale by default; small firms only
        programme(
            "prozesskredit",
            "Prozesskredit",
            "prozessdigitalisierung, foerderung",
            -180,
            kind="loan",
            extra="    eligibility: {sizes: [micro, small, medium]}\n"
            '    amount: {de: "bis 100.000 Euro", en: "up to EUR 100,000"}\n'
            "    partner: foerderbank-sprechtag\n",
        ),
        # open until DAY; a sample entry
        programme(
            "weiterbildung-bis-heute",
            "Weiterbildungsgutschein",
            "weiterbildung",
            -10,
            kind="voucher",
            extra=f"    open_until: {day(0)}\n    sample: true\n",
        ),
        # opens ten days after DAY
        programme(
            "strategie-bald",
            "Strategieberatung",
            "strategie",
            -5,
            kind="advice",
            extra=f"    open_from: {day(10)}\n    open_until: {day(100)}\n",
        ),
        # closed the day before DAY
        programme(
            "foerderung-vorbei",
            "Abgelaufene Förderung",
            "foerderung",
            -30,
            extra=f"    open_until: {day(-1)}\n",
        ),
        # for firms in Werl only
        programme(
            "werl-bonus",
            "Werl-Bonus",
            "it-infrastruktur",
            -30,
            extra="    eligibility: {regions: [werl]}\n",
        ),
        # for large firms only
        programme(
            "grossfirmen",
            "Großfirmenprogramm",
            "automatisierung",
            -30,
            kind="tax",
            extra="    eligibility: {sizes: [large]}\n",
        ),
        # for firms that want help with funding applications (an optional question)
        programme(
            "antragshilfe",
            "Antragshilfe",
            "innovation",
            -30,
            kind="advice",
            extra="    eligibility:\n"
            "      when: {question: innovation_unterstuetzung, in: [foerderung]}\n",
        ),
    )
)
#: The ids the craft firm in Lippstadt is shown on DAY, in no particular order.
SHOWN_ON_DAY = {"sicherheit-alt", "prozesskredit", "weiterbildung-bis-heute", "strategie-bald"}
STALE_NOTE = "die Bedingungen können sich geändert haben, fragen Sie beim Zentrum nach"
SAMPLE_NOTE = "Als Beispiel markierte Einträge zeigen, was dieser Abschnitt enthalten kann"
DASH = "\N{EN DASH}"
OPEN_SIZE = (
    f"Nur, wenn Ihr Unternehmen weniger als 250 Beschäftigte hat {DASH} "
    "das lassen Ihre Antworten offen."
)
OPEN_SIZE_EN = (
    f"Only if your firm has fewer than 250 employees {DASH} your answers leave this open."
)


def write_folder(folder: Path, funding: str = FUNDING, *, size_optional: bool = False) -> Path:
    """A copy of the sample questionnaire folder with its own funding.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("digitalcheck.yaml", "partners.yaml", "centre.yaml", "centre-logo.svg"):
        shutil.copy(SAMPLE_DIR / name, folder / name)
    if size_optional:
        questionnaire = folder / "digitalcheck.yaml"
        content = questionnaire.read_text(encoding="utf-8")
        size = "  - id: size\n    type: single\n"
        assert size in content
        questionnaire.write_text(
            content.replace(size, size + "    required: false\n", 1), encoding="utf-8"
        )
    (folder / "funding.yaml").write_text(funding, encoding="utf-8")
    return folder


class Clock:
    """The day the code reads as today, wherever it reads it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.day = DAY
        for where in (
            "assessment.report.rendering.local_today",
            "assessment.survey.operations.local_today",
            "assessment.advisor.funding.local_today",
        ):
            monkeypatch.setattr(where, lambda: self.day)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Today is DAY until a test moves it."""
    return Clock(monkeypatch)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The questionnaire folder with the funding directory above."""
    return write_folder(tmp_path / "questionnaires")


@pytest.fixture
def funding_app(tmp_path: Path, folder: Path) -> Iterator[Flask]:
    """The app serving that folder."""
    yield from serving(tmp_path / "funding.db", folder)


@pytest.fixture
def questionnaire(folder: Path) -> Questionnaire:
    """The questionnaire of that folder, with its partner and funding directories."""
    return load_questionnaire(folder / "digitalcheck.yaml")


@pytest.fixture
def firm(funding_app: Flask, questionnaire: Questionnaire, clock: Clock) -> Respondent:
    """The craft firm in Lippstadt, its check submitted on DAY."""
    owner = Respondent(funding_app.test_client())
    owner.start()
    complete(owner, funding_app, questionnaire, "Tischlerei Müller & Söhne", CRAFT_FIRM)
    return owner


def answer_leaving_open(
    owner: Respondent,
    app: Flask,
    questionnaire: Questionnaire,
    profile: dict[str, str],
    open_questions: set[str],
) -> None:
    """Answer every page like `complete`, leaving the questions named unanswered; submit."""
    answers: dict[str, object] = {}
    for current in steps(questionnaire):
        page = page_questions(current, questionnaire, answers)
        data = merge(
            *(
                good_answer(shown.question)
                for shown in page
                if shown.question.id not in open_questions
            )
        )
        if current.is_profile:
            for key, value in {**profile, "company_name": "Offene Firma"}.items():
                data[key] = value
        form = MultiDict((k, v) for k, v in data.items(multi=True) if k not in open_questions)
        response = owner.send(current.number, form)
        assert response.status_code == 302, text(response)
        answers = answers_of(app, owner.token)
    assert not open_questions & set(answers), "the questions are left open"
    assert owner.submit().status_code == 302


# --- reading the page ----------------------------------------------------------------------


def report_of(owner: Respondent) -> str:
    """The report page's HTML."""
    response = owner.client.get(owner.url("/report"))
    assert response.status_code == 200
    return text(response)


def funding_section(page: str) -> str:
    """The funding section's HTML ("" when the report has none)."""
    found = re.search(r'<section class="report-funding".*?</section>', page, re.S)
    return found[0] if found else ""


def articles(page: str) -> dict[str, str]:
    """The funding section's programmes: their element id to their HTML, in order."""
    return dict(
        re.findall(
            r'<article class="programme" id="([^"]+)">(.*?)</article>',
            funding_section(page),
            re.S,
        )
    )


def shown_ids(page: str) -> list[str]:
    """The ids of the programmes the section shows, in order."""
    return [anchor.removeprefix("programme-") for anchor in articles(page)]


def names(page: str) -> list[str]:
    """The programmes' names as the section shows them."""
    return [
        html_module.unescape(re.search(r"<h3>(.*?)</h3>", article, re.S)[1])
        for article in articles(page).values()
    ]


def words(fragment: str) -> str:
    """A fragment of HTML as its text, on one line."""
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def fact(article: str, term: str) -> str | None:
    """The text of a programme's fact (Höhe, Anträge, Zuletzt geprüft, ...)."""
    found = re.search(rf"<dt>{re.escape(term)}</dt><dd>(.*?)</dd>", article, re.S)
    return words(found[1]) if found else None


def german(value: date) -> str:
    """A day as the German report writes it."""
    return format_date(value, format="medium", locale="de")


def english_day(value: date) -> str:
    """A day as the English report writes it."""
    return format_date(value, format="medium", locale="en")


def matched(app: Flask, owner: Respondent, today: date) -> list[FundingMatch]:
    """What `programmes_for` finds for the owner's submitted check on a day."""
    with app.app_context():
        assessment = find_assessment(owner.token)
        assert assessment is not None
        pinned = questionnaire_of(assessment)
        return programmes_for(assessment, pinned, score(assessment, pinned), today)


def ranked(matches: list[FundingMatch]) -> list[FundingMatch]:
    """Matches in the report's order: those the firm may surely use and that are open first."""
    return sorted(matches, key=lambda match: (match.conditional, match.state == "upcoming"))


def ids(matches: list[FundingMatch]) -> list[str]:
    """The programmes' ids."""
    return [match.programme.id for match in matches]


def recorded(app: Flask, assessment_id: int) -> set[str]:
    """The programme ids recorded as shown for a check."""
    with app.app_context():
        return set(
            db.session.scalars(
                db.select(FundingShown.programme_id).filter_by(assessment_id=assessment_id)
            )
        )


def assessment_id(app: Flask, token: str) -> int:
    """The id of the check a token opens."""
    with app.app_context():
        found = find_assessment(token)
        assert found is not None
        return found.id


# --- the section -----------------------------------------------------------------------------


def test_section_follows_the_plan_and_shows_what_matching_finds(
    firm: Respondent, funding_app: Flask
) -> None:
    """The section "Passende Förderprogramme" comes after the action plan and before the
    partners; it names exactly the programmes `programmes_for` finds for the firm on the day:
    not the closed one, not the one for Werl, not the one for large firms, not the one its
    answers exclude."""
    page = report_of(firm)
    headings = [words(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page, re.S)]
    plan = headings.index("Ihr Maßnahmenplan")
    funding = headings.index("Passende Förderprogramme")
    partners = headings.index("Partner im Netzwerk, die Ihnen helfen können")
    assert plan + 1 == funding < partners
    sections = re.findall(r'<section class="([^"]+)"', page)
    assert sections.index("report-plan") + 1 == sections.index("report-funding")
    assert sections.index("report-funding") + 1 == sections.index("report-partners")
    expected = matched(funding_app, firm, DAY)
    assert names(page) == [match.programme.name.get("de") for match in ranked(expected)]
    assert set(shown_ids(page)) == {match.programme.id for match in expected} == SHOWN_ON_DAY
    assert "(de)" in names(page)[0]


def test_the_why_sentence_names_the_topics_it_pays_for_and_the_firms_topics(
    firm: Respondent, funding_app: Flask
) -> None:
    """Each programme says what it pays for and for which of the firm's topics, the topics in
    the plan's order, three named and the rest counted: "Fördert <topics> - für Ihre Themen
    <A, B, C und 2 weiteren>"."""
    shown = articles(report_of(firm))
    more_than_three = 0
    for match in matched(funding_app, firm, DAY):
        article = shown[f"programme-{match.programme.id}"]
        why = re.search(r'<p class="programme-why">(.*?)</p>', article, re.S)
        assert why, match.programme.id
        topics = list(dict.fromkeys(reason.topic_label.get("de") for reason in match.reasons))
        titles = list(
            dict.fromkeys(reason.match.dimension.title.get("de") for reason in match.reasons)
        )
        named = titles[:3] + ([f"{len(titles) - 3} weiteren"] if len(titles) > 3 else [])
        more_than_three += len(titles) > 3
        assert words(why[1]) == (
            f"Fördert {format_list(topics, locale='de')} {DASH} "
            f"für Ihre Themen {format_list(named, locale='de')}."
        )
    assert more_than_three, "some programme pays for steps of more than three topics"


def test_last_checked_and_the_stale_note(
    firm: Respondent, funding_app: Flask, folder: Path
) -> None:
    """Every programme gives the day it was last checked; those checked more than
    FUNDING_STALE_DAYS (180) days before today say that the conditions may have changed;
    the setting moves the line."""
    directory = load_questionnaire(folder / "digitalcheck.yaml").funding_directory
    assert directory is not None
    checked = {p.id: p.last_checked for p in directory.programmes}

    def stale_ones() -> set[str]:
        page = report_of(firm)
        found = set()
        for anchor, article in articles(page).items():
            programme_id = anchor.removeprefix("programme-")
            line = fact(article, "Zuletzt geprüft")
            assert line is not None and line.startswith(german(checked[programme_id]))
            if STALE_NOTE in line:
                found.add(programme_id)
        assert (STALE_NOTE in page) == bool(found)
        return found

    assert funding_app.config["FUNDING_STALE_DAYS"] == 180
    assert stale_ones() == {"sicherheit-alt"}  # 181 days; prozesskredit is 180 days old
    funding_app.config["FUNDING_STALE_DAYS"] = 179
    assert stale_ones() == {"sicherheit-alt", "prozesskredit"}
    funding_app.config["FUNDING_STALE_DAYS"] = 181
    assert stale_ones() == set()


@pytest.fixture
def configured_app(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    """The app started with FUNDING_STALE_DAYS=5 in its environment."""
    monkeypatch.setenv("FUNDING_STALE_DAYS", "5")
    yield from serving(tmp_path / "configured.db", folder)


def test_stale_days_from_the_configuration(
    configured_app: Flask, questionnaire: Questionnaire, clock: Clock
) -> None:
    """FUNDING_STALE_DAYS set for the app is the one the report uses."""
    assert configured_app.config["FUNDING_STALE_DAYS"] == 5
    owner = Respondent(configured_app.test_client())
    owner.start()
    complete(owner, configured_app, questionnaire, "Firma", CRAFT_FIRM)
    page = report_of(owner)
    stale = {
        anchor.removeprefix("programme-")
        for anchor, article in articles(page).items()
        if STALE_NOTE in article
    }
    # checked 181, 180 and 10 days ago are stale; 5 days ago is not
    assert stale == {"sicherheit-alt", "prozesskredit", "weiterbildung-bis-heute"}


def test_sample_note_only_while_a_sample_entry_is_shown(firm: Respondent, clock: Clock) -> None:
    """The note about example entries appears while one is shown: on the last day of the
    sample voucher, not the day after, when it has closed."""
    page = report_of(firm)
    assert "weiterbildung-bis-heute" in shown_ids(page)
    assert SAMPLE_NOTE in page
    assert "Beispiel" in articles(page)["programme-weiterbildung-bis-heute"]
    assert "· Beispiel" not in articles(page)["programme-prozesskredit"]
    clock.day = DAY + timedelta(days=1)
    later = report_of(firm)
    assert "weiterbildung-bis-heute" not in shown_ids(later)
    assert SAMPLE_NOTE not in later


def test_help_with_the_application_only_from_a_partner_for_the_firm(firm: Respondent) -> None:
    """The partner who helps apply is named when it serves the firm's region, size and sector:
    the development bank's consultation day for small firms, not the IHK (no crafts)."""
    shown = articles(report_of(firm))
    loan = shown["programme-prozesskredit"]
    helper = fact(loan, "Hilfe beim Antrag")
    assert helper is not None and helper.startswith("Förderbank-Sprechtag im Kreishaus (Beispiel)")
    assert "termin@foerderbank-sprechtag.example.org" in helper
    security = shown["programme-sicherheit-alt"]
    assert fact(security, "Hilfe beim Antrag") is None
    assert "IHK" not in security
    assert fact(loan, "Höhe") == "bis 100.000 Euro"
    assert fact(loan, "Quelle") == "https://prozesskredit.example.org/"


# --- the action plan's links -----------------------------------------------------------------


def test_plan_steps_link_to_the_programmes_that_pay_for_them(
    firm: Respondent, funding_app: Flask
) -> None:
    """A step of the plan links to each programme shown whose topics it calls for, by the
    programme's anchor in the funding section; other steps carry no link."""
    page = report_of(firm)
    shown = articles(page)
    expected = {m.programme.id: set(m.programme.topics) for m in matched(funding_app, firm, DAY)}
    with funding_app.app_context():
        assessment = find_assessment(firm.token)
        assert assessment is not None
        plan = build_action_plan(score(assessment, questionnaire_of(assessment)))
    by_title = {m.recommendation.title.get("de"): m for m in plan}
    lists = "".join(re.findall(r'<ol class="action-plan"[^>]*>(.*?)</ol>', page, re.S))
    items = re.findall(r"<li>(.*?)</li>", lists, re.S)
    assert len(items) == 10
    linked = 0
    for item in items:
        title = html_module.unescape(re.search(r"<strong>(.*?)</strong>", item, re.S)[1])
        step = by_title[title]
        links = re.search(r'<span class="step-funding">(.*?)</span>', item, re.S)
        targets = re.findall(r'<a href="#([^"]+)">', links[1]) if links else []
        for target in targets:
            assert target in shown, f"{target} is not in the funding section"
        calls_for = set(step.recommendation.partners)
        paying = {f"programme-{pid}" for pid, topics in expected.items() if topics & calls_for}
        assert set(targets) == paying, title
        if links:
            assert words(links[1]).startswith("Förderung:")
            linked += 1
    assert linked, "some step of the sample firm's plan is paid for"


# --- dates -----------------------------------------------------------------------------------


def test_a_programme_is_shown_up_to_its_last_day_and_the_cached_report_changes(
    firm: Respondent, funding_app: Flask, clock: Clock
) -> None:
    """On its open_until day the programme is shown with that day; the day after it is gone
    from the section and from the plan's links, though the check is the same; the report is
    cached per day that changes what it shows."""
    cache = Path(funding_app.config["CACHE_DIR"]) / "assessments"
    page = report_of(firm)
    voucher = articles(page)["programme-weiterbildung-bis-heute"]
    assert fact(voucher, "Anträge") == f"bis {german(DAY)}"
    assert "#programme-weiterbildung-bis-heute" in page
    assert len(list(cache.glob("*/*.html"))) == 1

    def not_again(*_args: object) -> None:
        raise AssertionError("the report should come from the cache")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("assessment.report.views.build_report", not_again)
        assert funding_section(report_of(firm)) == funding_section(page)

    clock.day = DAY + timedelta(days=1)
    later = report_of(firm)
    assert "weiterbildung-bis-heute" not in shown_ids(later)
    assert "Weiterbildungsgutschein" not in later
    assert "#programme-weiterbildung-bis-heute" not in later
    assert set(shown_ids(later)) == SHOWN_ON_DAY - {"weiterbildung-bis-heute"}
    assert ids(ranked(matched(funding_app, firm, clock.day))) == shown_ids(later)
    assert len(list(cache.glob("*/*.html"))) == 2

    clock.day = DAY - timedelta(days=1)  # the closed programme's last day
    earlier = report_of(firm)
    assert "foerderung-vorbei" in shown_ids(earlier)
    assert fact(articles(earlier)["programme-foerderung-vorbei"], "Anträge") == (
        f"bis {german(DAY - timedelta(days=1))}"
    )


def test_an_upcoming_programme_is_shown_with_the_day_it_opens(
    firm: Respondent, clock: Clock
) -> None:
    """A programme that opens after today is shown with "Anträge: ab <day>, bis <day>"; once
    open, with its last day only; it comes after the open programmes."""
    page = report_of(firm)
    upcoming = articles(page)["programme-strategie-bald"]
    assert fact(upcoming, "Anträge") == (
        f"ab {german(DAY + timedelta(days=10))}, bis {german(DAY + timedelta(days=100))}"
    )
    assert shown_ids(page)[-1] == "strategie-bald"
    clock.day = DAY + timedelta(days=10)
    opened = articles(report_of(firm))["programme-strategie-bald"]
    assert fact(opened, "Anträge") == f"bis {german(DAY + timedelta(days=100))}"


# --- what the answers leave open ---------------------------------------------------------------


@pytest.fixture
def open_app(tmp_path: Path, clock: Clock) -> Iterator[Flask]:
    """The app serving a copy of the folder whose size question may be left unanswered."""
    folder = write_folder(tmp_path / "open", size_optional=True)
    yield from serving(tmp_path / "open.db", folder)


@pytest.fixture
def open_firm(open_app: Flask, tmp_path: Path) -> Respondent:
    """A craft firm in Lippstadt that left its size and where it wants support unanswered."""
    questionnaire = load_questionnaire(tmp_path / "open" / "digitalcheck.yaml")
    owner = Respondent(open_app.test_client())
    owner.start()
    profile = {"sector": "handwerk", "region": "lippstadt"}
    answer_leaving_open(
        owner, open_app, questionnaire, profile, {"size", "innovation_unterstuetzung"}
    )
    return owner


def test_what_the_answers_leave_open_is_spelt_out(open_firm: Respondent, open_app: Flask) -> None:
    """Without a size the loan for firms under 250 employees is shown on that condition, and
    the programme for large firms on its own; the one for firms wanting help with funding
    applications on the answer left open. What is known (region, sector) still excludes."""
    with open_app.app_context():
        assessment = find_assessment(open_firm.token)
        assert assessment is not None and assessment.size is None
    page = report_of(open_firm)
    shown = articles(page)
    assert (
        set(shown_ids(page))
        == {m.programme.id for m in matched(open_app, open_firm, DAY)}
        == SHOWN_ON_DAY | {"grossfirmen", "antragshilfe"}
    )

    def condition(programme_id: str) -> str | None:
        found = re.search(r'<p class="programme-condition">(.*?)</p>', shown[programme_id], re.S)
        return words(found[1]) if found else None

    assert condition("programme-prozesskredit") == OPEN_SIZE
    assert condition("programme-grossfirmen") == (
        "Nur, wenn Ihr Unternehmen 250 oder mehr Beschäftigte hat \N{EN DASH} das lassen Ihre "
        "Antworten offen."
    )
    assert condition("programme-antragshilfe") == (
        "Nur, wenn Sie die Frage „Wobei wünschen Sie sich Unterstützung durch das regionale "
        "Netzwerk?“ mit „Hilfe bei Förderanträgen“ beantworten \N{EN DASH} das lassen Ihre "
        "Antworten offen."
    )
    for programme_id in ("sicherheit-alt", "weiterbildung-bis-heute", "strategie-bald"):
        assert condition(f"programme-{programme_id}") is None
    # what the firm may use for sure comes first
    assert shown_ids(page)[:3] == ["sicherheit-alt", "weiterbildung-bis-heute", "strategie-bald"]
    # no partner for small firms only is named to a firm of unknown size
    assert fact(shown["programme-prozesskredit"], "Hilfe beim Antrag") is None

    with open_firm.client.session_transaction() as session:
        session["language"] = "en"
    english = articles(report_of(open_firm))
    condition_en = re.search(
        r'<p class="programme-condition">(.*?)</p>', english["programme-prozesskredit"], re.S
    )
    assert condition_en and words(condition_en[1]) == OPEN_SIZE_EN
    large = re.search(
        r'<p class="programme-condition">(.*?)</p>', english["programme-grossfirmen"], re.S
    )
    assert large and words(large[1]) == (
        f"Only if your firm has 250 employees or more {DASH} your answers leave this open."
    )
    answers = re.search(
        r'<p class="programme-condition">(.*?)</p>', english["programme-antragshilfe"], re.S
    )
    assert answers
    assert words(answers[1]) == (
        "Only if you answer the question “Where would you like support from the regional "
        f"network?” with “Help with funding applications” {DASH} your answers leave this open."
    )


# --- English ---------------------------------------------------------------------------------


def test_report_in_english(firm: Respondent) -> None:
    """In English: the heading, the why sentence, the facts, the stale note and the dates."""
    with firm.client.session_transaction() as session:
        session["language"] = "en"
    page = report_of(firm)
    assert '<h2 id="funding-title">Matching funding programmes</h2>' in page
    assert "Passende Förderprogramme" not in page
    shown = articles(page)
    assert set(shown) == {f"programme-{pid}" for pid in SHOWN_ON_DAY}
    assert all("(en)" in name for name in names(page))
    security = shown["programme-sicherheit-alt"]
    why = words(re.search(r'<p class="programme-why">(.*?)</p>', security, re.S)[1])
    assert why.startswith("Pays for ") and " \N{EN DASH} for your topics " in why
    assert "IT infrastructure and security" in why
    checked = fact(security, "Last checked")
    assert checked == (
        f"{english_day(DAY - timedelta(days=181))} {DASH} "
        "conditions may have changed, ask the centre"
    )
    assert fact(shown["programme-strategie-bald"], "Applications") == (
        f"from {english_day(DAY + timedelta(days=10))}, "
        f"until {english_day(DAY + timedelta(days=100))}"
    )
    assert fact(shown["programme-prozesskredit"], "Amount") == "up to EUR 100,000"
    assert "Funding:" in page and "Förderung:" not in page


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_holds_the_section_and_every_programme(firm: Respondent) -> None:
    """The PDF's text has the section's heading and the name of each programme shown."""
    require_pdf()
    response = firm.client.get(firm.url("/report.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    content = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Passende Förderprogramme" in content
    page_names = names(report_of(firm))
    assert len(page_names) == len(SHOWN_ON_DAY)
    for name in page_names:
        assert name in content
    assert "Abgelaufene Förderung" not in content


# --- pinning ---------------------------------------------------------------------------------


def test_a_report_keeps_the_directory_its_check_was_answered_with(
    firm: Respondent, funding_app: Flask, tmp_path: Path, questionnaire: Questionnaire
) -> None:
    """The operator replaces funding.yaml and restarts: the submitted check's report still
    shows its programmes; a new check is matched against the new directory."""
    before = report_of(firm)
    changed = FUNDING.replace("Sicherheitszuschuss", "Neuer Sicherheitszuschuss") + programme(
        "neu-digital",
        "Neues Digitalprogramm",
        "prozessdigitalisierung",
        -1,
    )
    changed = changed.replace("prozesskredit", "kredit-neu")
    folder = write_folder(tmp_path / "changed", changed)
    restarted = make_app(database_path(funding_app), folder)
    assert restarted.extensions["questionnaires"]["digitalcheck"].funding_directory is not None

    old = Respondent(restarted.test_client())
    old.token = firm.token
    again = report_of(old)
    assert shown_ids(again) == shown_ids(before)
    assert names(again) == names(before)
    assert "Neues Digitalprogramm" not in again and "Neuer Sicherheitszuschuss" not in again

    newcomer = Respondent(restarted.test_client())
    newcomer.start()
    complete(
        newcomer,
        restarted,
        load_questionnaire(folder / "digitalcheck.yaml"),
        "Neue Tischlerei",
        CRAFT_FIRM,
    )
    new = report_of(newcomer)
    assert "prozesskredit" not in shown_ids(new)
    assert {"kredit-neu", "neu-digital"} <= set(shown_ids(new))
    assert "Neuer Sicherheitszuschuss (de)" in names(new)
    assert recorded(restarted, assessment_id(restarted, newcomer.token)) == set(shown_ids(new))
    assert recorded(restarted, assessment_id(restarted, firm.token)) == set(shown_ids(before))


# --- recording -------------------------------------------------------------------------------


def test_the_programmes_shown_are_recorded_at_submission(
    firm: Respondent, funding_app: Flask, clock: Clock
) -> None:
    """Submitting records the programmes the report shows, once each; a later day changes
    the report, not the record."""
    number = assessment_id(funding_app, firm.token)
    assert recorded(funding_app, number) == set(shown_ids(report_of(firm))) == SHOWN_ON_DAY
    clock.day = DAY + timedelta(days=1)
    assert set(shown_ids(report_of(firm))) != SHOWN_ON_DAY
    assert recorded(funding_app, number) == SHOWN_ON_DAY


def test_the_owners_export_names_the_programmes_recorded(
    firm: Respondent, funding_app: Flask
) -> None:
    """What is stored about the check includes the programmes its report named."""
    exported = firm.client.get(firm.url("/export.json")).get_json()
    assert exported["funding_programmes_shown"] == sorted(SHOWN_ON_DAY)


def test_deleting_the_check_deletes_its_record(firm: Respondent, funding_app: Flask) -> None:
    """The owner deletes the check: the rows of the programmes it was shown go with it."""
    number = assessment_id(funding_app, firm.token)
    assert recorded(funding_app, number) == SHOWN_ON_DAY
    confirm = firm.client.get(firm.url("/delete"))
    deleted = firm.client.post(firm.url("/delete"), data={"csrf_token": csrf_token(confirm)})
    assert deleted.status_code == 200
    with funding_app.app_context():
        assert db.session.get(Assessment, number) is None
        assert db.session.scalar(db.select(db.func.count()).select_from(FundingShown)) == 0


@pytest.fixture
def team(
    funding_app: Flask, questionnaire: Questionnaire, clock: Clock
) -> tuple[Respondent, Colleague]:
    """A team check on DAY: a colleague answered and finished, then the coordinator submitted."""
    owner = Respondent(funding_app.test_client())
    owner.start()
    profile = {**CRAFT_FIRM, "consent_advisors": "y"}
    complete(owner, funding_app, questionnaire, "Team-Tischlerei", profile, submit=False)
    colleague = Colleague(funding_app.test_client())
    assert colleague.join(make_link(owner)).status_code == 302
    colleague.answer(funding_app, questionnaire)
    assert colleague.submit().status_code == 302
    colleague_id = assessment_id(funding_app, colleague.token)
    with funding_app.app_context():
        assert db.session.get(Assessment, colleague_id).status == "submitted"
    assert recorded(funding_app, colleague_id) == set(), "nothing before the coordinator submits"
    assert owner.submit().status_code == 302
    return owner, colleague


def test_a_team_check_records_the_coordinators_report_only(
    team: tuple[Respondent, Colleague], funding_app: Flask
) -> None:
    """A colleague's answers have no report and record nothing; the coordinator's check
    records the programmes of the combined result that its report shows."""
    owner, colleague = team
    page = report_of(owner)
    assert set(shown_ids(page)) == SHOWN_ON_DAY
    assert recorded(funding_app, assessment_id(funding_app, owner.token)) == SHOWN_ON_DAY
    assert recorded(funding_app, assessment_id(funding_app, colleague.token)) == set()
    assert ids(ranked(matched(funding_app, owner, DAY))) == shown_ids(page)


def test_a_colleague_deleting_later_keeps_what_was_shown_at_submission(
    team: tuple[Respondent, Colleague], funding_app: Flask, clock: Clock
) -> None:
    """A colleague deletes their answers the day after the round closed: the coordinator's
    record is still what its report showed when it was submitted (what the advisors count
    by the day of submission), not what would be matched today."""
    owner, colleague = team
    number = assessment_id(funding_app, owner.token)
    with funding_app.app_context():  # submitted at noon on DAY, as the clock said
        noon = datetime.combine(DAY, time(12), tzinfo=UTC)
        db.session.execute(
            update(Assessment).where(Assessment.id == number).values(submitted_at=noon)
        )
        db.session.commit()
    clock.day = DAY + timedelta(days=1)
    page = colleague.client.get(f"/a/{colleague.token}/delete")
    deleted = colleague.client.post(
        f"/a/{colleague.token}/delete", data={"csrf_token": csrf_token(page), "confirm": "y"}
    )
    assert deleted.status_code == 200
    with funding_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Assessment)) == 1
    assert recorded(funding_app, number) == SHOWN_ON_DAY


# --- more than six ---------------------------------------------------------------------------

#: Eight programmes open to every firm, each paying for a topic the sample firm's plan calls for.
MANY = "programmes:" + "".join(
    programme(f"programm-{number}", f"Programm {number}", topic, -number)
    for number, topic in enumerate(
        (
            "it-sicherheit",
            "prozessdigitalisierung",
            "weiterbildung",
            "strategie",
            "innovation",
            "foerderung",
            "it-infrastruktur",
            "automatisierung",
        ),
        start=1,
    )
)


@pytest.fixture
def many_app(tmp_path: Path) -> Iterator[Flask]:
    """The app serving a funding directory of which eight programmes fit the sample firm."""
    yield from serving(tmp_path / "many.db", write_folder(tmp_path / "many", MANY))


@pytest.fixture
def many_firm(many_app: Flask, tmp_path: Path, clock: Clock) -> Respondent:
    """The craft firm, its check submitted with the eight programmes in the directory."""
    owner = Respondent(many_app.test_client())
    owner.start()
    questionnaire = load_questionnaire(tmp_path / "many" / "digitalcheck.yaml")
    complete(owner, many_app, questionnaire, "Tischlerei Viel", CRAFT_FIRM)
    return owner


def test_six_programmes_at_most_and_the_others_counted(
    many_firm: Respondent, many_app: Flask
) -> None:
    """Of eight fitting programmes the report names the first six of the plan's order and
    counts the other two."""
    page = report_of(many_firm)
    expected = matched(many_app, many_firm, DAY)
    assert len(expected) == 8
    assert shown_ids(page) == ids(expected)[:6]
    assert "2 weitere Programme könnten passen." in words(funding_section(page))
    for programme_id in ids(expected)[6:]:
        assert f"#programme-{programme_id}" not in page


def test_only_the_programmes_the_report_names_are_recorded(
    many_firm: Respondent, many_app: Flask
) -> None:
    """What is recorded as shown is what the report names: the six, not the two counted."""
    page = report_of(many_firm)
    number = assessment_id(many_app, many_firm.token)
    assert len(shown_ids(page)) == 6
    assert recorded(many_app, number) == set(shown_ids(page))
