"""The brand and the footer, the same on every page: rendered once, right in each language and
under any path the application is served from."""

from __future__ import annotations

from flask.testing import FlaskClient

from ..survey.helpers import csrf_token


def footer(page: str) -> str:
    """The page's footer."""
    return page[page.index('<footer class="site-footer">') :]


def test_the_footer_follows_the_language_on_every_page(client: FlaskClient) -> None:
    german = client.get("/").get_data(as_text=True)
    assert "Impressum" in footer(german) and "Datenschutzhinweise" in footer(german)
    client.post("/language", data={"csrf_token": csrf_token(client.get("/")), "language": "en"})
    english = client.get("/impressum").get_data(as_text=True)
    assert "Privacy notice" in footer(english) and "Datenschutzhinweise" not in footer(english)
    assert 'lang="en"' in english
    assert footer(client.get("/").get_data(as_text=True)) == footer(english)


def test_links_in_the_brand_and_footer_keep_the_path_the_site_is_served_under(
    client: FlaskClient,
) -> None:
    plain = client.get("/").get_data(as_text=True)
    assert 'href="/impressum"' in plain and 'class="brand" href="/"' in plain
    mounted = client.get("/", base_url="http://localhost/check").get_data(as_text=True)
    assert 'href="/check/impressum"' in mounted and 'class="brand" href="/check/"' in mounted
    assert footer(client.get("/").get_data(as_text=True)) == footer(plain)
