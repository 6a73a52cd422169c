"""Advisor pages: exports of the filtered list (being written)."""

from .blueprint import bp


@bp.get("/export.csv")
def export_csv() -> str:
    """Placeholder until the export is written."""
    return ""


@bp.get("/export.xlsx")
def export_xlsx() -> str:
    """Placeholder until the export is written."""
    return ""
