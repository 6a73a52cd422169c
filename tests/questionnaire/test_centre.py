"""The centre file (centre.yaml): what `flask questionnaire check` tells an operator about it.

Every broken file is the sample (or the web tests' smaller file) with one exact substring
replaced, and every expected position is computed from the text written, so that a test
cannot silently test nothing and does not break when the sample changes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from assessment import PROJECT_ROOT
from assessment.questionnaire import Centre, Problem, QuestionnaireError, check_file, load_centre
from assessment.questionnaire.centre import MAX_LOGO_BYTES
from assessment.questionnaire.markdown import render_markdown

from ..conftest import SAMPLE_DIR
from .validation_helpers import column_of, line_of

SAMPLE_CENTRE = SAMPLE_DIR / "centre.yaml"
SAMPLE_LOGO = SAMPLE_DIR / "centre-logo.svg"
WEB_CENTRE = PROJECT_ROOT / "tests" / "survey" / "data" / "centre.yaml"

SAMPLE_TEXT = SAMPLE_CENTRE.read_text(encoding="utf-8")
WEB_TEXT = WEB_CENTRE.read_text(encoding="utf-8")

SAMPLE_NAME_DE = "Digitales Zentrum Mittelstand Kreis Soest"
LOGO_LINE = "logo: centre-logo.svg"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_OPEN = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8">'

RAW_HTML = "raw HTML is not allowed in these texts; write plain Markdown"
IMAGE = "images are not allowed in these texts; the logo is set with logo:"


def link_refused(target: str) -> str:
    """The message for a link target that is not allowed."""
    return (
        f"the link target {target!r} is not allowed; link to https://..., "
        "mailto:..., tel:... or a page of this site such as /datenschutz"
    )


def edit(text: str, old: str, new: str) -> str:
    """``text`` with the one occurrence of ``old`` replaced (it must be there exactly once)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times, not once"
    return text.replace(old, new)


def at(text: str, marker: str, start: str | None = None) -> tuple[int, int]:
    """(line, column) of ``start`` (default: ``marker``) on the only line holding ``marker``."""
    return line_of(text, marker), column_of(text, marker, start)


def located(problem: Problem) -> tuple[int, int, str, str]:
    """What the operator reads in a problem besides the file name."""
    return problem.line, problem.column, problem.location, problem.message


CheckCentre = Callable[[str], list[Problem]]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A questionnaire folder holding the sample logo, as the sample folder does."""
    path = tmp_path / "questionnaires"
    path.mkdir()
    shutil.copy(SAMPLE_LOGO, path / SAMPLE_LOGO.name)
    return path


@pytest.fixture
def check(folder: Path) -> CheckCentre:
    """Write the text as centre.yaml into the folder and return every problem found."""

    def run(text: str) -> list[Problem]:
        path = folder / "centre.yaml"
        path.write_text(text, encoding="utf-8")
        result = check_file(path)
        assert result.kind == "centre"
        assert all(problem.file == str(path) for problem in result.problems)
        return result.problems

    return run


def only(problems: list[Problem]) -> Problem:
    """The one problem found."""
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# --- the shipped files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name_de", "sample"),
    [
        (SAMPLE_CENTRE, SAMPLE_NAME_DE, True),
        (WEB_CENTRE, "Testzentrum Digitalisierung", False),
    ],
)
def test_shipped_centre_files_check_clean(path: Path, name_de: str, sample: bool) -> None:
    """The sample and the web tests' centre file have no problem; the check reads the centre."""
    result = check_file(path)
    assert result.problems == []
    assert result.kind == "centre"
    assert isinstance(result.value, Centre)
    assert result.value.name.get("de") == name_de
    assert result.value.sample is sample
    assert load_centre(path) == result.value


def test_copied_sample_checks_clean(check: CheckCentre) -> None:
    """The sample beside its logo in another folder is clean too: the base of these tests."""
    assert check(SAMPLE_TEXT) == []


