"""The option inputs built in Python: escaped, labelled, and checked as the field says."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Flask

from assessment.questionnaire.questions.base import Option
from assessment.survey.widgets import choice


def test_a_choice_escapes_every_value_and_shows_what_is_chosen(small_app: Flask) -> None:
    """Label, name, id and value are escaped; the chosen option is checked."""
    option = Option.model_validate({"id": "ja", "label": {"de": 'Ja <b>"&"</b>', "en": "Yes"}})
    chosen = SimpleNamespace(
        checked=lambda name, value: " checked" if (name, value) == ('q"1', "ja") else ""
    )
    with small_app.test_request_context():
        html = str(choice("radio", 'q"1', option, 'q-"1', chosen, exclusive=True))
        unchecked = str(choice("checkbox", "q2", option, "q-2", chosen))
    assert 'name="q&#34;1"' in html
    assert 'id="q-&#34;1"' in html and 'for="q-&#34;1"' in html
    assert "Ja &lt;b&gt;&#34;&amp;&#34;&lt;/b&gt;" in html
    assert " data-exclusive checked>" in html
    assert 'type="checkbox"' in unchecked and "checked" not in unchecked
    assert "data-exclusive" not in unchecked
