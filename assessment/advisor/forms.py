"""Forms of the advisor pages: login, the list's filters, and the review of an assessment."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..catalogue import questionnaires
from ..i18n import local_today, localize
from ..kernel.models import REVIEW_STATUSES
from ..questionnaire import Questionnaire
from ..referrals.models import ANSWERS, STATE_LABELS
from ..textfields import FreeTextField, NoInvisibleCharacters
from .listing import SORTS, Filters
from .models import ACTION_OWNERS, ACTION_STATUSES
from .passwords import MAX_LENGTH

NOTE_LENGTH = 5000
#: Dates outside these are typing errors (and the day after the last would not exist).
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
ACTION_LENGTH = 1000
Choices = list[tuple[str, str]]


class LoginForm(FlaskForm):
    """E-mail address and password."""

    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Length(max=254),
            NoInvisibleCharacters(),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Please enter your password.")),
            Length(max=MAX_LENGTH, message=_l("The password is too long.")),
        ],
    )


def status_name(status: str) -> str:
    """A review status in words."""
    names = {"new": _l("New"), "in_review": _l("In review"), "reviewed": _l("Reviewed")}
    return str(names[status])


def sort_name(sort: str) -> str:
    """A sort order in words."""
    names = {
        "newest": _l("Newest first"),
        "oldest": _l("Oldest first"),
        "company": _l("Company (A-Z)"),
        "score_high": _l("Highest score first"),
        "score_low": _l("Lowest score first"),
        "urgency": _l("Most urgent first"),
        "follow_up": _l("Next follow-up first"),
    }
    return str(names[sort])


class FilterForm(FlaskForm):
    """The list's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Company"), validators=[Optional(), Length(max=200)])
    questionnaire = SelectField(_l("Questionnaire"), validate_choice=True, default="")
    sector = SelectField(_l("Sector"), default="")
    size = SelectField(_l("Size"), default="")
    region = SelectField(_l("Region"), default="")
    level = SelectField(_l("Level"), default="")
    status = SelectField(_l("Status"), default="")
    assigned = SelectField(_l("Assigned to"), default="")
    consultation = SelectField(_l("Consultation"), default="")
    partners = SelectField(_l("Introductions allowed (consent c)"), default="")
    referrals = SelectField(_l("Introductions to partners"), default="")
    urgency = SelectField(_l("Urgency"), default="")
    follow_up = SelectField(_l("Follow-up"), default="")
    submitted_from = DateField(_l("Submitted from"), validators=[Optional()], format="%Y-%m-%d")
    submitted_to = DateField(_l("Submitted until"), validators=[Optional()], format="%Y-%m-%d")
    sort = SelectField(_l("Sort by"), default="newest")
    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1, max=10**6)])

    def fill_choices(self) -> None:
        """Offer the options of the questionnaires served now."""
        catalogue = list(questionnaires().values())
        anything = ("", str(_l("All")))
        self.questionnaire.choices = [anything, *((q.id, localize(q.title)) for q in catalogue)]
        for name in ("sector", "size", "region"):
            getattr(self, name).choices = [anything, *_profile_options(catalogue, name)]
        levels = {level.id: localize(level.label) for q in catalogue for level in q.levels}
        self.level.choices = [anything, *levels.items()]
        self.status.choices = [anything, *((s, status_name(s)) for s in REVIEW_STATUSES)]
        self.assigned.choices = [
            ("", str(_l("Anyone or nobody"))),
            ("me", str(_l("Me"))),
            ("nobody", str(_l("Nobody yet"))),
        ]
        self.consultation.choices = [
            anything,
            ("open", str(_l("Requested, not yet done"))),
            ("any", str(_l("Requested at any time"))),
        ]
        self.partners.choices = [anything, ("yes", str(_l("Yes"))), ("no", str(_l("No")))]
        self.referrals.choices = [
            anything,
            ("open", str(_l("Under way"))),
            ("any", str(_l("Introduced at any time"))),
        ]
        self.urgency.choices = [anything, *_urgency_options(catalogue)]
        self.follow_up.choices = [
            anything,
            ("overdue", str(_l("Overdue"))),
            ("planned", str(_l("A step with a due date is open"))),
        ]
        self.sort.choices = [(key, sort_name(key)) for key in SORTS]

    def validate(self, extra_validators: object = None) -> bool:  # type: ignore[override]
        """Check every field, and that the date range is not reversed."""
        valid = super().validate()
        for field in (self.submitted_from, self.submitted_to):
            if field.data and not EARLIEST <= field.data <= LATEST:
                field.errors = [
                    *field.errors,
                    str(_l("Please enter a date between 1900 and 2999.")),
                ]
                field.data = None
                valid = False
        start, end = self.submitted_from.data, self.submitted_to.data
        if start and end and start > end:
            self.submitted_to.errors = [
                *self.submitted_to.errors,
                str(_l("The end date must not be before the start date.")),
            ]
            valid = False
        return valid

    def filters(self) -> Filters:
        """The filters of the fields that are valid; a field with an error filters nothing."""

        def value(name: str) -> str:
            field = self[name]
            return "" if field.errors or not field.data else str(field.data)

        dates_ok = not self.submitted_from.errors and not self.submitted_to.errors
        return Filters(
            search=value("q").strip(),
            questionnaire=value("questionnaire"),
            sector=value("sector"),
            size=value("size"),
            region=value("region"),
            level=value("level"),
            status=value("status"),
            assigned=value("assigned"),
            consultation=value("consultation"),
            partners=value("partners"),
            referrals=value("referrals"),
            urgency=value("urgency"),
            follow_up=value("follow_up"),
            submitted_from=self.submitted_from.data if dates_ok else None,
            submitted_to=self.submitted_to.data if dates_ok else None,
            timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
            today=local_today(),
        )

    @property
    def sort_key(self) -> str:
        """The chosen sort order (newest first when the choice is invalid)."""
        return self.sort.data if not self.sort.errors and self.sort.data in SORTS else "newest"

    @property
    def page_number(self) -> int:
        """The chosen page (the first when the choice is invalid)."""
        return self.page.data if not self.page.errors and self.page.data else 1


