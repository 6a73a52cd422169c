"""An advisor's journey in a real browser, in German and English: log in, filter the list, open
an assessment, write a note and an action item, change the review status, export the filtered
list as CSV and log out; and the same work without JavaScript."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from assessment.demo import FIRMS
from assessment.questionnaire import Questionnaire

from .audit import contrast
from .conftest import Site, log_in, new_context

#: The firms whose submitted checks the demo advisor sees, and how many checks they shared.
SHARED = [firm for firm in FIRMS if firm.shared and not firm.unfinished]
SHARED_CHECKS = sum(1 + (firm.repeat is not None) for firm in SHARED)
NOT_SHARED = [firm.name for firm in FIRMS if not (firm.shared and not firm.unfinished)]
#: The filter of the journey: sector "handwerk" and "gmbh" typed in lower case.
SEARCH = "gmbh"
FILTERED = sorted(
    firm.name
    for firm in SHARED
    for _check in range(1 + (firm.repeat is not None))
    if firm.sector == "handwerk" and SEARCH in firm.name.casefold()
)
OPENED = "Elektro Hagedorn GmbH"
OPENED_EMAIL = next(firm.email for firm in FIRMS if firm.name == OPENED)
#: Firms the filter leaves out: one of the same sector, one with "GmbH" in another sector.
LEFT_OUT = ("Bäckerei Korte", "Metallbau Schulte-Wessel GmbH & Co. KG")
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Words:
    """The visible texts of the advisor pages in one language."""

    language: str
    email: str
    password: str
    log_in: str
    login_title: str
    dashboard_title: str
    count: str
    company: str
    sector: str
    crafts: str
    apply: str
    export_csv: str
    export_list: str
    csv_for_programs: str
    download_csv: str
    report: str
    overall: str
    profile: str
    company_name: str
    answers: str
    notes: str
    note: str
    save_note: str
    note_saved: str
    action_items: str
    action_item: str
    add_action: str
    action_added: str
    review_status: str
    change_status: str
    in_review: str
    reviewed: str
    status_now: str
    changes: str
    status_changed: str
    note_added: str
    #: The advisor's name and a short date and time under a note or an action item.
    written_by: re.Pattern[str]
    due_on: str
    who: str
    the_company: str
    mark_done: str
    marked_done: str
    open_again: str
    remove: str
    #: What an action item's line says: the company does it, by 15 January 2031, and who wrote it.
    action_meta: re.Pattern[str]
    log_out: str
    logged_out: str
    header: tuple[str, ...]
    dimension_score: str
    dimension_level: str


GERMAN = Words(
    language="de",
    email="E-Mail-Adresse",
    password="Passwort",
    log_in="Anmelden",
    login_title="Anmeldung für Beraterinnen und Berater",
    dashboard_title="Freigegebene Digital-Checks",
    count="{count} Digital-Checks",
    company="Unternehmen",
    sector="Branche",
    crafts="Handwerk",
    apply="Anwenden",
    export_csv="Diese Liste als CSV exportieren",
    export_list="Diese Liste exportieren",
    csv_for_programs="Für andere Programme (RFC 4180: Kommas, Dezimalpunkte, Zeiten in UTC)",
    download_csv="CSV herunterladen",
    report="Bericht",
    overall="Gesamtergebnis",
    profile="Profil",
    company_name="Name des Unternehmens",
    answers="Antworten",
    notes="Notizen",
    note="Notiz",
    save_note="Notiz speichern",
    note_saved="Die Notiz ist gespeichert.",
    action_items="Maßnahmen",
    action_item="Maßnahme",
    add_action="Schritt hinzufügen",
    action_added="Der Schritt ist in den Maßnahmenplan aufgenommen.",
    review_status="Bearbeitungsstatus",
    change_status="Status ändern",
    in_review="In Bearbeitung",
    reviewed="Bearbeitet",
    status_now="Der Bearbeitungsstatus ist jetzt: {status}.",
    changes="Änderungen",
    status_changed="Status geändert von {old} zu {new}",
    note_added="Notiz hinzugefügt: {text}",
    written_by=re.compile(r"^Demo-Beratung, \d{2}\.\d{2}\.\d{2}, \d{2}:\d{2}$"),
    due_on="Fällig am (optional)",
    who="Wer erledigt es",
    the_company="Das Unternehmen",
    mark_done="Als erledigt markieren",
    marked_done="Der Schritt ist als erledigt markiert.",
    open_again="Wieder öffnen",
    remove="Entfernen",
    action_meta=re.compile(
        r"^\s*Wer: Das Unternehmen\s+· fällig am 15\.01\.2031\s+· angelegt von Demo-Beratung, "
    ),
    log_out="Abmelden",
    logged_out="Sie haben sich abgemeldet.",
    header=(
        "Nr. des Digital-Checks",
        "Unternehmen",
        "Kontakt-E-Mail-Adresse",
        "Fragebogen",
        "Fragebogen-Version",
        "Sprache",
        "Branche",
        "Größe",
        "Kommune",
        "Begonnen (UTC)",
        "Abgeschickt (UTC)",
        "Bearbeitungsstatus",
        "Zuständige Beraterin / zuständiger Berater",
        "Einwilligung (a): zählt im Vergleich",
        "Einwilligung (b): mit dem Zentrum geteilt",
        "Einwilligung (c): Vorstellung bei Partnern",
        "Dringlichkeit",
        "Nächste Wiedervorlage",
        "Beratungswunsch",
        "Vorstellungen bei Partnern",
        "Laufende Vorstellungen",
        "Vorstellungen: Partner und Stand",
        "Team-Check: Personen, die geantwortet haben",
        "Team-Check: größte Spanne eines Themas",
        "Gesamtpunktzahl",
        "Gesamtstufe",
    ),
    dimension_score="{dimension}: Punkte",
    dimension_level="{dimension}: Stufe",
)
ENGLISH = Words(
    language="en",
    email="E-mail address",
    password="Password",
    log_in="Log in",
    login_title="Advisor login",
    dashboard_title="Shared assessments",
    count="{count} assessments",
    company="Company",
    sector="Sector",
    crafts="Skilled crafts",
    apply="Apply",
    export_csv="Export this list as CSV",
    export_list="Export this list",
    csv_for_programs="For other programs (RFC 4180: commas, decimal points, times in UTC)",
    download_csv="Download CSV",
    report="Report",
    overall="Overall result",
    profile="Profile",
    company_name="Company name",
    answers="Answers",
    notes="Notes",
    note="Note",
    save_note="Save the note",
    note_saved="The note has been saved.",
    action_items="Action items",
    action_item="Action item",
    add_action="Add the step",
    action_added="The step has been added to the action plan.",
    review_status="Review status",
    change_status="Change the status",
    in_review="In review",
    reviewed="Reviewed",
    status_now="The review status is now: {status}.",
    changes="Changes",
    status_changed="Status changed from {old} to {new}",
    note_added="Note added: {text}",
    written_by=re.compile(r"^Demo-Beratung, \d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2}\s[AP]M$"),
    due_on="Due on (optional)",
    who="Who does it",
    the_company="The company",
    mark_done="Mark as done",
    marked_done="The step is marked as done.",
    open_again="Open again",
    remove="Remove",
    action_meta=re.compile(
        r"^\s*Who does it: The company\s+· due on Jan 15, 2031\s+· added by Demo-Beratung, "
    ),
    log_out="Log out",
    logged_out="You have logged out.",
    header=(
        "Assessment ID",
        "Company",
        "Contact e-mail",
        "Questionnaire",
        "Questionnaire version",
        "Language",
        "Sector",
        "Size",
        "Region",
        "Started (UTC)",
        "Submitted (UTC)",
        "Review status",
        "Assigned advisor",
        "Consent (a): counts in benchmarks",
        "Consent (b): shared with the centre",
        "Consent (c): introductions to partners",
        "Urgency",
        "Next follow-up",
        "Consultation request",
        "Introductions to partners",
        "Introductions under way",
        "Introductions: partner and state",
        "Team check: people who answered",
        "Team check: largest spread of a topic",
        "Overall score",
        "Overall level",
    ),
    dimension_score="{dimension}: score",
    dimension_level="{dimension}: level",
)


def log_in_with_the_form(page: Any, site: Site, words: Words) -> None:
    """Open the login page, switch to the language (unless German) and log in as the demo."""
    page.goto(site.url + "/advisor/login")
    if words.language != "de":
        page.get_by_role("button", name="English").click()
        page.wait_for_url(site.url + "/advisor/login")
    expect(page.locator("html")).to_have_attribute("lang", words.language)
    expect(page.get_by_role("heading", level=1)).to_have_text(words.login_title)
    page.get_by_label(words.email, exact=True).fill(site.email)
    page.get_by_label(words.password, exact=True).fill(site.password)
    page.get_by_role("button", name=words.log_in, exact=True).click()
    page.wait_for_url(site.url + "/advisor/")
    expect(page.locator("html")).to_have_attribute("lang", words.language)


def listed_ids(page: Any) -> list[str]:
    """The ids of the assessments linked from the dashboard's table, top to bottom."""
    links = page.get_by_role("table").locator("tbody th a")
    return [href.rsplit("/", 1)[1] for href in links.evaluate_all("as => as.map(a => a.href)")]


