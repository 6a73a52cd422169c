"""Access to the advisor pages: every URL under /advisor needs a logged-in, active advisor."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from .accounts import session_advisor
from .models import Advisor

login_manager = LoginManager()
#: The session key holding the server-side session's token.
# The name of a session key (bandit B105).
SESSION_TOKEN = "advisor_session"  # nosec B105
#: Endpoints that anonymous visitors may open.
PUBLIC_ENDPOINTS = frozenset({"advisor.login"})


@login_manager.user_loader
def load_advisor(advisor_id: str) -> Advisor | None:
    """The advisor of the current session, if that session is still alive on the server."""
    if not advisor_id.isdigit():
        return None
    return session_advisor(session.get(SESSION_TOKEN), int(advisor_id))


def require_login() -> Any:
    """Refuse anonymous visitors and ended sessions: they are sent to the login page."""
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    return login_manager.unauthorized()


def init_login(app: Flask) -> None:
    """Set up Flask-Login for the advisor pages."""
    login_manager.init_app(app)
    login_manager.login_view = "advisor.login"
    login_manager.login_message = _l("Please log in to see the advisor pages.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str
    login_manager.session_protection = "basic"
