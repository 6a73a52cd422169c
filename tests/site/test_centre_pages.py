"""The centre that runs the check, as users see it: its legal pages, its name and logo on every
page, who runs the check on the landing page, the consents, and "About this report" in the
report and its PDF.

The web tests' centre (tests/survey/data/centre.yaml) has no logo, no accessibility contact and is
not a sample; the sample centre (questionnaires/centre.yaml) has a logo and says it is a sample.
"""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from werkzeug.test import TestResponse

from assessment.questionnaire import Questionnaire, load_questionnaire

from ..conftest import SAMPLE_DIR, require_pdf
from ..survey.conftest import DATA
from ..survey.helpers import Respondent, complete, csrf_token, is_checked, text

WEB_CENTRE = "Testzentrum Digitalisierung"
OPERATOR = {
    "de": "Testkreis \u2013 Wirtschaftsförderung",
    "en": "Test district \u2013 business development",
}
SAMPLE_CENTRE = "Digitales Zentrum Mittelstand Kreis Soest"
LEGAL_PATHS = ("/impressum", "/datenschutz", "/barrierefreiheit")
CONSENTS = ("consent_benchmark", "consent_advisors", "consent_partners")
SAMPLE_NOTICE = {
    "de": "Beispielangaben: Diese Texte sind eine Vorlage",
    "en": "Sample entries: these texts are a template",
}
SAMPLE_FOOTER = {
    "de": "Diese Installation zeigt Beispielangaben zum Zentrum.",
    "en": "This installation shows sample entries for the centre.",
}


@dataclass(frozen=True)
class LegalPage:
    """What a legal page of the web tests' centre shows in one language."""

    path: str
    language: str
    title: str
    #: Facts from the centre file, in the panel above the text.
    facts: tuple[str, ...]
    #: The page's Markdown text as HTML.
    rendered: tuple[str, ...]
    #: The same text in the other language, which must not be shown.
    other_language: str


#: Where the tests' app says owners reach it (development's default EXTERNAL_URL).
EXTERNAL = "http://127.0.0.1:5000"
#: The legal pages' German titles and paths.
LEGAL_TITLES_DE = {
    "Impressum": "/impressum",
    "Datenschutzhinweise": "/datenschutz",
    "Erklärung zur Barrierefreiheit": "/barrierefreiheit",
}

LEGAL = [
    LegalPage(
        "/impressum",
        "de",
        "Impressum",
        (
            '<h2 id="facts-title">Anbieter und Kontakt</h2>',
            f"<p><strong>{WEB_CENTRE}</strong></p>",
            f"<p>{OPERATOR['de']}</p>",
            "Teststraße 1<br>12345 Teststadt",
            'E-Mail: <a href="mailto:info@testzentrum.example">info@testzentrum.example</a>',
        ),
        ("<h2>Anbieter</h2>", "<p>Testkreis, vertreten durch die Landrätin.</p>"),
        "<h2>Provider</h2>",
    ),
    LegalPage(
        "/impressum",
        "en",
        "Legal notice (Impressum)",
        (
            '<h2 id="facts-title">Provider and contact</h2>',
            f"<p><strong>{WEB_CENTRE}</strong></p>",
            f"<p>{OPERATOR['en']}</p>",
            "Teststraße 1<br>12345 Teststadt",
            'E-mail: <a href="mailto:info@testzentrum.example">info@testzentrum.example</a>',
        ),
        (
            "<h2>Provider</h2>",
            "<p>Test district, represented by the district administrator.</p>",
        ),
        "<h2>Anbieter</h2>",
    ),
    LegalPage(
        "/datenschutz",
        "de",
        "Datenschutzhinweise",
        (
            "<strong>Datenschutz Testkreis</strong>",
            '<a href="mailto:datenschutz@testzentrum.example">datenschutz@testzentrum.example</a>',
            "Ein Check wird 365 Tage nach dem Absenden gelöscht",
        ),
        (
            "<h2>Verantwortlich</h2>",
            '<p>Der Testkreis. Mehr unter <a href="/impressum">Impressum</a>.</p>',
        ),
        "<h2>Responsible</h2>",
    ),
    LegalPage(
        "/datenschutz",
        "en",
        "Privacy notice",
        (
            "<strong>Datenschutz Testkreis</strong>",
            '<a href="mailto:datenschutz@testzentrum.example">datenschutz@testzentrum.example</a>',
            "A check is deleted 365 days after it was submitted",
        ),
        (
            "<h2>Responsible</h2>",
            '<p>The test district. More in the <a href="/impressum">legal notice</a>.</p>',
        ),
        "<h2>Verantwortlich</h2>",
    ),
    LegalPage(
        "/barrierefreiheit",
        "de",
        "Erklärung zur Barrierefreiheit",
        (
            '<h2 id="facts-title">Rückmeldung zur Barrierefreiheit</h2>',
            # no accessibility_contact in the file: the contact person takes the feedback
            "<strong>Erika Beispiel</strong>",
            '<a href="mailto:erika@testzentrum.example">erika@testzentrum.example</a>',
        ),
        ("<p>Der Check ist <strong>vollständig vereinbar</strong> mit BITV 2.0.</p>",),
        "fully compliant",
    ),
    LegalPage(
        "/barrierefreiheit",
        "en",
        "Accessibility statement",
        (
            '<h2 id="facts-title">Feedback on accessibility</h2>',
            "<strong>Erika Beispiel</strong>",
            '<a href="mailto:erika@testzentrum.example">erika@testzentrum.example</a>',
        ),
        ("<p>The check is <strong>fully compliant</strong> with BITV 2.0.</p>",),
        "vollständig vereinbar",
    ),
]


