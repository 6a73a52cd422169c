"""Advisor pages: one assessment (being written)."""

from .blueprint import bp


@bp.get("/assessments/<int:assessment_id>")
def assessment(assessment_id: int) -> str:
    """Placeholder."""
    return ""