#: The query-string parameters that the filter form reads.
FILTER_NAMES = (
    "q",
    "questionnaire",
    "sector",
    "size",
    "region",
    "level",
    "status",
    "assigned",
    "consultation",
    "partners",
    "referrals",
    "urgency",
    "follow_up",
    "submitted_from",
    "submitted_to",
    "sort",
    "page",
)


def filter_args(args: Mapping[str, str], *, leave_out: Iterable[str] = ()) -> dict[str, str]:
    """The filter parameters of a query string, without any others (for links to other pages)."""
    skipped = set(leave_out)
    return {name: args[name] for name in FILTER_NAMES if name in args and name not in skipped}


def _profile_options(catalogue: Iterable[object], question_id: str) -> Choices:
    """The options of a profile question across the served questionnaires."""
    found: dict[str, str] = {}
    for questionnaire in catalogue:
        question = questionnaire.question_index.get(question_id)  # type: ignore[attr-defined]
        for option in getattr(question, "options", ()) or ():
            found.setdefault(option.id, localize(option.label))
    return list(found.items())


def _urgency_options(catalogue: Iterable[Questionnaire]) -> Choices:
    """The options of the urgency questions of the served questionnaires, most urgent first."""
    found: dict[str, str] = {}
    for questionnaire in catalogue:
        question = questionnaire.urgency_question()
        for option in reversed(question.options if question else ()):
            found.setdefault(option.id, localize(option.label))
    return list(found.items())


class FundingPeriodForm(FlaskForm):
    """The period of the funding page's counts, read from the query string (no CSRF token)."""

    class Meta:
        csrf = False

    shown_from = DateField(_l("Submitted from"), validators=[Optional()], format="%Y-%m-%d")
    shown_to = DateField(_l("Submitted until"), validators=[Optional()], format="%Y-%m-%d")

    def validate_shown_from(self, field: DateField) -> None:
        """A real day, not a typing error."""
        if field.data and not EARLIEST <= field.data <= LATEST:
            raise ValidationError(str(_l("Please enter a date between 1900 and 2999.")))

    def validate_shown_to(self, field: DateField) -> None:
        """A real day, and not before the start of the period."""
        self.validate_shown_from(field)
        if field.data and self.shown_from.data and field.data < self.shown_from.data:
            raise ValidationError(str(_l("The end of the period must not be before its start.")))


