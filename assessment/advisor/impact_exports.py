"""The impact figures as CSV and XLSX downloads, for a funder's report.

The figures leave the centre, so each one must aggregate at least ``MIN_FIRMS`` firms: a count
that rests on one to four firms is withheld, and so are a rate or median computed from fewer; a
sector with fewer firms with a repeat check is left out. Where a line of counts adds up to a
total that is given (the stages of a month add up over the months, a partner's states add up to
its referrals), a single withheld count could be worked out from the others, so the smallest
other count of that line is withheld with it.

The workbook has a sheet per figure, as the page shows it; the CSV has the same cells one per
line (figure, group, measure, value, note), in the dialects and with the formula-injection
safety of the list's export (exports.py), whose helpers write both files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from flask import Response, abort
from flask_babel import gettext as _
from flask_login import current_user
from xlsxwriter import Workbook

from ..referrals.models import STATES, state_label
from .cohort import labelling_questionnaire
from .exports import (
    Cell,
    CsvDialect,
    chosen_dialect,
    csv_download,
    in_dialect,
    neutralise,
    rounded,
    write_line,
    xlsx_download,
)
from .impact import MIN_FIRMS, STAGES, FunnelRow, Tally, stage_label
from .impact_figures import ImpactFigures, impact_figures
from .impact_referrals import ReferralGroup
from .listing import Filters
from .statistics import filter_form


class Withheld:
    """A figure not given because it rests on fewer than MIN_FIRMS firms."""

    def __repr__(self) -> str:
        return "WITHHELD"


WITHHELD = Withheld()
Value = Cell | Withheld
#: Characters a worksheet's name may not hold.
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


@dataclass
class Sheet:
    """One figure as a table: its title, the column names, and a line per group."""

    title: str
    header: list[str]
    lines: list[list[Value]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def withheld_note() -> str:
    """What a withheld figure means, in the current language."""
    return _(
        "withheld: the figure rests on fewer than %(min)d firms and is not given, so that no "
        "firm can be recognised",
        min=MIN_FIRMS,
    )


def _count(tally: Tally) -> Value:
    return tally.count if tally.disclosable else WITHHELD


def _protected(counts: list[Tally]) -> list[Value]:
    """A line of counts that adds up to a given total: a lone withheld count takes the smallest
    other non-zero count with it, so that it cannot be worked out by subtraction."""
    cells = [_count(tally) for tally in counts]
    if sum(cell is WITHHELD for cell in cells) == 1:
        shown = [(cell, at) for at, cell in enumerate(cells) if cell not in (WITHHELD, 0)]
        if shown:
            cells[min(shown)[1]] = WITHHELD
    return cells


def _columns_protected(lines: list[list[Value]], tallies: list[list[Tally]]) -> None:
    """Protect each column of a table whose lines add up to a given total (see _protected)."""
    for column in range(len(tallies[0]) if tallies else 0):
        cells = _protected([line[column] for line in tallies])
        for line, cell in zip(lines, cells, strict=True):
            if cell is WITHHELD:
                line[column + 1] = WITHHELD


def funnel_sheets(figures: ImpactFigures) -> list[Sheet]:
    """The funnel in all, per month started and per municipality."""
    stages = [stage_label(stage) for stage in STAGES]
    funnel = figures.funnel
    total = Sheet(_("Funnel"), [_("Stage"), _("Checks"), _("Firms")])
    for stage, tally in zip(stages, funnel.total.stages, strict=True):
        given = tally.disclosable
        total.lines.append([stage, _count(tally), tally.firms if given else WITHHELD])
    months = _funnel_sheet(_("Funnel per month"), _("Month started (UTC)"), stages, funnel.months)
    regions = _funnel_sheet(_("Funnel per municipality"), _("Municipality"), stages, funnel.regions)
    return [total, months, regions]


def _funnel_sheet(title: str, heading: str, stages: list[str], rows: Sequence[FunnelRow]) -> Sheet:
    """A funnel per group: a line per month or municipality, a column per stage."""
    sheet = Sheet(title, [heading, *stages])
    sheet.lines = [[neutralise(row.label), *(_count(t) for t in row.stages)] for row in rows]
    _columns_protected(sheet.lines, [list(row.stages) for row in rows])
    return sheet


def referral_sheets(figures: ImpactFigures) -> list[Sheet]:
    """The referrals per partner (with the total) and per topic."""
    header = [
        _("Referrals"),
        _("Answered"),
        _("Answer rate (%)"),
        _("Median days to the first answer"),
        *(state_label(state) for state in STATES),
    ]
    referrals = figures.referrals
    partners = Sheet(_("Referrals per partner"), [_("Partner"), *header])
    partners.lines = [_referral_line(g) for g in (*referrals.partners, referrals.total)]
    topics = Sheet(_("Referrals per topic"), [_("Topic"), *header])
    topics.lines = [_referral_line(group) for group in referrals.topics]
    topics.notes.append(_("A referral counts once under each topic of its partner."))
    return [partners, topics]


def _referral_line(group: ReferralGroup) -> list[Value]:
    """One partner's or topic's line: counts, rate, median, outcomes."""
    enough = group.referrals.firms >= MIN_FIRMS
    median = group.median_days if group.answered.firms >= MIN_FIRMS else None
    return [
        neutralise(group.label),
        _count(group.referrals),
        _count(group.answered),
        rounded(group.answer_rate * 100) if enough else WITHHELD,
        rounded(median) if median is not None else (WITHHELD if group.answered.count else None),
        *_protected(list(group.outcomes)),
    ]


def change_sheet(figures: ImpactFigures) -> Sheet:
    """The median change per topic: all firms and the sectors with enough firms."""
    change = figures.change
    groups = [group for group in (change.everyone, *change.sectors) if group.shown]
    sheet = Sheet(_("Change per topic"), [_("Topic"), *(neutralise(g.label) for g in groups)])
    sheet.lines.append([_("Firms"), *(group.firms for group in groups)])
    for topic_id, label in change.topics:
        cells: list[Value] = [neutralise(label)]
        for group in groups:
            found = group.by_topic.get(topic_id)
            cells.append(rounded(found.median) if found and found.shown else WITHHELD)
        sheet.lines.append(cells)
    sheet.notes.append(
        _(
            "Median change in points (latest check minus first) of the firms with at least two "
            "shared checks; groups of fewer than %(min)d firms are left out.",
            min=MIN_FIRMS,
        )
    )
    return sheet


def filter_sheet() -> Sheet:
    """The filters the figures were made with, as the page's form names them."""
    form, _valid = filter_form()
    sheet = Sheet(_("Filters"), [_("Filter"), _("Value")])
    for item in form:
        if item.data and item.name != "page":
            shown = dict(item.choices).get(item.data) if hasattr(item, "choices") else None
            sheet.lines.append(
                [neutralise(str(item.label.text)), neutralise(str(shown or item.data))]
            )
    if not sheet.lines:
        sheet.lines.append([_("None"), ""])
    sheet.notes.append(
        _(
            "The period selects the checks by the day they were started (funnel), the referrals "
            "by the day they were sent, and each firm's latest check (change)."
        )
    )
    return sheet