def switch_to_english(client: FlaskClient) -> None:
    """Choose English with the language switch in the header, as a browser does."""
    token = csrf_token(client.get("/"))
    switched = client.post("/language", data={"csrf_token": token, "language": "en", "next": "/"})
    assert switched.status_code == 302


def in_language(client: FlaskClient, language: str) -> FlaskClient:
    """The client, after switching to ``language`` (German is the default)."""
    if language == "en":
        switch_to_english(client)
    return client


def element(html: str, pattern: str) -> str:
    """The first element whose opening tag matches ``pattern``, up to its closing tag."""
    tag = pattern.split()[0]
    found = re.search(rf"<{pattern}.*?</{tag}>", html, re.S)
    assert found, f"no <{pattern}> on the page"
    return found.group(0)


def main(html: str) -> str:
    """The page's main content (without header and footer)."""
    return element(html, 'main id="main"')


def header(html: str) -> str:
    """The site header."""
    return element(html, 'header class="site-header"')


def footer(html: str) -> str:
    """The site footer."""
    return element(html, 'footer class="site-footer"')


def heading_levels(html: str) -> list[int]:
    """The levels of the headings in the main content, in order."""
    return [int(level) for level in re.findall(r"<h([1-6])\b", main(html))]


def assert_heading_order(html: str) -> None:
    """One h1 first, and no heading level skipped on the way down."""
    levels = heading_levels(html)
    assert levels[0] == 1 and levels.count(1) == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"h{before} is followed by h{after}: {levels}"


@pytest.fixture(scope="session")
def small_check() -> Questionnaire:
    """The web tests' questionnaire (tests/survey/data/check.yaml)."""
    return load_questionnaire(DATA / "check.yaml")


@pytest.fixture
def small_client(small_app: Flask) -> FlaskClient:
    """A browser on the app with the web tests' centre."""
    return small_app.test_client()


@pytest.fixture
def reported(owner: Respondent, small_app: Flask, small_check: Questionnaire) -> Respondent:
    """An owner who has submitted the small check (no consent, no other companies)."""
    complete(owner, small_app, small_check, "Tischlerei Beispiel", {})
    return owner


def add_peers(app: Flask, questionnaire: Questionnaire, count: int) -> None:
    """Other companies, each submitting the small check and agreeing to the comparison."""
    for number in range(count):
        peer = Respondent(app.test_client())
        peer.start("webcheck")
        complete(peer, app, questionnaire, f"Vergleichsfirma {number}", {"consent_benchmark": "y"})


def about_section(owner: Respondent) -> str:
    """The "About this report" section of the owner's report page."""
    page = owner.client.get(owner.url("/report"))
    assert page.status_code == 200
    return element(text(page), 'section class="report-about"')


# 1. The legal pages of the web tests' centre


