"""Step forms, built per request, and reading a submitted page into answers and errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional

from ..kernel.kept import KeptPerObject
from ..kernel.models import CONSENTS
from ..questionnaire import AnswerError, QuestionBase, Questionnaire
from ..questionnaire.cleantext import has_invisible
from ..questionnaire.conditions import visible_answers
from ..questionnaire.pages import PageQuestion, is_missing
from ..questionnaire.questions import TextQuestion
from ..textfields import NoInvisibleCharacters, email_validators
from .fields import QuestionField


class ConsentFields(FlaskForm):
    """The three consents, each separate and none ticked in advance (the model's default)."""

    consent_benchmark = BooleanField(
        _l("Include my result, anonymised, in the comparison with other companies")
    )
    consent_advisors = BooleanField(_l("Share my result with the advisors of the centre"))
    consent_partners = BooleanField(
        _l("Let the centre introduce my company to recommended network partners")
    )

    def chosen(self) -> dict[str, bool]:
        """The consents as ticked: benchmark, advisors, partners."""
        return {name: bool(self[f"consent_{name}"].data) for name in CONSENTS}


class SendLinkForm(FlaskForm):
    """The address to send the personal link to, and where to return afterwards."""

    email = EmailField(
        _l("Your e-mail address"),
        validators=[
            InputRequired(message=_l("Please enter the e-mail address to send the link to.")),
            *email_validators(),
        ],
    )
    back = HiddenField()


class ProfileFields(ConsentFields):
    """The fixed part of the profile page: company, contact and the three consents."""

    company_name = StringField(
        _l("Company name (optional)"),
        validators=[
            Optional(),
            Length(max=200, message=_l("Please use at most 200 characters.")),
            NoInvisibleCharacters(),
        ],
    )
    contact_email = EmailField(
        _l("Contact e-mail (optional)"), validators=[Optional(), *email_validators()]
    )


PROFILE_FIELDS = (
    "company_name",
    "contact_email",
    "consent_benchmark",
    "consent_advisors",
    "consent_partners",
)


#: The form classes a process keeps: up to 512 (pages x the sets of questions their
#: conditions show).
_forms: KeptPerObject[type[FlaskForm]] = KeptPerObject(512)


def build_step_form(page: list[PageQuestion], *, profile: bool) -> type[FlaskForm]:
    """The form class of one page: a field per shown question (and the profile fields).

    A class is made once per set of questions and kept: WTForms collects a class's fields
    when it is first used, which costs more than the rest of reading a form. Nothing changes
    a class once made; each request makes an instance of its own.
    """
    questions = tuple(shown.question for shown in page)
    return _forms.get(questions, lambda: _step_form(questions, profile=profile), profile)


def _step_form(questions: tuple[QuestionBase, ...], *, profile: bool) -> type[FlaskForm]:
    """A new form class with a field per question (and the profile fields)."""
    base = ProfileFields if profile else FlaskForm

    class StepForm(base):  # type: ignore[misc, valid-type]
        class Meta:
            # CSRFProtect has checked the token of every post before the view runs; the page
            # puts the session's token in the form itself (csrf_token() in step.html).
            csrf = False

    for question in questions:
        setattr(StepForm, question.id, QuestionField(question))
    return StepForm


@dataclass
class PageResult:
    """What a submitted page says: answers by question id (None: no answer) and errors by field."""

    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    #: Text answers that had invisible characters removed.
    cleaned: list[str] = field(default_factory=list)
    #: Every answer that stays visible once the page is saved (the stored ones and the page's).
    visible: dict[str, Any] = field(default_factory=dict)


def read_page(
    form: FlaskForm,
    page: list[PageQuestion],
    questionnaire: Questionnaire,
    stored: Mapping[str, Any],
    *,
    require: bool,
) -> PageResult:
    """Read every question of the page; check required answers only when ``require`` is set.

    A question whose condition turns out false (for the answers now given) is ignored,
    errors included, and its answer dropped.
    """
    result = PageResult()
    for shown in page:
        question_field: QuestionField = form[shown.question.id]
        raw = question_field.data
        if isinstance(shown.question, TextQuestion) and isinstance(raw, str) and has_invisible(raw):
            result.cleaned.append(shown.question.id)
        try:
            result.answers[shown.question.id] = shown.question.read_answer(question_field.data)
        except AnswerError as error:
            result.answers[shown.question.id] = None
            result.errors[shown.question.id] = [
                question_field.adapter.message(error, shown.question)
            ]
    merged = {**stored, **result.answers}
    merged = {key: value for key, value in merged.items() if value is not None}
    visible = result.visible = visible_answers(questionnaire, merged)
    for shown in page:
        question = shown.question
        if question.id not in visible and question.id in merged:
            result.answers[question.id] = None
            result.errors.pop(question.id, None)
        elif (
            require
            and question.id not in result.errors
            and is_missing(question, visible, questionnaire)
        ):
            partial = visible.get(question.id) is not None
            result.errors[question.id] = [
                _l("Please answer every row.") if partial else _l("Please answer this question.")
            ]
    if isinstance(form, ProfileFields):
        for name in PROFILE_FIELDS:
            if form[name].errors:
                result.errors[name] = list(form[name].errors)
    return result