def test_load_centre_refuses_a_broken_file(folder: Path) -> None:
    """load_centre (used at start-up) raises with every problem, as the check reports them."""
    path = folder / "centre.yaml"
    path.write_text(edit(SAMPLE_TEXT, "retention_days: 730", "retention_days: 0"), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as error:
        load_centre(path)
    assert tuple(check_file(path).problems) == error.value.problems
    assert len(error.value.problems) == 1


# --- structure and languages ---------------------------------------------------------------


def test_text_missing_a_declared_language(check: CheckCentre) -> None:
    """`name` without its en: entry: reported where the name's texts start (its de: line)."""
    text = edit(SAMPLE_TEXT, "  en: Digital Centre for SMEs, District of Soest\n", "")
    problem = only(check(text))
    assert located(problem) == (
        *at(text, "  de: Digitales Zentrum Mittelstand Kreis Soest", "de:"),
        "name",
        "the text is missing the language 'en'; give every declared language",
    )


def test_flow_text_missing_a_language_points_at_the_brace(check: CheckCentre) -> None:
    """A text written as {de: ...} inside the contact is reported at its opening brace."""
    text = edit(SAMPLE_TEXT, ", en: Digitalisation advice}", "}")
    problem = only(check(text))
    assert located(problem) == (
        *at(text, "role: {de: Digitalisierungsberatung}", "{"),
        "contact.role",
        "the text is missing the language 'en'; give every declared language",
    )


def test_text_in_an_undeclared_language(check: CheckCentre) -> None:
    """A language not listed under languages is reported at its own key."""
    text = edit(SAMPLE_TEXT, "en: Digitalisation advice}", "en: Digitalisation advice, fr: X}")
    problem = only(check(text))
    assert located(problem) == (
        *at(text, "fr: X}", "fr"),
        "contact.role.fr",
        "'fr' is not a declared language (de, en)",
    )


def test_unknown_key_suggests_the_right_one(check: CheckCentre) -> None:
    """A misspelt `logoo:` is reported at the key, with the key that was meant."""
    text = edit(SAMPLE_TEXT, LOGO_LINE, "logoo: centre-logo.svg")
    problem = only(check(text))
    assert located(problem) == (
        *at(text, "logoo:"),
        "logoo",
        "unknown key 'logoo'; did you mean 'logo'?",
    )


def test_missing_required_key(check: CheckCentre) -> None:
    """Without `impressum` the file's first key names the missing key."""
    start = SAMPLE_TEXT.index("impressum:\n")
    end = SAMPLE_TEXT.index("privacy_notice:\n")
    text = SAMPLE_TEXT[:start] + SAMPLE_TEXT[end:]
    assert "impressum" not in text
    problem = only(check(text))
    first_key = next(
        number
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.startswith("#")
    )
    assert located(problem) == (first_key, 1, "document", "missing required key 'impressum'")


def test_wrong_type_of_value(check: CheckCentre) -> None:
    """retention_days must be a whole number of at least one."""
    text = edit(SAMPLE_TEXT, "retention_days: 730", "retention_days: zwei")
    problem = only(check(text))
    assert located(problem) == (
        *at(text, "retention_days: zwei", "zwei"),
        "retention_days",
        "must be a whole number, not a text",
    )


# --- the logo ------------------------------------------------------------------------------


def with_logo(name: str) -> str:
    """The sample naming another logo file."""
    return edit(SAMPLE_TEXT, LOGO_LINE, f"logo: {name}")


def expect_logo_problem(problems: list[Problem], text: str, message: str) -> None:
    """One problem, at the value of `logo:`."""
    assert located(only(problems)) == (
        line_of(text, "logo: "),
        len("logo: ") + 1,
        "logo",
        message,
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "fehlt.svg",
            None,
            "the logo file 'fehlt.svg' does not exist next to centre.yaml",
            id="missing",
        ),
        pytest.param(
            "logo.gif",
            b"GIF89a" + bytes(32),
            "the logo 'logo.gif' must be an SVG or PNG file (.svg or .png)",
            id="gif",
        ),
        pytest.param(
            "logo.png",
            bytes(range(256)),
            "the logo 'logo.png' is not a PNG image",
            id="png-not-png",
        ),
        pytest.param(
            "logo.svg",
            b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
            "the logo 'logo.svg' is not an SVG image (its root element is not <svg>)",
            id="svg-root-not-svg",
        ),
        pytest.param(
            "logo.svg",
            b"<svg><rect/></svg>",
            "the logo 'logo.svg' is not an SVG image (its root element is not <svg>)",
            id="svg-without-namespace",
        ),
        pytest.param(
            "logo.svg",
            SVG_OPEN + b"<script>alert(1)</script></svg>",
            "the logo 'logo.svg' holds a <script> element; a logo may only draw",
            id="svg-script",
        ),
        pytest.param(
            "logo.svg",
            SVG_OPEN + b'<foreignObject><p xmlns="http://www.w3.org/1999/xhtml"/>'
            b"</foreignObject></svg>",
            "the logo 'logo.svg' holds a <foreignObject> element; a logo may only draw",
            id="svg-foreign-object",
        ),
        pytest.param(
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
            "the logo 'logo.svg' holds the event handler 'onload'; a logo may only draw",
            id="svg-onload",
        ),
        pytest.param(
            "logo.svg",
            SVG_OPEN + b'<rect onClick="alert(1)"/></svg>',
            "the logo 'logo.svg' holds the event handler 'onClick'; a logo may only draw",
            id="svg-nested-handler",
        ),
        pytest.param(
            "logo.svg",
            b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY name "x">]>\n'
            + SVG_OPEN
            + b"<title>&name;</title></svg>",
            "the logo 'logo.svg' declares a DOCTYPE or entities; save it as plain SVG",
            id="svg-doctype-entity",
        ),
        pytest.param(
            "logo.png",
            PNG_SIGNATURE + bytes(MAX_LOGO_BYTES + 1 - len(PNG_SIGNATURE)),
            "the logo 'logo.png' has 1,048,577 bytes; it may have at most 1 MiB (1,048,576 bytes)",
            id="over-1-mib",
        ),
    ],
)
def test_logo_problem(
    check: CheckCentre, folder: Path, name: str, content: bytes | None, message: str
) -> None:
    """Each unusable logo is one problem at the `logo:` line, saying what is wrong."""
    if content is not None:
        (folder / name).write_bytes(content)
    text = with_logo(name)
    expect_logo_problem(check(text), text, message)