@pytest.mark.parametrize("page", LEGAL, ids=lambda page: f"{page.path[1:]}-{page.language}")
def test_legal_page_shows_the_centre_file(small_client: FlaskClient, page: LegalPage) -> None:
    """Each legal page has its own title as the only h1, the centre file's facts and its
    Markdown text rendered, in the chosen language."""
    response = in_language(small_client, page.language).get(page.path)
    assert response.status_code == 200
    html = text(response)
    assert f'<html lang="{page.language}">' in html
    assert f"<title>{page.title} \u2013 Digital-Check</title>" in html
    assert html.count("<h1") == 1
    assert f"<h1>{page.title}</h1>" in html
    content = main(html)
    for fact in page.facts:
        assert fact in content
    legal_text = element(content, 'div class="legal-text"')
    assert content.index(legal_text) < content.index('id="facts-title"'), "the text comes first"
    for rendered in page.rendered:
        assert rendered in legal_text
    assert page.other_language not in html
    assert_heading_order(html)


def test_accessibility_feedback_goes_to_the_accessibility_contact(client: FlaskClient) -> None:
    """When the centre names an accessibility contact (the sample does), feedback goes there,
    not to the contact person for the check."""
    content = main(text(client.get("/barrierefreiheit")))
    assert (
        "<strong>Barrierefreiheit \u2013 Digitales Zentrum Mittelstand (Beispiel)</strong>"
        in content
    )
    assert "barrierefreiheit@dzm-kreis-soest.example" in content
    assert "Ansprechperson Digital-Check (Beispiel)" not in content


# 2. The sample notice


@pytest.mark.parametrize("language", ["de", "en"])
def test_sample_centre_says_it_is_a_sample(client: FlaskClient, language: str) -> None:
    """With the sample centre every legal page says its texts are sample entries, and so does
    the footer of every page."""
    in_language(client, language)
    for path in LEGAL_PATHS:
        html = text(client.get(path))
        assert SAMPLE_NOTICE[language] in main(html), path
        assert SAMPLE_FOOTER[language] in footer(html), path
        assert_heading_order(html)
    assert SAMPLE_FOOTER[language] in footer(text(client.get("/")))


def test_real_centre_shows_no_sample_notice(small_client: FlaskClient) -> None:
    """A centre file that is not a sample gets no sample notice, neither on the legal pages
    nor in the footer."""
    for path in ("/", *LEGAL_PATHS):
        html = text(small_client.get(path))
        assert "notice-sample" not in html and "sample-note" not in html, path
        assert SAMPLE_NOTICE["de"] not in html and SAMPLE_FOOTER["de"] not in html, path


# 3. Header and footer on every page of the journey


@dataclass(frozen=True)
class Site:
    """An app with an owner who has started its check, and the centre the pages should show."""

    app: Flask
    owner: Respondent
    questionnaire: Questionnaire
    centre: str
    logo: bool


@pytest.fixture(params=["sample-centre", "web-test-centre"])
def site(request: pytest.FixtureRequest, small_check: Questionnaire) -> Site:
    """The sample centre (with a logo) or the web tests' centre (without)."""
    if request.param == "sample-centre":
        return Site(
            request.getfixturevalue("app"),
            request.getfixturevalue("sample_owner"),
            request.getfixturevalue("sample"),
            SAMPLE_CENTRE,
            logo=True,
        )
    return Site(
        request.getfixturevalue("small_app"),
        request.getfixturevalue("owner"),
        small_check,
        WEB_CENTRE,
        logo=False,
    )


def journey(site: Site) -> dict[str, TestResponse]:
    """Every page an owner meets, by name, from the landing page to deleting the check."""
    owner = site.owner
    client = owner.client
    pages = {"landing": client.get("/"), "profile step": owner.step(0), "step": owner.step(1)}
    complete(owner, site.app, site.questionnaire, "Beispiel GmbH", {}, submit=False)
    pages["saved"] = client.get(owner.url("/saved"))
    pages["review"] = client.get(owner.url("/review"))
    assert owner.submit().status_code == 302
    pages["report"] = client.get(owner.url("/report"))
    pages["consent"] = client.get(owner.url("/consent"))
    pages["delete"] = client.get(owner.url("/delete"))
    pages["not found"] = client.get("/no/such/page")
    return pages


