"""Numbers in URLs that no database column holds answer 404, never a database error (500)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

#: Larger than PostgreSQL's integer (2^31 - 1) and than any 64-bit integer (2^63 - 1).
TOO_LARGE = (2**31, 2**63, 10**30)
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def integer_urls(app: Flask, number: int) -> list[tuple[str, str]]:
    """(method, URL) for every rule with a whole-number part, that part set to ``number``."""
    found = []
    for rule in app.url_map.iter_rules():
        converters = {name: kind for kind, name in _ARGUMENT.findall(rule.rule)}
        if "int" not in converters.values():
            continue
        url = _ARGUMENT.sub(
            lambda m: str(number) if m[1] == "int" else ("x" * 43 if m[2] == "token" else "radar"),
            rule.rule,
        )
        found.extend((method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return found


@pytest.mark.parametrize("number", TOO_LARGE)
def test_every_whole_number_route_refuses_numbers_out_of_range(
    app: Flask, client: FlaskClient, number: int
) -> None:
    """Each route with an id or step number answers 404 with the friendly page."""
    urls = integer_urls(app, number)
    assert len(urls) >= 10, "the advisor's assessment routes and the step page"
    for method, url in urls:
        response = client.open(url, method=method)
        assert response.status_code == 404, (method, url, response.status_code)
        assert "<footer" in response.get_data(as_text=True), "in the site's layout"


def test_the_largest_id_still_routes(app: Flask, client: FlaskClient) -> None:
    """2^31 - 1 is an id like any other: the advisor's page asks for a login, no 404."""
    response = client.get(f"/advisor/assessments/{2**31 - 1}")
    assert response.status_code == 302 and "/advisor/login" in response.location