def test_logo_that_is_not_xml(check: CheckCentre, folder: Path) -> None:
    """An .svg that is not well-formed XML: the parser's reason is quoted."""
    (folder / "logo.svg").write_bytes(SVG_OPEN + b"<rect></svg>")
    text = with_logo("logo.svg")
    problem = only(check(text))
    assert (problem.line, problem.column) == (line_of(text, "logo: "), len("logo: ") + 1)
    assert problem.message.startswith(
        "the logo 'logo.svg' is not an SVG image (not well-formed XML: mismatched tag: line 1"
    ), problem.message


@pytest.mark.parametrize("name", ["../outside.svg", "sub/inner.svg", "/etc/passwd.svg"])
def test_logo_must_be_a_plain_file_name(check: CheckCentre, folder: Path, name: str) -> None:
    """A path is refused even where the file exists: the logo lies beside centre.yaml."""
    target = folder / name if not name.startswith("/") else None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(SAMPLE_LOGO.read_bytes())
    text = with_logo(name)
    expect_logo_problem(
        check(text), text, f"{name!r} must be the name of a file in the same folder as centre.yaml"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("logo.png", PNG_SIGNATURE + b"rest of the image", id="small-png"),
        pytest.param(
            "logo.png", PNG_SIGNATURE + bytes(MAX_LOGO_BYTES - len(PNG_SIGNATURE)), id="1-mib-png"
        ),
        pytest.param("Logo.SVG", SAMPLE_LOGO.read_bytes(), id="upper-case-suffix"),
        pytest.param("logo.svg", SVG_OPEN + b"<g><circle r='3'/></g></svg>", id="plain-svg"),
    ],
)
def test_good_logos_are_accepted(
    check: CheckCentre, folder: Path, name: str, content: bytes
) -> None:
    """A PNG (by its signature) or a plain SVG of at most 1 MiB passes."""
    (folder / name).write_bytes(content)
    assert check(with_logo(name)) == []


def test_no_logo_is_fine(check: CheckCentre) -> None:
    """The logo is optional."""
    assert check(edit(SAMPLE_TEXT, LOGO_LINE + "\n", "")) == []