def test_every_page_names_the_centre(site: Site) -> None:
    """Header and footer of every page of the journey, and of an error page, name the centre
    and link to the three legal pages; the header shows the logo only if the centre has one."""
    for name, page in journey(site).items():
        assert page.status_code == (404 if name == "not found" else 200), name
        html = text(page)
        top, bottom = header(html), footer(html)
        assert f'<span class="brand-centre">{site.centre}</span>' in top, name
        logo = re.search(r'<img[^>]*\bsrc="/centre/logo"[^>]*>', top)
        if site.logo:
            assert logo and 'alt=""' in logo.group(0), name
        else:
            assert logo is None and "/centre/logo" not in html, name
        assert site.centre in bottom, name
        for path in LEGAL_PATHS:
            assert f'<a href="{path}">' in bottom, (name, path)


# 4. The logo


def test_logo_is_served_with_an_etag(client: FlaskClient) -> None:
    """The sample logo is the SVG beside centre.yaml, with an ETag; asked again with that ETag
    the browser is told its copy is current."""
    response = client.get("/centre/logo")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data == (SAMPLE_DIR / "centre-logo.svg").read_bytes()
    etag = response.headers["ETag"]
    assert etag
    again = client.get("/centre/logo", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_no_logo_is_a_friendly_not_found(small_client: FlaskClient) -> None:
    """Without a logo in the centre file, /centre/logo is the site's own 404 page."""
    response = small_client.get("/centre/logo")
    assert response.status_code == 404
    html = text(response)
    assert "<h1>Seite nicht gefunden</h1>" in html
    assert WEB_CENTRE in footer(html)


# 5. The landing page


@pytest.mark.parametrize("language", ["de", "en"])
def test_landing_page_says_who_runs_the_check(small_client: FlaskClient, language: str) -> None:
    """Before starting, the owner learns who offers the check, how long answers are kept and
    where the privacy notice is."""
    html = text(in_language(small_client, language).get("/"))
    panel = element(main(html), 'section class="panel who-runs-it"')
    assert f"{WEB_CENTRE} \u2013 {OPERATOR[language]}." in panel
    retention = {"de": "nach 365 Tagen gelöscht", "en": "deleted after 365 days"}[language]
    assert retention in panel
    privacy = {"de": "Datenschutzhinweise", "en": "Privacy notice"}[language]
    assert f'<a href="/datenschutz">{privacy}</a>' in panel
    assert_heading_order(html)


# 6. The consents


#: What each consent's hint says beyond "what, with whom, how long" (German).
CONSENT_FACTS = {
    "consent_benchmark": (
        "nie der Name Ihres Unternehmens",
        "mindestens 5 Unternehmen",
        "365 Tagen",
    ),
    "consent_advisors": (f"die Beratung des Zentrums ({WEB_CENTRE})", "365 Tagen"),
    "consent_partners": ("Netzwerkpartner", "vorgestellt durch die Beratung des Zentrums"),
}


@pytest.mark.parametrize("page", ["/step/0", "/consent"])
def test_each_consent_is_unticked_and_explained(owner: Respondent, page: str) -> None:
    """On the profile step and on the page to change them, the three consents start unticked;
    each has a hint, read out with it, on what is shared, with whom and for how long, with a
    link to the privacy notice."""
    response = owner.client.get(owner.url(page))
    assert response.status_code == 200
    html = text(response)
    for consent in CONSENTS:
        assert not is_checked(html, consent), consent
        checkbox = re.search(rf'<input[^>]*\bid="{consent}"[^>]*>', html)
        assert checkbox, consent
        assert f'aria-describedby="{consent}-hint"' in checkbox.group(0)
        hint = re.search(rf'<p class="hint" id="{consent}-hint">(.*?)</p>', html, re.S)
        assert hint, f"no hint for {consent}"
        for part in ("Was:", "Mit wem:", "Wie lange:", *CONSENT_FACTS[consent]):
            assert part in hint.group(1), (consent, part)
        assert '<a href="/datenschutz">Datenschutzhinweise</a>' in hint.group(1)


# 7. "About this report"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "de",
            (
                '<h2 id="about-title">Über diesen Bericht</h2>',
                "<h3>Wie die Werte berechnet werden</h3>",
                "Jede Antwort bringt Punkte.",
                "Noch mit niemandem",
                "keine Prüfung",
                ">Datenschutzhinweise</a>",
            ),
        ),
        (
            "en",
            (
                '<h2 id="about-title">About this report</h2>',
                "<h3>How the scores are computed</h3>",
                "Each answer carries points.",
                "Not yet with anybody",
                "not an audit",
                ">Privacy notice</a>",
            ),
        ),
    ],
)
def test_report_explains_itself(
    reported: Respondent, small_check: Questionnaire, language: str, words: tuple[str, ...]
) -> None:
    """The report says how scores are computed, where each level starts, that nobody is
    compared yet, that it is not an audit, and whom to ask, with the privacy notice."""
    in_language(reported.client, language)
    about = about_section(reported)
    for word in words:
        assert word in about
    points = {"de": "ab {} Punkten", "en": "from {} points"}[language]
    for level in small_check.levels:
        assert f"{level.label.get(language)} ({points.format(f'{level.min:g}')})" in about
    assert f"{WEB_CENTRE} \u2013 Erika Beispiel" in about
    assert '<a href="mailto:erika@testzentrum.example">erika@testzentrum.example</a>' in about
    assert re.search(r'<a href="https?://[^"/]+/datenschutz">', about)
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", about)]
    assert levels[0] == 2 and set(levels[1:]) == {3}


