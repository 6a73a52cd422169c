"""Every string of the interface is translatable, in the catalogue, and translated into German."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from assessment import PROJECT_ROOT

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.do"}}


def source_messages() -> set[str]:
    """The msgids in the code and templates, as `make extract` finds them."""
    found = set()
    for folder in ("assessment", "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT / folder, METHODS, OPTIONS, KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    """The translated forms of a message: one, or one per plural form."""
    return string if isinstance(string, tuple) else (string,)


def test_german_catalogue_is_complete() -> None:
    """No string of the interface is missing from the German catalogue or left untranslated."""
    with (PROJECT_ROOT / "assessment/translations/de/LC_MESSAGES/messages.po").open("rb") as file:
        catalogue = read_po(file)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]: m.string  # plurals: (singular, plural)
        for m in catalogue
        if m.id and not m.fuzzy
    }
    messages = source_messages()
    assert len(messages) > 100
    missing = sorted(messages - set(translated))
    assert missing == [], "run `make extract` and translate: " + "; ".join(missing)
    untranslated = sorted(key for key in messages if not all(_forms(translated[key])))
    assert untranslated == []
