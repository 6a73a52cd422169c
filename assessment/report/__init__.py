"""The report: scores, charts, advice, partners, benchmark, change, and the PDF."""
