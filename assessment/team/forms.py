"""The team check's forms: joining with a role, and the coordinator's buttons."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..textfields import FreeTextField


class JoinForm(FlaskForm):
    """A colleague's role, and whether the results may be shown by role."""

    role = SelectField(
        _l("Your role in the company"),
        validators=[InputRequired(_l("Please choose your role."))],
        default="",
    )

    def fill_choices(self, roles: dict[str, str]) -> None:
        """The roles of the questionnaire, after an empty first choice."""
        self.role.choices = [
            SelectChoice("", str(_l("Please choose"))),
            *(SelectChoice(k, v) for k, v in roles.items()),
        ]

    consent_role = BooleanField(
        _l(
            "The report may show results for my role, where at least two colleagues share it "
            "and all of them agree"
        )
    )


#: Invitations sent at once, at most.
MAX_INVITATIONS = 20


class InviteForm(FlaskForm):
    """Colleagues' e-mail addresses, to send them the team link."""

    addresses = FreeTextField(
        _l("Your colleagues' e-mail addresses"),
        description=_l("One per line, or separated by commas; at most 20 at once."),
        validators=[
            DataRequired(_l("Please enter at least one e-mail address.")),
            Length(max=5000, message=_l("Please enter at most 20 addresses at once.")),
        ],
    )

    def chosen(self) -> list[str]:
        """The addresses entered, each once, in their order."""
        parts = re.split(r"[\s,;]+", self.addresses.data or "")
        return list(dict.fromkeys(part for part in parts if part))

    def validate_addresses(self, field: FreeTextField) -> None:
        """At most MAX_INVITATIONS addresses."""
        if len(self.chosen()) > MAX_INVITATIONS:
            raise ValidationError(str(_l("Please enter at most 20 addresses at once.")))
