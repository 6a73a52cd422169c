"""Advisor pages: cohort statistics (being written)."""

from .blueprint import bp


@bp.get("/statistics")
def statistics() -> str:
    """Placeholder until the statistics are written."""
    return ""
