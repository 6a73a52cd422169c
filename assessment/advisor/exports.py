"""Advisor pages: the filtered list as a CSV download (streamed) and as an Excel workbook.

Both files have the same columns: the assessment's id, company and contact, the questionnaire,
the profile, the dates, the review, the three consents, the urgency the owner gave, the next
follow-up, the latest consultation request, the introductions to partners (how many, how many
under way, each partner with its state), of a team check how many answered and the largest spread
of a topic's scores among them, the overall result and every dimension's score and level.
Profile answers, levels and review statuses appear as their labels in the current language (the
column a person reads; the filters still use the ids). Scores are rounded half up to one decimal.
The CSV comes in two dialects, chosen on the dashboard's export form: for Excel as German
installations read it (semicolons, decimal commas, times in the centre's time zone) and after
RFC 4180 for other programs (commas, decimal points, times in UTC); both are UTF-8 with a byte
order mark, quote every text, and neutralise every text a spreadsheet could take for a formula,
also after a separator inside it. The XLSX file needs no import settings in any locale.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO, Any

from flask import Response, abort, current_app, request, send_file, stream_with_context
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Connection, Row, Select, bindparam, func, select
from sqlalchemy.orm import aliased
from xlsxwriter import Workbook

from ..catalogue import questionnaires
from ..consultation.models import REQUEST_STATUSES
from ..consultation.models import status_label as consultation_label
from ..extensions import db
from ..i18n import localize
from ..kernel.models import REVIEW_STATUSES, Assessment, DimensionScore
from ..questionnaire import Questionnaire
from ..referrals.models import Referral, state_label
from .forms import FilterForm, status_name
from .listing import (
    Filters,
    all_referrals,
    filtered,
    latest_consultation,
    open_referrals,
    versions_by_id,
)
from .models import Advisor

#: Assessments read, and dimension scores fetched, per query; also the CSV's chunk size.
CHUNK = 1000
#: Dimensions joined in one query (SQLite joins at most 64 tables).
JOINED = 50
#: What a spreadsheet may take as the start of a formula (OWASP, "CSV Injection"), at the start
#: of a cell or after a separator that a spreadsheet set to another dialect might split at.
FORMULA = re.compile(r"(^|[,;])([=+\-@\t\r])")
#: The columns read from the database, in this order.
COLUMNS = (
    Assessment.id,
    Assessment.company_name,
    Assessment.contact_email,
    Assessment.questionnaire_version_id,
    Assessment.language,
    Assessment.sector,
    Assessment.size,
    Assessment.region,
    Assessment.created_at,
    Assessment.submitted_at,
    Assessment.review_status,
    Advisor.name,
    Assessment.consent_benchmark,
    Assessment.consent_advisors,
    Assessment.consent_partners,
    Assessment.urgency,
    Assessment.follow_up_on,
    latest_consultation(),
    all_referrals(),
    open_referrals(),
    Assessment.team_size,
    Assessment.team_spread,
    Assessment.overall_score,
    Assessment.overall_level,
)
#: The positions of the two times in a line of cells.
TIME_CELLS = (9, 10)
PROFILE = ("sector", "size", "region")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | float | datetime | date | None


def neutralise(text: str) -> str:
    """The text with an apostrophe before every start a spreadsheet would read as a formula."""
    return FORMULA.sub(r"\1'\2", text)


class Labels(dict[str | None, str | None]):
    """Labels by id, made harmless: an unknown id stands for itself, and None stays None."""

    def __missing__(self, key: str | None) -> str | None:
        return None if key is None else neutralise(key)


@dataclass(frozen=True)
class VersionLabels:
    """A questionnaire version's labels in the current language, ready to be written."""

    questionnaire: str
    version: int
    #: The options' labels of each profile question.
    options: dict[str, Labels]
    levels: Labels
    #: The options' labels of the urgency question.
    urgency: Labels

    @classmethod
    def of(cls, questionnaire: Questionnaire) -> VersionLabels:
        """The labels of one questionnaire."""
        options = {}
        for question_id in PROFILE:
            question = questionnaire.question_index.get(question_id)
            choices = getattr(question, "options", None) or ()
            options[question_id] = Labels((o.id, neutralise(localize(o.label))) for o in choices)
        levels = Labels((v.id, neutralise(localize(v.label))) for v in questionnaire.levels)
        served = questionnaires().get(questionnaire.id)
        question = questionnaire.urgency_question(served.urgency if served else None)
        urgency = (
            Labels((o.id, neutralise(localize(o.label))) for o in question.options)
            if question
            else Labels()
        )
        return cls(neutralise(questionnaire.id), questionnaire.version, options, levels, urgency)


