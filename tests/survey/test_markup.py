"""Accessible markup on every page of the journey: structure a screen reader relies on."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask.testing import FlaskClient

from assessment.questionnaire import Questionnaire
from assessment.questionnaire.pages import page_questions, steps

from .conftest import stored
from .helpers import Respondent, good_answer, merge, text

VOID = {"input", "br", "img", "meta", "link", "hr", "source", "area", "base", "col", "wbr"}


@dataclass
class Node:
    """An element of a parsed page."""

    tag: str
    attrs: dict[str, str | None]
    parent: Node | None
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def ancestors(self) -> list[Node]:
        """Enclosing elements, nearest first."""
        found, node = [], self.parent
        while node is not None:
            found.append(node)
            node = node.parent
        return found

    def walk(self) -> list[Node]:
        """This element and every element inside it."""
        return [self, *(node for child in self.children for node in child.walk())]


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.text += data


def parse(html: str) -> list[Node]:
    """Every element of a page."""
    tree = _Tree()
    tree.feed(html)
    return tree.root.walk()[1:]


def check_page(html: str) -> None:
    """Language, one h1, landmarks, a label for every input, a legend for every option group."""
    nodes = parse(html)
    by_tag = lambda tag: [n for n in nodes if n.tag == tag]  # noqa: E731
    assert by_tag("html")[0].attrs.get("lang") in ("de", "en")
    assert len(by_tag("h1")) == 1
    assert len(by_tag("main")) == 1 and by_tag("header") and by_tag("footer")
    assert by_tag("title")[0].text.strip()
    labelled = {n.attrs.get("for") for n in by_tag("label")}
    ids = [n.attrs["id"] for n in nodes if n.attrs.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique"
    for node in by_tag("input") + by_tag("textarea"):
        kind = node.attrs.get("type", "text")
        if kind in ("hidden", "submit"):
            continue
        assert node.attrs.get("id") in labelled, f"input {node.attrs} has a label"
        if (
            kind in ("radio", "checkbox")
            and node.attrs.get("name", "").startswith("consent_") is False
        ):
            group = next((a for a in node.ancestors() if a.tag == "fieldset"), None)
            assert group is not None, f"option {node.attrs} is inside a fieldset"
            assert group.children and any(c.tag == "legend" for c in group.children)
    for link in by_tag("a"):
        assert link.attrs.get("href"), "links have targets"
    for button in by_tag("button"):
        assert button.text.strip() or button.walk()[1:], "buttons have text"
    check_nothing_inline(nodes)


def check_nothing_inline(nodes: list[Node]) -> None:
    """No inline script, style attribute or event handler: the CSP forbids them."""
    for node in nodes:
        assert node.tag != "script" or node.attrs.get("src"), "scripts are files"
        assert node.tag != "style", "styles are files"
        for name in node.attrs:
            assert name != "style" and not name.startswith("on"), f"{node.tag} has {name}"


def test_every_page_of_the_sample_journey(
    sample_owner: Respondent, client: FlaskClient, app, sample: Questionnaire
) -> None:
    """Landing, every step, a step with errors, review, saved, report, delete and an error page."""
    check_page(text(client.get("/")))
    check_page(text(sample_owner.step(0)))
    errors = sample_owner.send(1, {}, action="next")
    assert errors.status_code == 400
    check_page(text(errors))
    answers: dict[str, object] = {}
    for current in steps(sample):
        check_page(text(sample_owner.step(current.number)))
        page = page_questions(current, sample, answers)
        sample_owner.send(current.number, merge(*(good_answer(s.question) for s in page)))
        answers = stored(app)
    check_page(text(client.get(sample_owner.url("/review"))))
    check_page(text(client.get(sample_owner.url("/saved"))))
    check_page(text(client.get(sample_owner.url("/delete"))))
    sample_owner.submit()
    check_page(text(client.get(sample_owner.url("/report"))))
    check_page(text(client.get("/missing")))


def test_consents_are_labelled_checkboxes(sample_owner: Respondent) -> None:
    """The three consents are separate checkboxes in a group with a legend."""
    nodes = parse(text(sample_owner.step(0)))
    boxes = [
        n for n in nodes if n.tag == "input" and n.attrs.get("name", "").startswith("consent_")
    ]
    assert [b.attrs["type"] for b in boxes] == ["checkbox"] * 3
    groups = {id(next(a for a in b.ancestors() if a.tag == "fieldset")) for b in boxes}
    assert len(groups) == 1


def test_errors_are_announced_and_linked(sample_owner: Respondent) -> None:
    """The error summary is an alert; each field with an error says so next to it."""
    html = text(sample_owner.send(0, {"contact_email": "x"}))
    nodes = parse(html)
    summary = next(n for n in nodes if "error-summary" in (n.attrs.get("class") or ""))
    assert summary.attrs.get("role") == "alert"
    targets = [n.attrs["href"][1:] for n in summary.walk() if n.tag == "a"]
    ids = {n.attrs.get("id") for n in nodes}
    assert targets and all(target in ids for target in targets)
    email = next(n for n in nodes if n.attrs.get("id") == "contact_email")
    assert email.attrs.get("aria-describedby") == "contact_email-error"
    assert "<title>Fehler:" in html