# --- Markdown in the legal texts -----------------------------------------------------------

#: A heading in each Markdown text of the sample, before which a paragraph is inserted.
ANCHORS = {
    "impressum.de": "    ## Haftung für Links\n",
    "privacy_notice.en": "    ## Your rights\n",
    "accessibility_statement.de": "    ## Schlichtungsverfahren\n",
}

MARKDOWN_MISTAKES = [
    pytest.param("Ein <b>fetter</b> Satz.", RAW_HTML, id="inline-html"),
    pytest.param("<script>alert(1)</script>", RAW_HTML, id="script-block"),
    pytest.param(
        "[Start](javascript:alert(1))", link_refused("javascript:alert(1)"), id="javascript-link"
    ),
    pytest.param("<javascript:alert(1)>", link_refused("javascript:alert(1)"), id="autolink"),
    pytest.param("[Partner](//evil.example)", link_refused("//evil.example"), id="protocol-rel"),
    pytest.param("[Daten](data:text/html,hi)", link_refused("data:text/html,hi"), id="data-link"),
    pytest.param("![x](https://e.org/x.png)", IMAGE, id="image"),
]


def insert_paragraph(text: str, where: str, paragraph: str) -> str:
    """The sample with a paragraph inserted in the block scalar ``where`` (see ANCHORS)."""
    anchor = ANCHORS[where]
    return edit(text, anchor, f"    {paragraph}\n\n{anchor}")


@pytest.mark.parametrize("where", list(ANCHORS))
@pytest.mark.parametrize(("markdown", "message"), MARKDOWN_MISTAKES)
def test_markdown_mistake_in_a_block_text(
    check: CheckCentre, where: str, markdown: str, message: str
) -> None:
    """In a `|` text each mistake is reported at the very line of the file where it stands."""
    text = insert_paragraph(SAMPLE_TEXT, where, markdown)
    problem = only(check(text))
    assert located(problem) == (*at(text, markdown), where, message)


def test_allowed_links_pass(check: CheckCentre) -> None:
    """Web pages, e-mail, telephone, pages of the site and anchors may be linked."""
    links = (
        "[LDI](https://www.ldi.nrw.de) [Mail](mailto:info@example.org) [Tel](tel:+4929210) "
        "[Datenschutz](/datenschutz) [oben](#anbieter) <https://www.ldi.nrw.de>"
    )
    assert check(insert_paragraph(SAMPLE_TEXT, "impressum.de", links)) == []


def test_every_markdown_mistake_of_a_text_is_listed(check: CheckCentre) -> None:
    """Mistakes in separate paragraphs of one text are each reported at their own line."""
    text = insert_paragraph(
        SAMPLE_TEXT, "privacy_notice.en", "<i>x</i>\n\n    [a](javascript:x)\n\n    ![i](/i.png)"
    )
    problems = check(text)
    assert [located(problem) for problem in problems] == [
        (*at(text, "<i>x</i>"), "privacy_notice.en", RAW_HTML),
        (*at(text, "[a](javascript:x)"), "privacy_notice.en", link_refused("javascript:x")),
        (*at(text, "![i](/i.png)"), "privacy_notice.en", IMAGE),
    ]


@pytest.mark.parametrize(
    ("old", "new", "marker", "location", "message"),
    [
        pytest.param(
            '  de: "Der Check ist **vollständig vereinbar** mit BITV 2.0."',
            '  de: "Der Check ist <b>vollständig</b> vereinbar."',
            '"Der Check',
            "accessibility_statement.de",
            RAW_HTML,
            id="double-quoted",
        ),
        pytest.param(
            '  en: "The check is **fully compliant** with BITV 2.0."',
            "  en: 'The check is [compliant](//evil.example).'",
            "'The check",
            "accessibility_statement.en",
            link_refused("//evil.example"),
            id="single-quoted",
        ),
        pytest.param(
            '  en: "The check is **fully compliant** with BITV 2.0."',
            "  en: The check is [compliant](javascript:alert(1)).",
            "The check",
            "accessibility_statement.en",
            link_refused("javascript:alert(1)"),
            id="plain",
        ),
    ],
)
def test_markdown_mistake_in_a_one_line_text(
    check: CheckCentre, old: str, new: str, marker: str, location: str, message: str
) -> None:
    """A text on one line is reported at the line and column where its value starts."""
    text = edit(WEB_TEXT, old, new)
    problem = only(check(text))
    assert located(problem) == (*at(text, marker), location, message)


