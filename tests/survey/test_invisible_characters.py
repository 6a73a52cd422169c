"""Invisible characters: refused in names and e-mail addresses, removed from free text.

Control characters and the marks that reverse the direction of text (U+202A-U+202E,
U+2066-U+2069) disguise names and links ("Rechnung\u202efdp.exe") and forge log lines; names
and addresses holding one are refused with a message, free text loses them and says so.
"""

from __future__ import annotations

import pytest
from flask import Flask

from assessment.advisor.accounts import AccountError, create_advisor

from .conftest import stored, the_assessment
from .helpers import Respondent, text

PROFILE = {"sector": "craft", "size": "small"}
HIDDEN = ["\u202e", "\u2066", "\x1b[31m", "\x07", "\x85", "\t", "\n"]
FIELD_MESSAGE = "unsichtbaren Steuer- oder Schreibrichtungszeichen aus diesem Feld"


@pytest.mark.parametrize("hidden", HIDDEN, ids=repr)
@pytest.mark.parametrize("name", ["company_name", "contact_email"])
def test_names_and_addresses_with_invisible_characters_are_refused(
    owner: Respondent, small_app: Flask, name: str, hidden: str
) -> None:
    """The profile is shown again with a message at the field and in the summary; nothing saved."""
    value = f"Muster{hidden}GmbH" if name == "company_name" else f"info{hidden}@example.org"
    other = {"company_name": "Tischlerei"} if name == "contact_email" else {}
    page = owner.send(0, {**PROFILE, **other, name: value})
    assert page.status_code == 400
    html = text(page)
    assert html.count(FIELD_MESSAGE) == 2, "in the summary and at the field"
    assert f'href="#{name}"' in html
    assert the_assessment(small_app).profile_saved_at is None


def test_free_text_loses_invisible_characters_and_says_so(
    owner: Respondent, small_app: Flask
) -> None:
    """A text answer is stored without them, and the next page says they were removed."""
    owner.send(0, PROFILE)
    owner.send(1, {"online": "no"})
    answers = {"rating": "4", "tools.erp": "used", "tools.crm": "none", "crafts_only": "yes"}
    sent = owner.send(2, {**answers, "plans": "Neuer\u202e Shop\x1b[0m\nim Frühjahr"})
    assert sent.status_code == 302
    assert stored(small_app)["plans"] == "Neuer Shop[0m\nim Frühjahr"
    following = text(owner.client.get(sent.location))
    assert (
        "Unsichtbare Steuer- oder Schreibrichtungszeichen wurden aus Ihrem Text entfernt."
        in following
    )
    plain = owner.send(2, {**answers, "plans": "Shop"})
    assert "wurden aus Ihrem Text entfernt" not in text(owner.client.get(plain.location))


def test_an_advisor_name_with_invisible_characters_is_refused(small_app: Flask) -> None:
    """`flask advisor create` refuses such a name, and such an address, with the reason."""
    with small_app.app_context():
        with pytest.raises(AccountError, match="invisible control or text-direction"):
            create_advisor("eve@example.org", "correct horse battery staple", name="Eve\u202e")
        with pytest.raises(AccountError, match="is not an e-mail address"):
            create_advisor("eve\x1b@example.org", "correct horse battery staple")
