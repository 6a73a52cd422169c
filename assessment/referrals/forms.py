"""The partner's answer to a referral."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ..textfields import FreeTextField
from .models import ANSWERS, STATE_LABELS


class AnswerForm(FlaskForm):
    """Where the referral stands, and (for a refusal, or at will) why."""

    state = RadioField(
        _l("Where does it stand?"),
        choices=[SelectChoice(state, STATE_LABELS[state]) for state in ANSWERS],
        validators=[InputRequired(message=_l("Please choose where the referral stands."))],
    )
    reason = FreeTextField(
        _l("Reason or note (optional; for a refusal please say why)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Please use at most 2000 characters.")),
        ],
    )
