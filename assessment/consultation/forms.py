"""The consultation request form."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from ..textfields import FreeTextField, NoInvisibleCharacters, email_validators
from .models import WAY_LABELS

PHONE_PATTERN = r"^\+?[0-9 ()/-]{5,40}$"


class ConsultationForm(FlaskForm):
    """How and when to be contacted, a message, and (if not given yet) the consent to show the
    result to the centre's advisors."""

    way = RadioField(
        _l("How would you like to be contacted?"),
        choices=[SelectChoice(way, label) for way, label in WAY_LABELS.items()],
        validators=[InputRequired(message=_l("Please choose how we should contact you."))],
    )
    preferred_time = StringField(
        _l("When are you best reached? (optional)"),
        validators=[
            Optional(),
            Length(max=200, message=_l("Please use at most 200 characters.")),
            NoInvisibleCharacters(),
        ],
    )
    message = FreeTextField(
        _l("What would you like to talk about? (optional)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Please use at most 2000 characters.")),
        ],
    )
    email = EmailField(
        _l("Your e-mail address"),
        validators=[
            InputRequired(message=_l("Please enter your e-mail address for the confirmation.")),
            *email_validators(),
        ],
    )
    phone = StringField(
        _l("Your telephone number (needed for a call)"),
        validators=[
            Optional(),
            NoInvisibleCharacters(),
            Regexp(
                PHONE_PATTERN, message=_l("Please enter a telephone number such as 02941 123456.")
            ),
        ],
    )
    consent_advisors = BooleanField(_l("Share my result with the advisors of the centre"))

    def validate(self, extra_validators: Any = None) -> bool:
        """Every field as declared; and a call needs a number."""
        valid = super().validate(extra_validators)
        if self.way.data == "phone" and not (self.phone.data or "").strip():
            self.phone.errors = [
                *self.phone.errors,
                str(_l("Please enter the number we should call.")),
            ]
            valid = False
        return valid
