"""How often owners may have a message sent: per check and per address, within an hour."""

from __future__ import annotations

from flask import current_app

from ..ratelimit import take

#: The window of the limits, in minutes.
WINDOW_MINUTES = 60


def may_send(kind: str, assessment_id: int, address: str) -> bool:
    """Count one more message of ``kind`` for the check and for the address, if both are below
    MAIL_LINK_LIMIT in the last hour; False (and nothing counted) otherwise."""
    limit = current_app.config["MAIL_LINK_LIMIT"]
    if not take(f"mail-{kind}"[:20], limit, WINDOW_MINUTES, about=f"check:{assessment_id}"):
        return False
    # an address is limited across checks, so that nobody can flood someone else's inbox
    return take("mail-to", limit, WINDOW_MINUTES, about=f"to:{address.lower()}")
