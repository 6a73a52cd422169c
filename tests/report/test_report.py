"""The report page, its charts and its PDF show exactly what the scoring engine computes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from assessment.extensions import db
from assessment.kernel.models import Assessment
from assessment.questionnaire import Questionnaire
from assessment.questionnaire.advice import (
    MatchedRecommendation,
    build_action_plan,
    rank_priorities,
)
from assessment.questionnaire.matching import CompanyProfile, PartnerMatch, match_partners
from assessment.questionnaire.scoring import display_score, read_answers, score_assessment
from assessment.report import rendering
from assessment.report.content import MAX_PARTNERS, rank_partners
from assessment.report.pdf import _fetcher, html_to_pdf

from ..browser.audit import output_dir
from ..conftest import SAMPLE_DIR, database_path, make_app, require_pdf
from ..survey.conftest import stored
from ..survey.helpers import Respondent, complete, csrf_token, text
from .conftest import CRAFT_FIRM, PeerFactory

SVG = "{http://www.w3.org/2000/svg}"


def engine_result(app: Flask, sample: Questionnaire):
    """The scoring engine's result for the stored answers."""
    answers, problems = read_answers(sample, stored(app))
    assert problems == []
    return score_assessment(sample, answers)


def test_page_numbers_equal_the_engine(
    submitted: Respondent, report_app: Flask, sample: Questionnaire
) -> None:
    """Overall and per-dimension scores and levels on the page are the engine's, rounded half up."""
    html = text(submitted.client.get(submitted.url("/report")))
    result = engine_result(report_app, sample)
    assert f'<span class="score-number">{display_score(result.overall)}</span>' in html
    assert result.level.label.get("de") in html
    for dimension in result.assessed:
        title = re.escape(dimension.dimension.title.get("de"))
        cell = r"<td[^>]*>"
        row = re.search(
            rf'<th scope="row"[^>]*>{title}</th>\s*{cell}(\d+)</td>\s*{cell}([^<]+)</td>', html
        )
        assert row, title
        assert int(row.group(1)) == display_score(dimension.score)
        assert row.group(2) == dimension.level.label.get("de")


def test_report_shows_advice_plan_and_partners(
    submitted: Respondent, report_app: Flask, sample: Questionnaire
) -> None:
    """Strengths, priorities, every matched recommendation, the plan and partners with reasons."""
    html = text(submitted.client.get(submitted.url("/report")))
    result = engine_result(report_app, sample)
    plan = build_action_plan(result)
    for section in ("Ihre Stärken", "Ihre wichtigsten Prioritäten", "Ihr Maßnahmenplan"):
        assert section in html
    lists = "".join(re.findall(r'<ol class="action-plan"[^>]*>(.*?)</ol>', html, re.S))
    shown = [
        re.sub(r"\s+", " ", t).strip() for t in re.findall(r"<strong>(.*?)</strong>", lists, re.S)
    ]
    frames = ["days", "weeks", "months", "year"]
    by_effort = {"low": "weeks", "medium": "months", "high": "year"}
    first = sorted(
        plan[:10],
        key=lambda m: frames.index(
            m.recommendation.time_frame or by_effort[m.recommendation.effort]
        ),
    )
    assert len(plan) > 10, "the sample firm's plan is longer than the report shows in full"
    assert shown == [title_of(m) for m in first], "ten steps in full, by time frame"
    further = re.search(r'<p class="plan-more">Weitere Schritte: (.*?)</p>', html, re.S)
    assert further, "the steps after the first ten are listed by title"
    assert " ".join(further[1].split()) == "; ".join(title_of(m) for m in plan[10:]) + "."
    matched = rank_partners(match_partners(sample.directory, plan, CompanyProfile(**CRAFT_FIRM)))
    assert len(matched) > MAX_PARTNERS, "the sample firm has more partners than the report names"
    assert f"{len(matched) - MAX_PARTNERS} weitere Partner" in html
    partners_section = re.search(r'<section class="report-partners".*?</section>', html, re.S)
    assert partners_section
    for match in matched[MAX_PARTNERS:]:
        assert match.partner.name.get("de").replace("&", "&amp;") not in partners_section[0]
    sentences = re.findall(r'<h4>(.*?)</h4>.*?<p class="partner-why">(.*?)</p>', html, re.S)
    assert len(sentences) == MAX_PARTNERS
    for match, (name, why) in zip(by_kind(matched[:MAX_PARTNERS]), sentences, strict=True):
        assert name == match.partner.name.get("de").replace("&", "&amp;")
        assert why.startswith("Hilft bei ") and THEMES in why
        helps, themes = why.removeprefix("Hilft bei ").split(THEMES)
        topics = list(dict.fromkeys(reason.topic_label.get("de") for reason in match.reasons))
        titles = list(dict.fromkeys(r.match.dimension.title.get("de") for r in match.reasons))
        for names, said, more in ((topics, helps, "weiteren Them"), (titles, themes, "weiteren")):
            named = [name for name in names if name.replace("&", "&amp;") in said]
            assert len(named) == min(3, len(names)), (names, said)
            assert all(said.count(name.replace("&", "&amp;")) == 1 for name in named), said
            if len(names) > 3:
                assert f"{len(names) - 3} {more}" in said, said


