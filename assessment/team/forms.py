"""The team check's forms: joining with a role, and the coordinator's buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from .models import ROLE_LABELS, ROLES


class JoinForm(FlaskForm):
    """A colleague's role, and whether the results may be shown by role."""

    role = SelectField(
        _l("Your role in the company"),
        choices=[
            SelectChoice("", _l("Please choose")),
            *(SelectChoice(r, ROLE_LABELS[r]) for r in ROLES),
        ],
        validators=[InputRequired(_l("Please choose your role."))],
        default="",
    )
    consent_role = BooleanField(
        _l(
            "The report may show results for my role, where at least two colleagues share it "
            "and all of them agree"
        )
    )
