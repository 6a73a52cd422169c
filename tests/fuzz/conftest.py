"""Fixtures of the fuzz tests: those of the web and advisor tests, and a respondent's token."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ..advisor.conftest import ada, add_assessment, advisor_app, module_app
from ..survey.conftest import owner, small_app
from ..survey.helpers import Respondent, csrf_token

__all__ = [
    "FuzzedRespondent",
    "ada",
    "add_assessment",
    "advisor_app",
    "module_app",
    "owner",
    "respondent",
    "small_app",
]


@dataclass
class FuzzedRespondent:
    """An owner of the small check and the CSRF token of their session (it never expires)."""

    owner: Respondent
    token: str


@pytest.fixture
def respondent(owner: Respondent) -> FuzzedRespondent:
    """An owner who has started the small check, with the CSRF token of their session."""
    return FuzzedRespondent(owner, csrf_token(owner.step(0)))