def test_markdown_mistake_in_a_text_for_every_language(check: CheckCentre) -> None:
    """A privacy notice given once for all languages is reported at its value."""
    start = WEB_TEXT.index("privacy_notice:\n")
    end = WEB_TEXT.index("accessibility_statement:\n")
    text = WEB_TEXT[:start] + "privacy_notice: Siehe <a href='/x'>hier</a>.\n" + WEB_TEXT[end:]
    problem = only(check(text))
    assert located(problem) == (*at(text, "Siehe <a"), "privacy_notice", RAW_HTML)


# --- several problems at once --------------------------------------------------------------


def broken_sample() -> str:
    """The sample with an unknown key, a wrong type, a missing logo and raw HTML."""
    text = edit(SAMPLE_TEXT, "sample: true\n", "sample: true\nfarbe: blau\n")
    text = edit(text, "retention_days: 730", "retention_days: zwei")
    text = edit(text, LOGO_LINE, "logo: fehlt.svg")
    return insert_paragraph(text, "impressum.de", "<b>Achtung</b>")


def expected_broken_sample(text: str) -> list[tuple[int, int, str, str]]:
    """The four problems of broken_sample(), in the order they are reported."""
    keys = (
        "sample, languages, name, operator, address, email, phone, website, logo, contact, "
        "data_protection, accessibility_contact, retention_days, impressum, privacy_notice, "
        "accessibility_statement"
    )
    return [
        (*at(text, "farbe: blau"), "farbe", f"unknown key 'farbe'; allowed here: {keys}"),
        (
            *at(text, "logo: fehlt.svg", "fehlt.svg"),
            "logo",
            "the logo file 'fehlt.svg' does not exist next to centre.yaml",
        ),
        (
            *at(text, "retention_days: zwei", "zwei"),
            "retention_days",
            "must be a whole number, not a text",
        ),
        (*at(text, "<b>Achtung</b>"), "impressum.de", RAW_HTML),
    ]


def test_all_problems_are_reported_at_once(check: CheckCentre) -> None:
    """Structural, logo and Markdown problems come together, sorted by line."""
    text = broken_sample()
    assert [located(problem) for problem in check(text)] == expected_broken_sample(text)


# --- rendering -----------------------------------------------------------------------------

HREF = re.compile(r'href="([^"]*)"')


def test_render_escapes_raw_html() -> None:
    """Raw HTML in a text is shown as text, never passed through."""
    html = render_markdown("<script>alert(1)</script>\n\nEin <b>fetter</b> Satz.")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;fetter&lt;/b&gt;" in html
    assert "<script" not in html
    assert "<b>" not in html


def test_render_headings_start_at_h2() -> None:
    """The page has the h1: `#` and setext headings become h2; ## and ### stay."""
    html = render_markdown("# Titel\n\n## Abschnitt\n\n### Unterabschnitt\n\nAuch\n====\n")
    assert html == ("<h2>Titel</h2>\n<h2>Abschnitt</h2>\n<h3>Unterabschnitt</h3>\n<h2>Auch</h2>\n")


def test_render_safe_links() -> None:
    """Allowed links become ordinary links."""
    html = render_markdown(
        "[a](https://e.org/x) [m](mailto:a@e.org) [t](tel:+4929210) [d](/datenschutz) "
        "[h](#top) <https://e.org>"
    )
    assert HREF.findall(html) == [
        "https://e.org/x",
        "mailto:a@e.org",
        "tel:+4929210",
        "/datenschutz",
        "#top",
        "https://e.org",
    ]
    assert '<a href="https://e.org/x">a</a>' in html


@pytest.mark.parametrize(
    "markdown",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[x](//evil.example/path)",
        "[x](/\\evil.example)",
        "[x](data:text/html,hi)",
        "[x](<\tjavascript:alert(1)>)",
    ],
)
def test_render_never_emits_an_unsafe_href(markdown: str) -> None:
    """Even an unchecked text gets no javascript:, data: or protocol-relative link."""
    html = render_markdown(markdown)
    for href in HREF.findall(html):
        assert not re.match(r"(?i)\s*(javascript|data):|[/\\]{2}", href), html
    assert "javascript:alert(1)</a>" not in html


