"""Markup the question templates repeat for every option, built in Python for speed."""

from __future__ import annotations

from markupsafe import Markup, escape

from ..i18n import localize
from ..questionnaire.questions.base import Option
from .fields import QuestionField

_CHOICE = (
    '<div class="choice">\n'
    '<input type="{kind}" id="{id}" name="{name}" value="{value}"{exclusive}{checked}>\n'
    '<label for="{id}">{label}</label>\n'
    "</div>"
)


def choice(
    kind: str, name: str, option: Option, id: str, field: QuestionField, exclusive: bool = False
) -> Markup:
    """One radio button or checkbox with its label; checked when the field shows it chosen
    (the field may give a marker instead, see partials.py)."""
    # Every value is escaped before it goes into the markup.
    return Markup(  # nosec B704
        _CHOICE.format(
            kind=escape(kind),
            id=escape(id),
            name=escape(name),
            value=escape(option.id),
            exclusive=" data-exclusive" if exclusive else "",
            checked=field.checked(name, option.id),
            label=escape(localize(option.label)),
        )
    )
