from pathlib import Path

from ..survey.helpers import Respondent


def test_pdf(submitted: Respondent) -> None:
    Path("/tmp/report.pdf").write_bytes(submitted.client.get(submitted.url("/report.pdf")).data)
