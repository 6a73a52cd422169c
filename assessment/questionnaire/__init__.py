"""The questionnaire core: format, validation, conditions, scoring and matching. No Flask here."""

from __future__ import annotations

from .centre import Centre, Contact
from .loading.loader import CheckResult, check_file, load_centre, load_directory, load_questionnaire
from .loading.problems import Problem, QuestionnaireError
from .models import Dimension, Level, Questionnaire, Recommendation
from .partners import Partner, PartnerDirectory, Topic
from .questions import QUESTION_TYPES, AnswerError, QuestionBase
from .text import Text

__all__ = [
    "QUESTION_TYPES",
    "AnswerError",
    "Centre",
    "CheckResult",
    "Contact",
    "Dimension",
    "Level",
    "Partner",
    "PartnerDirectory",
    "Problem",
    "QuestionBase",
    "Questionnaire",
    "QuestionnaireError",
    "Recommendation",
    "Text",
    "Topic",
    "check_file",
    "load_centre",
    "load_directory",
    "load_questionnaire",
]