def test_the_summary_comes_first(
    submitted: Respondent, report_app: Flask, sample: Questionnaire
) -> None:
    """First the result at a glance: score and level, the radar, the three priorities each with
    its first steps of the plan and a partner to ask, and the next step with the centre."""
    html = text(submitted.client.get(submitted.url("/report")))
    sections = re.findall(r'<section class="([^"]+)"', html)
    assert sections[0] == "report-overall report-summary"
    summary = re.search(r'<section class="report-overall report-summary".*?</section>', html, re.S)[
        0
    ]
    result = engine_result(report_app, sample)
    assert f'<span class="score-number">{display_score(result.overall)}</span>' in summary
    assert 'class="chart chart-radar chart-wide-only"' in summary
    plan = build_action_plan(result)
    items = re.findall(
        r"<li>\s*<strong>(.*?)</strong>(.*?)</li>\s*(?=<li>\s*<strong>|</ol>)", summary, re.S
    )
    priorities = rank_priorities(result)[:3]
    assert [title for title, _rest in items] == [p.dimension.title.get("de") for p in priorities]
    partners = rank_partners(match_partners(sample.directory, plan, CompanyProfile(**CRAFT_FIRM)))
    for priority, (_title, rest) in zip(priorities, items, strict=True):
        steps = [m for m in plan if m.dimension.id == priority.dimension.id][:2]
        assert steps, "each priority has a step"
        for step in steps:
            assert title_of(step) in rest
        helper = next(
            m for m in partners if priority.dimension in [r.match.dimension for r in m.reasons]
        )
        assert f"Ansprechpartner: {helper.partner.name.get('de')}".replace("&", "&amp;") in rest
    assert "Ihr nächster Schritt" in summary
    assert "check@dzm-kreis-soest.example" in summary


def test_recommendations_show_time_frame_benefit_and_sources(
    submitted: Respondent, report_app: Flask, sample: Questionnaire
) -> None:
    """A recommendation's time frame, benefit and sources (linked) appear with it."""
    html = " ".join(text(submitted.client.get(submitted.url("/report"))).split())
    plan = build_action_plan(engine_result(report_app, sample))
    detailed = [m.recommendation for m in plan if m.recommendation.sources]
    assert detailed, "the sample firm is given a recommendation with sources"
    names = {"days": "wenige Tage", "weeks": "wenige Wochen", "months": "wenige Monate"}
    for recommendation in (m.recommendation for m in plan):
        if recommendation.time_frame:
            assert f"Zeitrahmen: {names[recommendation.time_frame]}" in html
        if recommendation.benefit:
            assert f"Nutzen: {recommendation.benefit.get('de')}" in html
        for source in recommendation.sources:
            assert f'<a href="{source.url}">{source.title.get("de")}</a>' in html


THEMES = " \N{EN DASH} zu Ihren Themen "


def title_of(match: MatchedRecommendation) -> str:
    """A step's title as the report shows it (escaped)."""
    return match.recommendation.title.get("de").replace("&", "&amp;")


def by_kind(matches: list[PartnerMatch]) -> list[PartnerMatch]:
    """Partners grouped by kind, the kinds in the order of their first partner."""
    kinds = dict.fromkeys(match.partner.kind for match in matches)
    return [match for kind in kinds for match in matches if match.partner.kind == kind]


def test_partners_filtered_by_region_size_and_sector(
    submitted: Respondent, sample: Questionnaire
) -> None:
    """A partner for another town, size or sector never appears in this firm's report."""
    html = text(submitted.client.get(submitted.url("/report")))
    directory = sample.directory
    assert directory is not None
    excluded = [
        p
        for p in directory.partners
        if not p.serves(region="lippstadt", size="small", sector="handwerk")
    ]
    assert excluded
    for partner in excluded:
        assert partner.name.get("de").replace("&", "&amp;") not in html