def test_report_names_the_comparison_group_in_good_german(
    reported: Respondent, small_app: Flask, small_check: Questionnaire
) -> None:
    """With enough companies to compare with, the report says which group and how many.

    Fails today: the group's name is in the genitive (made for "Median der ..."), so the
    sentence reads "Mit der Unternehmen derselben Branche und Größe" instead of "Mit den ...".
    """
    add_peers(small_app, small_check, 6)
    about = about_section(reported)
    sentence = re.search(r"<h3>Mit wem Sie verglichen werden</h3>\s*<p>(.*?)</p>", about, re.S)
    assert sentence, about
    assert "6 Unternehmen" in sentence.group(1)
    assert "derselben Branche und Größe" in sentence.group(1)
    assert not re.match(r"Mit (der|aller) ", sentence.group(1)), sentence.group(1)


def test_report_states_the_centres_least_group_size(
    reported: Respondent, small_app: Flask, small_check: Questionnaire
) -> None:
    """A centre may ask for larger comparison groups (BENCHMARK_MIN_FIRMS); the report then
    gives its figure, not five.

    Fails today: with ten required and six companies agreeing, the report tells the owner that
    "fewer than five comparable companies have agreed".
    """
    small_app.config["BENCHMARK_MIN_FIRMS"] = 10
    add_peers(small_app, small_check, 6)
    about = about_section(reported)
    sentence = re.search(r"<h3>Mit wem Sie verglichen werden</h3>\s*<p>(.*?)</p>", about, re.S)
    assert sentence, about
    assert sentence.group(1).startswith("Noch mit niemandem")
    assert "fünf" not in sentence.group(1) and "10" in sentence.group(1), sentence.group(1)


# 8. The PDF


def test_pdf_names_the_centre_and_its_legal_pages(reported: Respondent, small_app: Flask) -> None:
    """The PDF's cover names the centre, says it is not an audit and links to the three legal
    pages; its "About this report" has the method note and the disclaimer."""
    require_pdf()
    response = reported.client.get(reported.url("/report.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    cover, content = pages[0], " ".join(pages)
    assert WEB_CENTRE in cover
    assert f"{OPERATOR['de']} · info@testzentrum.example" in cover
    assert "keine Prüfung" in cover
    for title, path in LEGAL_TITLES_DE.items():
        assert f"{title}: {EXTERNAL}{path}" in cover, "the address is printed, too"
    assert "Über diesen Bericht" in content
    assert "Wie die Werte berechnet werden" in content
    assert "Er ist keine Prüfung, kein Gutachten und kein Zertifikat" in content
    assert f"{WEB_CENTRE} \u2013 Erika Beispiel, erika@testzentrum.example" in content
    cover_links = [
        annotation.get_object().get("/A", {}).get("/URI")
        for annotation in reader.pages[0].get("/Annots") or []
    ]
    assert cover_links == [EXTERNAL + path for path in LEGAL_PATHS], "built on EXTERNAL_URL"
