"""An owner's "send it to me by e-mail" form, read the same way wherever it stands: the address
is checked, the limit counted, the message queued, and every refusal said on the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from .compose import AddressError
from .limits import TooManyMessages


def email_summary(form: FlaskForm) -> list[tuple[str, str, str]]:
    """(anchor, field, message) for the error summary of a form with an `email` field."""
    field = form["email"]
    return [(field.id, str(field.label.text), message) for message in field.errors]


def answer_send_form(
    form: FlaskForm,
    send: Callable[[str], None],
    render: Callable[[FlaskForm], str],
    *,
    sent: Callable[[str], str],
    too_many: str,
    then: str,
) -> Any:
    """Queue the message to the form's address with ``send``, say ``sent(address)`` and go to
    ``then``; or show the form again (``render``) with what is wrong: 400, or 429 past the limit."""
    if not form.validate():
        return render(form), 400
    address = form["email"].data.strip()
    try:
        send(address)
    except AddressError:
        form["email"].errors.append(_("Please enter an e-mail address such as name@example.org."))
        return render(form), 400
    except TooManyMessages:
        form["email"].errors.append(too_many)
        return render(form), 429
    flash(sent(address), "info")
    return redirect(then)