@dataclass(frozen=True)
class Export:
    """What an export writes: the header and the lines of cells, a chunk at a time."""

    header: list[str]
    chunks: Iterator[list[list[Cell]]]


def _text(value: str | None) -> str | None:
    return neutralise(value) if value is not None else None


def rounded(score: float | None) -> float | None:
    """A score rounded half up to one decimal, as a number (-11.96 to -12.0, not -11.9)."""
    return None if score is None else math.floor(score * 10 + 0.5) / 10


def _utc(moment: datetime | None) -> datetime | None:
    """A time in UTC without a time zone (SQLite returns them so already)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def filters_or_abort() -> tuple[Filters, str]:
    """The list's filters and sort from the query string; 400 naming any filter in error."""
    form = FilterForm(request.args)
    form.fill_choices()
    form.validate()
    # The page number does not matter to an export, so a bad one is no reason to refuse it.
    problems = [
        f"{form[name].label.text}: {errors[0]}"
        for name, errors in form.errors.items()
        if name != "page"
    ]
    if problems:
        abort(400, _("The list could not be exported: %(problems)s", problems="; ".join(problems)))
    return form.filters(), form.sort_key


def dimension_titles(versions: Iterable[Questionnaire]) -> dict[str, str]:
    """The dimensions of some questionnaire versions by id, newest version's order first."""
    found: dict[str, str] = {}
    for questionnaire in versions:
        for dimension in questionnaire.dimensions:
            found.setdefault(dimension.id, localize(dimension.title))
    return found


def header(dimensions: dict[str, str]) -> list[str]:
    """The first line: every column's name in the current language."""
    names = [
        _("Assessment ID"),
        _("Company"),
        _("Contact e-mail"),
        _("Questionnaire"),
        _("Questionnaire version"),
        _("Language"),
        _("Sector"),
        _("Size"),
        _("Region"),
        _("Started (UTC)"),
        _("Submitted (UTC)"),
        _("Review status"),
        _("Assigned advisor"),
        _("Consent (a): counts in benchmarks"),
        _("Consent (b): shared with the centre"),
        _("Consent (c): introductions to partners"),
        _("Urgency"),
        _("Next follow-up"),
        _("Consultation request"),
        _("Introductions to partners"),
        _("Introductions under way"),
        _("Introductions: partner and state"),
        _("Team check: people who answered"),
        _("Team check: largest spread of a topic"),
        _("Overall score"),
        _("Overall level"),
    ]
    for title in dimensions.values():
        names += [
            _("%(dimension)s: score", dimension=title),
            _("%(dimension)s: level", dimension=title),
        ]
    return [neutralise(name) for name in names]


def build_export(filters: Filters, advisor_id: int, sort: str) -> Export:
    """The header now, and the lines of the filtered, sorted list as they are read."""
    versions_query = (
        select(Assessment.questionnaire_version_id)
        .where(*filters.conditions(advisor_id))
        .distinct()
    )
    versions = versions_by_id(db.session.scalars(versions_query))
    newest_first = [versions[key] for key in sorted(versions, reverse=True)]
    dimensions = dimension_titles(newest_first)
    statement = filtered(filters, advisor_id, sort).with_only_columns(*COLUMNS)
    return Export(header(dimensions), _chunks(statement, _labels(versions), list(dimensions)))


def _labels(versions: dict[int, Questionnaire]) -> dict[int, VersionLabels]:
    return {key: VersionLabels.of(questionnaire) for key, questionnaire in versions.items()}


def _chunks(
    statement: Select[Any], labels: dict[int, VersionLabels], dimensions: Sequence[str]
) -> Iterator[list[list[Cell]]]:
    """The lines of cells, read CHUNK assessments at a time with their scores in one query."""
    # Plain columns through Core: no ORM objects to build or to pile up in the session.
    connection = db.session.connection()
    result = connection.execute(statement.execution_options(yield_per=CHUNK))
    statuses = Labels((status, neutralise(status_name(status))) for status in REVIEW_STATUSES)
    statuses.update((status, neutralise(consultation_label(status))) for status in REQUEST_STATUSES)
    statuses.update({True: neutralise(_("Yes")), False: neutralise(_("No"))})
    groups = [dimensions[at : at + JOINED] for at in range(0, len(dimensions), JOINED)]
    queries = [dimension_scores_query(group) for group in groups]
    for partition in result.partitions():
        # A check submitted since the header was made may use a version not yet loaded.
        if missing := {row[3] for row in partition} - labels.keys():
            labels.update(_labels(versions_by_id(missing)))
        ids = [row[0] for row in partition]
        scores = _scores(connection, queries, ids)
        referred = _referral_states(connection, ids)
        yield [
            _cells(row, labels[row[3]], statuses, scores[row[0]], referred.get(row[0]))
            for row in partition
        ]


