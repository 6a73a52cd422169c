"""The report's forms: the report by e-mail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField
from wtforms.validators import InputRequired

from ..textfields import email_validators


class SendReportForm(FlaskForm):
    """The address to send the report's link to, and whether the PDF goes along."""

    email = EmailField(
        _l("Your e-mail address"),
        validators=[
            InputRequired(message=_l("Please enter the e-mail address to send the report to.")),
            *email_validators(),
        ],
    )
    attach_pdf = BooleanField(_l("Attach the report as a PDF"))
