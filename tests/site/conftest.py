"""Fixtures for the site's own pages (errors, legal pages, headers): those of the survey's tests."""

from ..survey.conftest import owner, sample_owner, small_app

__all__ = ["owner", "sample_owner", "small_app"]