def _referral_states(connection: Connection, ids: list[int]) -> dict[int, str]:
    """Each assessment's referrals as "partner: state; ...", in the order they were sent."""
    rows = connection.execute(
        select(Referral.assessment_id, Referral.partner, Referral.state)
        .where(Referral.assessment_id.in_(ids))
        .order_by(Referral.created_at, Referral.id)
    )
    found: dict[int, list[str]] = {}
    for number, partner, state in rows:
        name = (partner or {}).get("name") or ""
        found.setdefault(number, []).append(f"{name}: {state_label(state)}")
    return {number: neutralise("; ".join(parts)) for number, parts in found.items()}


def _scores(
    connection: Connection, queries: Sequence[Select[Any]], ids: list[int]
) -> dict[int, tuple[Any, ...]]:
    """The score and level of every dimension, by turns, for each of some assessments."""
    found: dict[int, tuple[Any, ...]] = dict.fromkeys(ids, ())
    for query in queries:  # one query, unless there are more dimensions than joins allowed
        for row in connection.execute(query, {"ids": ids}):
            found[row[0]] += row[1:]
    return found


def dimension_scores_query(dimensions: Sequence[str]) -> Select[Any]:
    """Some assessments' dimension scores, one row each: the id, then score and level by turns."""
    # One join per dimension finds each score by its primary key; in SQLite this is more than
    # twice as fast as a GROUP BY with a CASE per dimension, and makes one row per assessment.
    columns: list[Any] = []
    query = select(Assessment.id)
    for dimension in dimensions:
        score = aliased(DimensionScore)
        query = query.outerjoin(
            score, (score.assessment_id == Assessment.id) & (score.dimension_id == dimension)
        )
        columns += [score.score, score.level]
    return query.add_columns(*columns).where(Assessment.id.in_(bindparam("ids", expanding=True)))


def _cells(
    row: Row[Any],
    version: VersionLabels,
    statuses: Labels,
    scores: Sequence[Any],
    referred: str | None = None,
) -> list[Cell]:
    """One assessment's line: numbers as numbers, times as times, text made harmless."""
    (number, company, email, _version, language, sector, size, region) = row[:8]
    (started, submitted, review, advisor, *consents) = row[8:15]
    (urgency, follow_up, consultation, referrals, under_way) = row[15:20]
    (team_size, team_spread, score, level) = row[20:]
    options = version.options
    dimensions: list[Any] = list(scores)
    dimensions[0::2] = [rounded(value) for value in dimensions[0::2]]
    dimensions[1::2] = [version.levels[value] for value in dimensions[1::2]]
    return [
        number,
        _text(company),
        _text(email),
        version.questionnaire,
        version.version,
        _text(language),
        options["sector"][sector],
        options["size"][size],
        options["region"][region],
        _utc(started),
        _utc(submitted),
        statuses[review],
        _text(advisor),
        *(statuses[bool(consent)] for consent in consents),
        version.urgency[urgency],
        follow_up,
        statuses[consultation],
        referrals,
        under_way,
        referred,
        team_size,
        rounded(team_spread),
        rounded(score),
        version.levels[level],
        *dimensions,
    ]


def _filename(extension: str) -> str:
    return f"digital-check-assessments-{datetime.now(UTC):%Y-%m-%d}.{extension}"


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written: for German Excel, or after RFC 4180 for other programs."""

    delimiter: str
    decimal: str
    #: Times in the app's time zone (BABEL_DEFAULT_TIMEZONE) rather than UTC.
    local_times: bool


CSV_DIALECTS = {
    "excel": CsvDialect(delimiter=";", decimal=",", local_times=True),
    "rfc4180": CsvDialect(delimiter=",", decimal=".", local_times=False),
}


def chosen_dialect() -> CsvDialect:
    """The CSV dialect the query string asks for (RFC 4180 unless told); 400 for any other."""
    dialect = CSV_DIALECTS.get(request.args.get("format", "rfc4180"))
    if dialect is None:
        abort(400, _("Please choose one of the CSV formats offered."))
    return dialect


def csv_download(body: Iterable[str] | str, name: str) -> Response:
    """A CSV file (or its pieces, streamed) as a download that no cache keeps."""
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def xlsx_download(write: Callable[[IO[bytes]], None], name: str) -> Response:
    """A workbook that ``write`` writes into a temporary file, sent as a download."""
    file = tempfile.TemporaryFile()  # noqa: SIM115  (send_file closes it after sending)
    try:
        write(file)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    response = send_file(file, mimetype=XLSX_TYPE, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


def export_csv() -> Response:
    """The filtered list as CSV, written while it is read so that any length needs little memory."""
    dialect = chosen_dialect()
    filters, sort = filters_or_abort()
    export = build_export(filters, current_user.id, sort)
    return csv_download(stream_with_context(csv_text(export, dialect)), _filename("csv"))


def csv_text(export: Export, dialect: CsvDialect = CSV_DIALECTS["rfc4180"]) -> Iterator[str]:
    """The CSV file in pieces: the byte order mark and header, then one piece per chunk.

    Every text is quoted, so that no separator, quote or line break inside one splits it, in
    whichever dialect a spreadsheet opens the file.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, quoting=csv.QUOTE_NONNUMERIC)
    buffer.write("\N{BYTE ORDER MARK}")
    writer.writerow(_dialect_header(export.header, dialect))
    yield _drain(buffer)
    for chunk in export.chunks:
        writer.writerows(in_dialect(cells, dialect) for cells in chunk)
        yield _drain(buffer)