class StatusForm(FlaskForm):
    """Move the review along: new, in review, reviewed."""

    status = SelectField(_l("Review status"), validators=[InputRequired()])

    def fill_choices(self) -> None:
        """The three review statuses."""
        self.status.choices = [(s, status_name(s)) for s in REVIEW_STATUSES]


class AssignForm(FlaskForm):
    """Who follows the company up."""

    advisor = SelectField(_l("Assigned advisor"), default="")


class NoteForm(FlaskForm):
    """A note on the assessment."""

    text = FreeTextField(
        _l("Note"),
        validators=[
            DataRequired(_l("Please write the note.")),
            Length(max=NOTE_LENGTH, message=_l("A note may have at most %(max)d characters.")),
        ],
    )


#: Who carries out an action item, in words.
OWNER_LABELS = {"advisor": _l("The centre's advisor"), "firm": _l("The company")}
#: An action item's status, in words.
ACTION_STATUS_LABELS = {"open": _l("open"), "done": _l("done")}


def owner_label(owner: str) -> str:
    """Who carries out an action item, in words."""
    return str(OWNER_LABELS.get(owner, owner))


class ActionForm(FlaskForm):
    """A new step of the advisor's action plan: what, by when, and who does it."""

    text = FreeTextField(
        _l("Action item"),
        validators=[
            DataRequired(_l("Please describe the step.")),
            Length(max=ACTION_LENGTH, message=_l("A step may have at most %(max)d characters.")),
        ],
    )
    due_on = DateField(
        _l("Due on (optional)"),
        validators=[Optional()],
        format="%Y-%m-%d",
        description=_l("The earliest open step's date is the company's next follow-up."),
    )
    owner = SelectField(
        _l("Who does it"),
        choices=[SelectChoice(key, OWNER_LABELS[key]) for key in ACTION_OWNERS],
        default="advisor",
    )

    def validate_due_on(self, field: DateField) -> None:
        """A due date is a real day, not a typing error."""
        if field.data and not EARLIEST <= field.data <= LATEST:
            raise ValidationError(str(_l("Please enter a date between 1900 and 2999.")))


class ActionEditForm(ActionForm):
    """An action item changed: its text, due date, who does it, and whether it is done."""

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(key, ACTION_STATUS_LABELS[key]) for key in ACTION_STATUSES],
        default="open",
    )


class ActionStatusForm(FlaskForm):
    """Mark an action item done, or open again, with one button."""

    status = HiddenField(validators=[AnyOf(ACTION_STATUSES)])


class ShareActionsForm(FlaskForm):
    """Whether the advisor's action items appear in the company's report and PDF."""

    include = BooleanField(_l("Show these steps in the company's report and PDF"))


class NotificationForm(FlaskForm):
    """Which e-mails the advisor wants."""

    notify_requests = BooleanField(_l("An e-mail on every new consultation request"))
    daily_digest = BooleanField(
        _l("A daily e-mail listing the checks newly shared with the centre")
    )


class IntroductionForm(FlaskForm):
    """The introduction's text; the partners come as checked boxes named ``partner``."""

    introduction = FreeTextField(
        _l("The introduction"),
        validators=[
            InputRequired(message=_l("Please write the introduction.")),
            Length(max=5000, message=_l("Please use at most 5000 characters.")),
        ],
    )


class ReferralAnswerForm(FlaskForm):
    """An answer of the partner that the advisor records (e.g. after a telephone call)."""

    state = SelectField(
        _l("The partner's answer"),
        choices=[SelectChoice(state, STATE_LABELS[state]) for state in ANSWERS],
        validators=[InputRequired()],
    )
    reason = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])