def company_links(page: Any, name: str) -> Any:
    """The links of the dashboard's table that open a company's checks."""
    return page.get_by_role("table").get_by_role("link", name=name, exact=True)


def expected_header(words: Words, sample: Questionnaire) -> list[str]:
    """The CSV header: the fixed columns, then score and level of every dimension."""
    header = list(words.header)
    for dimension in sample.dimensions:
        title = dimension.title.get(words.language)
        header += [
            words.dimension_score.format(dimension=title),
            words.dimension_level.format(dimension=title),
        ]
    return header


def read_csv(path: Path) -> list[list[str]]:
    """The lines of a downloaded CSV file, which must begin with a UTF-8 byte order mark."""
    data = path.read_bytes()
    assert data.startswith(BOM), "the CSV file starts with a UTF-8 byte order mark"
    return list(csv.reader(data[len(BOM) :].decode("utf-8").splitlines()))


@pytest.mark.parametrize("words", [GERMAN, ENGLISH], ids=["de", "en"])
def test_advisor_journey(site: Site, page: Any, sample: Questionnaire, words: Words) -> None:
    """Log in, filter, open a check, note, act, review, export the filtered list, log out."""
    log_in_with_the_form(page, site, words)
    expect(page.get_by_role("heading", level=1)).to_have_text(words.dashboard_title)
    expect(page.locator(".counts strong")).to_have_text(words.count.format(count=SHARED_CHECKS))
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(SHARED_CHECKS)
    for firm in SHARED:
        expect(company_links(page, firm.name)).to_have_count(1 + (firm.repeat is not None))
    for name in NOT_SHARED:
        expect(company_links(page, name)).to_have_count(0)

    page.get_by_label(words.sector, exact=True).select_option(label=words.crafts)
    page.get_by_label(words.company, exact=True).fill(SEARCH)
    page.get_by_role("button", name=words.apply, exact=True).click()
    page.wait_for_url(re.compile(r"/advisor/\?.*sector=handwerk"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == [SEARCH]
    assert query["sector"] == ["handwerk"]
    filtered_url = page.url
    expect(page.locator(".counts strong")).to_have_text(words.count.format(count=len(FILTERED)))
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(len(FILTERED))
    for name in set(FILTERED):
        expect(company_links(page, name)).to_have_count(FILTERED.count(name))
    for name in LEFT_OUT:
        expect(company_links(page, name)).to_have_count(0)
    expect(page.get_by_label(words.sector, exact=True)).to_have_value("handwerk")
    expect(page.get_by_label(words.company, exact=True)).to_have_value(SEARCH)
    ids = listed_ids(page)

    company_links(page, OPENED).click()
    page.wait_for_url(re.compile(r"/advisor/assessments/\d+$"))
    opened_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_role("heading", level=1)).to_have_text(OPENED)
    report = page.get_by_role("region", name=words.report, exact=True)
    expect(report.get_by_role("heading", name=words.overall, exact=True)).to_be_visible()
    expect(report.locator(".score-number")).to_have_text(re.compile(r"^\d+$"))
    profile = page.get_by_role("region", name=words.profile, exact=True)
    expect(profile.locator("dt", has_text=words.company_name).locator("+ dd")).to_have_text(OPENED)
    answers = page.get_by_role("region", name=words.answers, exact=True)
    titles = [dimension.title.get(words.language) for dimension in sample.dimensions]
    expect(answers.get_by_role("heading", level=3)).to_have_text(titles)
    expect(answers.locator("dd").first).not_to_be_empty()

    note = f"Rückruf vereinbart ({words.language}): Angebot für die Zeiterfassung prüfen."
    page.get_by_label(words.note, exact=True).fill(note)
    page.get_by_role("button", name=words.save_note, exact=True).click()
    expect(page.get_by_role("status").filter(has_text=words.note_saved)).to_be_visible()
    notes = page.get_by_role("region", name=words.notes, exact=True).get_by_role("listitem")
    expect(notes).to_have_count(1)
    expect(notes.locator(".item-text")).to_have_text(note)
    expect(notes.locator(".item-meta")).to_have_text(words.written_by)
    expect(page.get_by_label(words.note, exact=True)).to_be_empty()

    action = "Workshop zur mobilen Auftragsbearbeitung anbieten"
    page.get_by_label(words.action_item, exact=True).fill(action)
    page.get_by_label(words.due_on, exact=True).fill("2031-01-15")
    page.get_by_label(words.who, exact=True).select_option(label=words.the_company)
    page.get_by_role("button", name=words.add_action, exact=True).click()
    expect(page.get_by_role("status").filter(has_text=words.action_added)).to_be_visible()
    actions = page.get_by_role("region", name=words.action_items, exact=True)
    expect(actions.locator(".item-text")).to_have_text([action])
    expect(actions.locator(".item-meta")).to_have_text([words.action_meta])
    remove = actions.get_by_role("button", name=f"{words.remove} \N{EN DASH} {action}", exact=True)
    assert contrast(remove) >= 4.5, "the remove button is readable"
    actions.get_by_role(
        "button", name=f"{words.mark_done} \N{EN DASH} {action}", exact=True
    ).click()
    expect(page.get_by_role("status").filter(has_text=words.marked_done)).to_be_visible()
    again = page.get_by_role("button", name=f"{words.open_again} \N{EN DASH} {action}", exact=True)
    expect(again).to_be_visible()

    status = page.get_by_label(words.review_status, exact=True)
    expect(status).to_have_value("in_review")
    status.select_option(label=words.reviewed)
    page.get_by_role("button", name=words.change_status, exact=True).click()
    now = words.status_now.format(status=words.reviewed)
    expect(page.get_by_role("status").filter(has_text=now)).to_be_visible()
    expect(page.get_by_label(words.review_status, exact=True)).to_have_value("reviewed")
    changed = words.status_changed.format(old=words.in_review, new=words.reviewed)
    history = page.get_by_role("region", name=words.changes, exact=True)
    expect(history.get_by_role("cell", name=changed, exact=True)).to_be_visible()
    added = words.note_added.format(text=note)
    expect(history.get_by_role("cell", name=added, exact=True)).to_be_visible()

    page.goto(filtered_url)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=OPENED, exact=True))
    expect(row.get_by_role("cell", name=words.reviewed, exact=True)).to_be_visible()
    expect(page.locator(".counts .status-reviewed")).to_have_text(f"{words.reviewed}: 1")

    page.get_by_text(words.export_list, exact=True).click()  # opens the export panel
    expect(page.get_by_role("group", name=words.export_csv)).to_be_visible()
    page.get_by_label(words.csv_for_programs, exact=True).check()
    with page.expect_download() as info:
        page.get_by_role("button", name=words.download_csv, exact=True).click()
    download = info.value
    name = download.suggested_filename
    assert re.fullmatch(r"digital-check-assessments-\d{4}-\d{2}-\d{2}\.csv", name)
    lines = read_csv(Path(download.path()))
    header, rows = lines[0], lines[1:]
    assert header == expected_header(words, sample)
    assert sorted(line[1] for line in rows) == FILTERED
    assert [line[0] for line in rows] == ids
    assert {line[6] for line in rows} == {words.crafts}
    by_id = {line[0]: line for line in rows}
    assert by_id[opened_id][2] == OPENED_EMAIL
    assert by_id[opened_id][11] == words.reviewed
    assert by_id[opened_id][12] == "Demo-Beratung"
    assert all(len(line) == len(header) for line in rows)

    page.get_by_role("button", name=words.log_out, exact=True).click()
    page.wait_for_url(site.url + "/advisor/login")
    expect(page.get_by_role("status").filter(has_text=words.logged_out)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(words.login_title)
    expect(page.get_by_role("button", name=words.log_out)).to_have_count(0)
    page.goto(site.url + "/advisor/")
    page.wait_for_url(re.compile(r"/advisor/login(\?|$)"))
    expect(page.get_by_role("heading", level=1)).to_have_text(words.login_title)
    expect(page.get_by_label(words.email, exact=True)).to_be_visible()


def test_advisor_journey_without_javascript(browser: Any, site: Site) -> None:
    """Without JavaScript: log in, search by pressing Enter, open a check, note, change status,
    add a step and change it; the list shows its due date as the next follow-up."""
    context = new_context(browser, java_script_enabled=False, locale="de-DE")
    try:
        page = context.new_page()
        log_in(page, site)
        expect(page.locator(".counts strong")).to_have_text(f"{SHARED_CHECKS} Digital-Checks")

        search = page.get_by_label(GERMAN.company, exact=True)
        search.fill("backerei")
        search.press("Enter")
        page.wait_for_url(re.compile(r"/advisor/\?.*q=backerei"))
        expect(page.locator(".counts strong")).to_have_text("1 Digital-Check")
        expect(company_links(page, "Bäckerei Korte")).to_have_count(1)
        expect(company_links(page, OPENED)).to_have_count(0)

        company_links(page, "Bäckerei Korte").click()
        page.wait_for_url(re.compile(r"/advisor/assessments/\d+$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Bäckerei Korte")
        expect(page.get_by_role("region", name=GERMAN.report, exact=True)).to_be_visible()

        note = "Ohne JavaScript notiert: Termin im Januar."
        page.get_by_label(GERMAN.note, exact=True).fill(note)
        page.get_by_role("button", name=GERMAN.save_note, exact=True).click()
        expect(page.get_by_role("status").filter(has_text=GERMAN.note_saved)).to_be_visible()
        notes = page.get_by_role("region", name=GERMAN.notes, exact=True).get_by_role("listitem")
        expect(notes.locator(".item-text")).to_have_text([note])
        expect(notes.locator(".item-meta")).to_have_text([GERMAN.written_by])

        status = page.get_by_label(GERMAN.review_status, exact=True)
        expect(status).to_have_value("new")
        status.select_option(label=GERMAN.in_review)
        page.get_by_role("button", name=GERMAN.change_status, exact=True).click()
        now = GERMAN.status_now.format(status=GERMAN.in_review)
        expect(page.get_by_role("status").filter(has_text=now)).to_be_visible()
        expect(page.get_by_label(GERMAN.review_status, exact=True)).to_have_value("in_review")

        step = "Rückruf wegen Kassensystem"
        page.get_by_label(GERMAN.action_item, exact=True).fill(step)
        page.get_by_label(GERMAN.due_on, exact=True).fill("2020-01-02")
        page.get_by_role("button", name=GERMAN.add_action, exact=True).click()
        expect(page.get_by_role("status").filter(has_text=GERMAN.action_added)).to_be_visible()
        actions = page.get_by_role("region", name=GERMAN.action_items, exact=True)
        expect(actions.locator(".overdue")).to_have_text("fällig am 02.01.2020 (überfällig)")
        actions.get_by_text(f"Diesen Schritt ändern \N{EN DASH} {step}").click()
        changed = f"{step} und Angebot"
        editing = actions.locator("details[open]")
        editing.get_by_label(GERMAN.action_item, exact=True).fill(changed)
        editing.get_by_label(GERMAN.due_on, exact=True).fill("2020-01-03")
        editing.get_by_role("button", name="Schritt speichern", exact=True).click()
        expect(
            page.get_by_role("status").filter(has_text="Der Schritt ist gespeichert.")
        ).to_be_visible()
        expect(actions.locator(".item-text")).to_have_text([changed])

        page.get_by_role("link", name="Alle freigegebenen Digital-Checks").click()
        page.wait_for_url(site.url + "/advisor/")
        row = page.get_by_role("row").filter(
            has=page.get_by_role("link", name="Bäckerei Korte", exact=True)
        )
        expect(row.get_by_role("cell", name=GERMAN.in_review, exact=True)).to_be_visible()
        expect(row.get_by_role("cell", name="03.01.2020 (überfällig)", exact=True)).to_be_visible()
    finally:
        context.close()