def test_charts_are_valid_svg_naming_every_dimension(
    submitted: Respondent, report_app: Flask, sample: Questionnaire
) -> None:
    """Both charts parse as SVG, name every assessed dimension, and come from the cache later."""
    html = text(submitted.client.get(submitted.url("/report")))
    sources = re.findall(r'<img src="(charts/(\w+)\.svg\?v=\w+)"', html)
    assert {kind for _src, kind in sources} == {"radar", "bars"}
    result = engine_result(report_app, sample)
    for source, _kind in sources:
        response = submitted.client.get(submitted.url("/" + source))
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        root = ET.fromstring(response.data)
        assert root.tag == f"{SVG}svg"
        words = " ".join(" ".join(node.itertext()) for node in root.iter(f"{SVG}text"))
        for dimension in result.assessed:
            for word in dimension.dimension.title.get("de").split():
                assert word in words
        again = submitted.client.get(
            submitted.url("/" + source), headers={"If-None-Match": response.headers["ETag"]}
        )
        assert again.status_code == 304
    cached = list((Path(report_app.config["CACHE_DIR"]) / "assessments").glob("*/*.svg"))
    assert len(cached) == 2


def test_a_phones_chart_is_drawn_when_asked_for_without_building_the_report(
    submitted: Respondent, report_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page keeps the narrow chart's spec; a phone's request draws it from that."""
    html = text(submitted.client.get(submitted.url("/report")))
    narrow = re.search(r'srcset="(charts/bars-narrow\.svg\?v=\w+)"', html).group(1)
    folder = Path(report_app.config["CACHE_DIR"]) / "assessments"
    assert not list(folder.glob("*/report-bars-narrow-*.svg")), "no wide screen needs it"

    def not_again(*_args: object) -> None:
        raise AssertionError("the report should not be built for a chart whose spec was kept")

    monkeypatch.setattr(rendering, "build_report", not_again)
    monkeypatch.setattr(rendering, "keyed_inputs", not_again)
    response = submitted.client.get(submitted.url("/" + narrow))
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    words = " ".join(" ".join(node.itertext()) for node in ET.fromstring(response.data).iter())
    assert "Ihr Unternehmen" in words
    assert list(folder.glob("*/report-bars-narrow-*.svg")), "drawn once, then kept"
    assert submitted.client.get(submitted.url("/" + narrow)).data == response.data


def test_a_drawn_chart_is_served_without_building_the_report(
    submitted: Respondent, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page draws its charts; asked for by version, each comes from the cache as it is."""
    html = text(submitted.client.get(submitted.url("/report")))
    sources = re.findall(r'<img src="(charts/\w+\.svg\?v=\w+)"', html)
    drawn = {source: submitted.client.get(submitted.url("/" + source)).data for source in sources}

    def not_again(*_args: object) -> None:
        raise AssertionError("the report should not be built for a cached chart")

    monkeypatch.setattr(rendering, "build_report", not_again)
    monkeypatch.setattr(rendering, "keyed_inputs", not_again)
    for source, svg in drawn.items():
        response = submitted.client.get(submitted.url("/" + source))
        assert response.status_code == 200 and response.data == svg
        assert "max-age=86400" in response.headers["Cache-Control"]


def test_pdf_holds_the_report(
    submitted: Respondent, report_app: Flask, sample: Questionnaire
) -> None:
    """The PDF parses; its text has the company, the overall score, every dimension and partner."""
    require_pdf()
    response = submitted.client.get(submitted.url("/report.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    filename = response.headers["Content-Disposition"]
    assert re.fullmatch(
        r'attachment; filename="digital-check-tischlerei-mueller-soehne-'
        r'\d{4}-\d{2}-\d{2}-nr-\d+\.pdf"',
        filename,
    )
    reader = PdfReader(io.BytesIO(response.data))
    content = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    result = engine_result(report_app, sample)
    assert "Tischlerei Müller & Söhne" in content
    assert f"{display_score(result.overall)} von 100 Punkten" in content
    for dimension in result.assessed:
        assert dimension.dimension.title.get("de") in content
    plan = build_action_plan(result)
    matched = match_partners(sample.directory, plan, CompanyProfile(**CRAFT_FIRM))
    for match in rank_partners(matched)[:MAX_PARTNERS]:
        assert match.partner.name.get("de") in content
    assert len(reader.pages) >= 3 and "1 / " not in reader.pages[0].extract_text(), (
        "cover unnumbered"
    )
    assert f"2 / {len(reader.pages)}" in reader.pages[1].extract_text()
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog, "the PDF is tagged"
    assert catalog["/Lang"] == "de"
    assert "Tischlerei Müller & Söhne" in reader.metadata.title
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842), "A4"


def test_pdf_pages_are_full_and_no_heading_ends_a_page(submitted: Respondent) -> None:
    """The sample firm's PDF has at most 9 pages; every page after the cover holds at least a
    fifth of a full page of text, and no page ends with a heading (its text follows on the same
    page); the summary is the second page."""
    require_pdf()
    html = text(submitted.client.get(submitted.url("/report")))
    headings = {
        " ".join(re.sub(r"<[^>]+>", "", heading).split())
        for heading in re.findall(r"<h[2-4][^>]*>(.*?)</h[2-4]>", html, re.S)
    }
    reader = PdfReader(io.BytesIO(submitted.client.get(submitted.url("/report.pdf")).data))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) <= 9
    assert "Gesamtergebnis" in pages[1] and "Ihr nächster Schritt" in pages[1]
    full = max(len(page) for page in pages)
    for number, page in enumerate(pages[1:], start=2):
        assert len(page) >= full / 5, f"page {number} is nearly empty"
        lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
        content = [line for line in lines if not re.search(r"\d+ / \d+$|^Tischlerei Müller", line)]
        assert content[-1] not in headings, f"page {number} ends with the heading {content[-1]!r}"


def test_pdf_pages_are_written_as_images(submitted: Respondent) -> None:
    """Each page of the sample firm's PDF is written as a PNG beside the browser screenshots,
    for a person to look at (`make screenshots`)."""
    require_pdf()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:  # a failure in CI (tests/ci_plugin.py)
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    data = submitted.client.get(submitted.url("/report.pdf")).data
    folder = output_dir() / "pdf"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "report.pdf").write_bytes(data)
    subprocess.run(
        [pdftoppm, "-r", "60", "-png", str(folder / "report.pdf"), str(folder / "report-page")],
        check=True,
        timeout=300,
    )
    images = sorted(folder.glob("report-page-*.png"))
    assert len(images) == len(PdfReader(io.BytesIO(data)).pages)
    assert all(image.stat().st_size > 1000 for image in images)


