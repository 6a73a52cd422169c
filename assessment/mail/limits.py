"""How often owners may have a message sent: per check and per address, within an hour."""

from __future__ import annotations

from flask import current_app

from ..extensions import db
from ..ratelimit import take

#: The window of the limits, in minutes.
WINDOW_MINUTES = 60


class TooManyMessages(Exception):
    """The check or the address has had as many messages in the last hour as allowed."""


def count_message(
    kind: str, assessment_id: int, address: str, per_check: int | None = None
) -> None:
    """Count one more message of ``kind`` for the check and for the address (in the caller's
    transaction); TooManyMessages, with the transaction rolled back, once either has had
    MAIL_LINK_LIMIT in the last hour (or the check ``per_check``, for a kind that goes to many,
    such as a team check's invitations)."""
    limit = current_app.config["MAIL_LINK_LIMIT"]
    # an address is limited across checks, so that nobody can flood someone else's inbox
    if not (
        take(
            f"mail-{kind}"[:20], per_check or limit, WINDOW_MINUTES, about=f"check:{assessment_id}"
        )
        and take("mail-to", limit, WINDOW_MINUTES, about=f"to:{address.lower()}")
    ):
        db.session.rollback()
        raise TooManyMessages
