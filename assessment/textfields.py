"""Form pieces for what people type: names and addresses without invisible characters, and
free text that has them removed (and says so)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, TextAreaField
from wtforms.validators import Length, Regexp, ValidationError

from .questionnaire.cleantext import has_invisible, without_invisible

INVISIBLE_MESSAGE = _l(
    "Please remove the invisible control or text-direction characters from this field "
    "(they are often copied along from other programs)."
)
REMOVED_MESSAGE = _l(
    "Invisible control or text-direction characters were removed from what you wrote."
)


class NoInvisibleCharacters:
    """Refuses a single-line value (a name, an e-mail address) with control characters,
    line breaks or marks that reverse the direction of text."""

    def __call__(self, form: Form, field: Field) -> None:
        if isinstance(field.data, str) and has_invisible(field.data, single_line=True):
            raise ValidationError(str(INVISIBLE_MESSAGE))


class FreeTextField(TextAreaField):
    """A text area whose value loses control and direction-override characters; ``cleaned``
    tells whether any were removed, for the page to say so."""

    cleaned = False

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Take the text as sent, line breaks as LF, without invisible characters."""
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            text = self.data.replace("\r\n", "\n")
            self.data = without_invisible(text)
            self.cleaned = self.data != text


EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def email_validators() -> list[Any]:
    """An e-mail address as a person types it: one line, at most 254 characters, name@domain."""
    return [
        Length(max=254, message=_l("Please use at most 254 characters.")),
        NoInvisibleCharacters(),
        Regexp(
            EMAIL_PATTERN, message=_l("Please enter an e-mail address such as name@example.org.")
        ),
    ]