def test_repeated_pdf_download_is_served_unchanged(
    submitted: Respondent, report_app: Flask
) -> None:
    """An unchanged report's PDF is rendered once and served from the cache."""
    require_pdf()
    first = submitted.client.get(submitted.url("/report.pdf")).data
    cache = Path(report_app.config["CACHE_DIR"]) / "assessments"
    assert len(list(cache.glob("*/*.pdf"))) == 1
    assert submitted.client.get(submitted.url("/report.pdf")).data == first


def test_pdf_fetches_nothing_from_outside(tmp_path: Path) -> None:
    """Web addresses and files outside the static folder are not loaded into the PDF."""
    require_pdf()
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    static = tmp_path / "static"
    static.mkdir()
    html = (
        '<html lang="de"><head><title>T</title>'
        f'<link rel="stylesheet" href="{secret.as_uri()}">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css"></head>'
        '<body><p>Text</p><img src="https://example.org/x.png" alt="x"></body></html>'
    )
    document = html_to_pdf(html, str(static))
    assert document.startswith(b"%PDF")
    # the image was not fetched, so its alternative text stands in its place
    assert PdfReader(io.BytesIO(document)).pages[0].extract_text().split() == ["Text", "x"]
    fetcher = _fetcher(static.resolve())
    for url in (secret.as_uri(), "http://127.0.0.1:9/evil.css", "https://example.org/x.png"):
        with pytest.raises(ValueError, match="may not load"):
            fetcher.fetch(url)
    (static / "own.css").write_text("p { color: black }")
    assert fetcher.fetch((static / "own.css").as_uri()) is not None
    assert fetcher.fetch("data:text/plain;base64,eA==") is not None


def test_report_in_english(submitted: Respondent) -> None:
    """After switching to English the report and its charts are English."""
    client = submitted.client
    token = csrf_token(client.get("/"))
    client.post("/language", data={"csrf_token": token, "language": "en", "next": "/"})
    html = text(client.get(submitted.url("/report")))
    assert (
        "Your result" in html and "Your action plan" in html and "Strategy and leadership" in html
    )
    source = re.search(r'<img src="(charts/bars\.svg\?v=\w+)"', html).group(1)
    assert "Your company" in client.get(submitted.url("/" + source)).get_data(as_text=True)