def _dialect_header(names: list[str], dialect: CsvDialect) -> list[str]:
    """The header, with the time zone of the times named."""
    if not dialect.local_times:
        return names
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    local = [_("Started (%(zone)s)", zone=zone), _("Submitted (%(zone)s)", zone=zone)]
    named = list(names)
    for position, name in zip(TIME_CELLS, local, strict=True):
        named[position] = neutralise(name)
    return named


def in_dialect(cells: list[Cell], dialect: CsvDialect) -> list[Cell]:
    """A line's cells as the dialect writes them: times and decimal numbers as text."""
    written: list[Cell] = []
    for cell in cells:
        if isinstance(cell, datetime):
            if dialect.local_times:
                written.append(format_datetime(cell.replace(tzinfo=UTC), "dd.MM.yyyy HH:mm:ss"))
            else:
                written.append(cell.isoformat(sep=" ", timespec="seconds"))
        elif isinstance(cell, date):
            written.append(cell.strftime("%d.%m.%Y") if dialect.local_times else cell.isoformat())
        elif isinstance(cell, float) and dialect.decimal != ".":
            written.append(str(cell).replace(".", dialect.decimal))
        else:
            written.append(cell)
    return written


def _drain(buffer: io.StringIO) -> str:
    """The buffer's text, leaving it empty."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def export_xlsx() -> Response:
    """The filtered list as an Excel workbook, built in a temporary file."""
    filters, sort = filters_or_abort()
    _refuse_too_many(filters, current_app.config["XLSX_MAX_ROWS"])
    export = build_export(filters, current_user.id, sort)
    return xlsx_download(lambda file: write_workbook(file, export), _filename("xlsx"))


def _refuse_too_many(filters: Filters, limit: int) -> None:
    """Refuse a workbook of more lines than can be written while the browser waits."""
    count = db.session.scalar(
        select(func.count(Assessment.id)).where(*filters.conditions(current_user.id))
    )
    if (count or 0) > limit:
        abort(
            413,
            _(
                "The list has %(count)d assessments; the Excel export takes at most %(limit)d. "
                "Narrow the filters, or export the list as CSV, which has no limit.",
                count=count,
                limit=limit,
            ),
        )


def write_workbook(file: IO[bytes], export: Export) -> None:
    """Write the export as one worksheet: a bold, frozen header with filters, then the lines."""
    workbook = Workbook(
        file,
        {
            "constant_memory": True,
            "in_memory": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(_("Assessments"))
    bold = workbook.add_format({"bold": True})
    formats = {
        datetime: workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        date: workbook.add_format({"num_format": "yyyy-mm-dd"}),
        float: workbook.add_format({"num_format": "0.0"}),
    }
    sheet.set_column(0, len(export.header) - 1, 16)
    sheet.set_column(1, 2, 30)
    sheet.freeze_panes(1, 0)
    for column, name in enumerate(export.header):
        sheet.write_string(0, column, name, bold)
    line = 0
    for chunk in export.chunks:
        for cells in chunk:
            line += 1
            write_line(sheet, line, cells, formats)
    sheet.autofilter(0, 0, line, len(export.header) - 1)
    workbook.close()


def write_line(sheet: Any, line: int, cells: list[Cell], formats: dict[type, Any]) -> None:
    """One line of the worksheet; text is always written as text, never as a formula."""
    for column, value in enumerate(cells):
        if value is None:
            continue
        if isinstance(value, str):
            sheet.write_string(line, column, value)
        elif isinstance(value, datetime):
            sheet.write_datetime(line, column, value, formats[datetime])
        elif isinstance(value, date):
            sheet.write_datetime(line, column, value, formats[date])
        elif isinstance(value, float):
            sheet.write_number(line, column, value, formats[float])
        else:
            sheet.write_number(line, column, value)