def test_render_shows_no_images() -> None:
    """An image in an unchecked text is not embedded."""
    assert "<img" not in render_markdown("![x](https://e.org/x.png)")


# --- the command line ----------------------------------------------------------------------

PROBLEM_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<where>[^:]+): .+$")


def flask_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed `flask questionnaire check PATHS`."""
    flask = Path(sys.executable).with_name("flask")
    return subprocess.run(
        [flask, "questionnaire", "check", *paths],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )


def test_cli_reports_a_broken_centre_file(folder: Path) -> None:
    """Exit 1 and one `PATH:LINE:COLUMN: location: message` line per problem."""
    path = folder / "centre.yaml"
    text = broken_sample()
    path.write_text(text, encoding="utf-8")
    result = flask_check(path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    for line in lines:
        match = PROBLEM_LINE.match(line)
        assert match, line
        assert match["path"] == str(path)
    assert lines == [
        f"{path}:{line}:{column}: {where}: {message}"
        for line, column, where, message in expected_broken_sample(text)
    ]
    assert result.stderr.strip() == "4 problems in 1 of 1 files checked"


def test_cli_passes_the_sample_folder() -> None:
    """The sample folder checks clean, and the centre is summarised as a sample."""
    result = flask_check(*sorted(SAMPLE_DIR.glob("*.yaml")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{SAMPLE_CENTRE}: ok: sample centre {SAMPLE_NAME_DE!r}" in result.stdout.splitlines()


# --- where a Markdown mistake is shown, and SVG encodings ---------------------------------


@pytest.mark.parametrize(
    ("old", "new", "marker"),
    [
        pytest.param(
            "Testkreis, vertreten durch die Landrätin.",
            "Testkreis, <b>vertreten</b> durch die Landrätin.",
            "<b>vertreten</b>",
            id="quoted-with-newline-escapes",
        ),
        pytest.param(
            '  de: "## Anbieter\\n\\nTestkreis, vertreten durch die Landrätin."',
            "  de: >\n    ## Anbieter\n\n    Testkreis,\n    vertreten\n    durch die Landrätin.\n"
            "\n    <b>Hinweis</b>",
            "<b>Hinweis</b>",
            id="folded-block",
        ),
    ],
)
def test_markdown_mistake_in_a_folded_or_escaped_text_is_shown_where_it_starts(
    check: CheckCentre, old: str, new: str, marker: str
) -> None:
    """A text whose lines are not the file's lines (quoted with \\n, folded with >) has its
    mistake shown at the start of the text, never at another key or a blank line."""
    text = edit(WEB_TEXT, old, new)
    problem = only(check(text))
    start = line_of(text, "impressum:") + 1  # its "  de: " line
    assert (problem.line, problem.column, problem.message) == (start, 7, RAW_HTML), str(problem)
    assert line_of(text, marker) >= start


def test_markdown_mistake_on_a_continuation_line(check: CheckCentre) -> None:
    """Raw HTML on the second line of a paragraph is shown at that line, not the paragraph's."""
    text = edit(
        SAMPLE_TEXT,
        "    den Landrat (Beispielangabe).\n",
        "    den <b>Landrat</b> (Beispielangabe).\n",
    )
    problem = only(check(text))
    expected = (line_of(text, "<b>Landrat</b>"), RAW_HTML)
    assert (problem.line, problem.message) == expected, str(problem)


def test_an_svg_in_another_encoding_is_refused(check: CheckCentre, folder: Path) -> None:
    """An SVG saved as UTF-16 (where a DOCTYPE could hide from a byte search) is refused."""
    svg = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE svg [<!ENTITY name "x">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg"><title>&name;</title></svg>'
    )
    (folder / "logo.svg").write_bytes(svg.encode("utf-16"))
    text = with_logo("logo.svg")
    expect_logo_problem(
        check(text),
        text,
        "the logo 'logo.svg' is not UTF-8 text; save the SVG with UTF-8 encoding",
    )