def test_report_before_submit_goes_to_review(report_app: Flask) -> None:
    """An unsubmitted assessment has no report yet; its PDF is a friendly 404."""
    owner = Respondent(report_app.test_client())
    owner.start()
    assert owner.client.get(owner.url("/report")).location.endswith(owner.url("/review"))
    assert owner.client.get(owner.url("/report.pdf")).status_code == 404
    assert owner.client.get(owner.url("/charts/radar.svg")).status_code == 404


def test_report_unchanged_after_the_questionnaire_file_changed(
    submitted: Respondent, report_app: Flask, tmp_path: Path
) -> None:
    """Editing the YAML later changes neither the numbers nor the texts of an old report."""
    before = text(submitted.client.get(submitted.url("/report")))
    edited = tmp_path / "edited"
    shutil.copytree(SAMPLE_DIR, edited)
    yaml_file = edited / "digitalcheck.yaml"
    content = yaml_file.read_text(encoding="utf-8")
    content = content.replace("Strategie und Führung", "Strategie").replace("min: 25", "min: 20", 1)
    yaml_file.write_text(content.replace("version: 1", "version: 2", 1), encoding="utf-8")
    restarted = make_app(database_path(report_app), edited)
    assert restarted.extensions["questionnaires"]["digitalcheck"].version == 2
    after = text(restarted.test_client().get(submitted.url("/report")))
    strip = lambda html: re.sub(r"<input[^>]*csrf_token[^>]*>", "", html)  # noqa: E731
    assert strip(after) == strip(before)


def test_repeated_check_shows_the_change(
    submitted: Respondent, report_app: Flask, sample: Questionnaire
) -> None:
    """Doing the check again links the new assessment and its report shows the change."""
    report = submitted.client.get(submitted.url("/report"))
    started = submitted.client.post(
        submitted.url("/repeat"), data={"csrf_token": csrf_token(report)}
    )
    assert started.status_code == 302
    again = Respondent(submitted.client)
    again.token = re.search(r"/a/([\w-]+)/step/0", started.location).group(1)
    profile_page = text(again.step(0))
    assert 'value="Tischlerei Müller &amp; Söhne"' in profile_page
    complete(again, report_app, sample, "Tischlerei Müller & Söhne", CRAFT_FIRM)
    html = text(again.client.get(again.url("/report")))
    assert "Veränderung seit" in html
    assert re.search(r"<td[^>]*>[+-]\d+</td>", html)
    with report_app.app_context():
        earlier = db.session.scalars(
            db.select(Assessment).order_by(Assessment.id).filter_by(status="submitted")
        ).all()
        before, after = (display_score(Fraction(c.overall_score)) for c in earlier[-2:])
        date = earlier[-2].submitted_at
    change = after - before
    headline = re.search(r'<p class="score-change">(.*?)</p>', html, re.S)
    assert headline, "the overall change is in the headline"
    words = " ".join(headline[1].split())
    if change:
        assert words.startswith(f"{change:+d} Punkte seit Ihrem Check vom ")
    else:
        assert words.startswith("Unverändert seit Ihrem Check vom ")
    assert str(date.year) in words
    for source in re.findall(r'<img src="(charts/\w+\.svg\?v=\w+)"', html):
        svg = again.client.get(again.url("/" + source)).get_data(as_text=True)
        assert "Ihr Check vom" in svg, f"{source} shows the earlier check as a second series"


@pytest.mark.parametrize("peers", [0, 4])
def test_no_benchmark_below_five_peers(
    submitted: Respondent, add_peer: PeerFactory, peers: int
) -> None:
    """Fewer than five comparable peers: no medians at all, and the report says why."""
    for _ in range(peers):
        add_peer(40)
    html = text(submitted.client.get(submitted.url("/report")))
    assert "sobald mindestens 5 vergleichbare Unternehmen" in html
    assert "Median" not in html


def test_pdf_without_the_system_libraries(
    submitted: Respondent, report_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Pango on the server the PDF is a friendly 503; the page still works."""

    def missing_pango(html: str, static_folder: str) -> bytes:
        raise OSError("cannot load library 'libpango-1.0-0'")

    report_app.config["PDF_IN_PROCESS"] = True
    monkeypatch.setattr("assessment.report.pdf.html_to_pdf", missing_pango)
    response = submitted.client.get(submitted.url("/report.pdf"))
    assert response.status_code == 503
    assert "Das PDF kann auf diesem Server zurzeit nicht erstellt werden." in text(response)
    assert submitted.client.get(submitted.url("/report")).status_code == 200