def impact_sheets(figures: ImpactFigures) -> list[Sheet]:
    """Every sheet of the export, each with the note on withheld figures where it has any."""
    sheets = [filter_sheet(), *funnel_sheets(figures), *referral_sheets(figures)]
    sheets.append(change_sheet(figures))
    for sheet in sheets:
        if any(cell is WITHHELD for line in sheet.lines for cell in line):
            sheet.notes.append(withheld_note())
    return sheets


def _filters_or_abort() -> Filters:
    """The page's filters from the query string; 400 naming any filter in error."""
    form, valid = filter_form()
    if not valid:
        problems = [f"{form[name].label.text}: {errors[0]}" for name, errors in form.errors.items()]
        abort(
            400, _("The figures could not be exported: %(problems)s", problems="; ".join(problems))
        )
    return form.filters()


def _figures() -> ImpactFigures:
    filters = _filters_or_abort()
    return impact_figures(filters, current_user.id, labelling_questionnaire(filters))


def _filename(extension: str) -> str:
    return f"digital-check-impact-{datetime.now(UTC):%Y-%m-%d}.{extension}"


def csv_lines(sheets: Sequence[Sheet]) -> Iterator[list[Cell]]:
    """The sheets' cells one per line: figure, group, measure, value and a note."""
    yield [_("Figure"), _("Group"), _("Measure"), _("Value"), _("Note")]
    for sheet in sheets:
        for line in sheet.lines:
            for name, cell in zip(sheet.header[1:], line[1:], strict=True):
                if cell is WITHHELD:
                    yield [sheet.title, line[0], name, None, withheld_note()]
                else:
                    yield [sheet.title, line[0], name, cell, None]  # type: ignore[list-item]
        for note in sheet.notes:
            yield [sheet.title, None, None, None, note]


def csv_file(lines: Iterator[list[Cell]], dialect: CsvDialect) -> str:
    """A CSV file as the list's export writes one: a byte order mark, every text quoted."""
    buffer = io.StringIO()
    buffer.write("\N{BYTE ORDER MARK}")
    writer = csv.writer(buffer, delimiter=dialect.delimiter, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerows(in_dialect([_safe(cell) for cell in line], dialect) for line in lines)
    return buffer.getvalue()


def _safe(cell: Cell) -> Cell:
    return neutralise(cell) if isinstance(cell, str) else cell


def impact_csv() -> Response:
    """The impact figures as CSV, in the dialect chosen (RFC 4180 unless Excel is asked for)."""
    dialect = chosen_dialect()
    return csv_download(csv_file(csv_lines(impact_sheets(_figures())), dialect), _filename("csv"))


def impact_xlsx() -> Response:
    """The impact figures as an Excel workbook: a sheet per figure."""
    sheets = impact_sheets(_figures())
    return xlsx_download(lambda file: write_sheets(file, sheets), _filename("xlsx"))


def write_sheets(file: IO[bytes], sheets: Sequence[Sheet]) -> None:
    """Write each sheet: a bold header, the lines (withheld cells say so), the notes below."""
    workbook = Workbook(
        file,
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    formats: dict[type, Any] = {float: workbook.add_format({"num_format": "0.0"})}
    withheld = _("withheld")
    for sheet in sheets:
        worksheet = workbook.add_worksheet(_sheet_name(sheet.title))
        worksheet.set_column(0, 0, 36)
        worksheet.set_column(1, len(sheet.header) - 1, 14)
        for column, name in enumerate(sheet.header):
            worksheet.write_string(0, column, name, bold)
        for number, line in enumerate(sheet.lines, start=1):
            cells = [withheld if cell is WITHHELD else _safe(cell) for cell in line]
            write_line(worksheet, number, cells, formats)  # type: ignore[arg-type]
        for offset, note in enumerate(sheet.notes, start=len(sheet.lines) + 2):
            worksheet.write_string(offset, 0, neutralise(note))
    workbook.close()


def _sheet_name(title: str) -> str:
    """A worksheet's name: without the characters Excel refuses, at most 31 long."""
    return title.translate(SHEET_NAME_FORBIDDEN)[:31]
