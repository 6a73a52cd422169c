"""Advisor accounts: `flask advisor create|deactivate`, the password policy and the hasher.

The commands run in-process through a `FlaskGroup`, so that they are found the way the
installed `flask` command finds them (as `flask.commands` entry points).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result
from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy import select

from assessment.advisor.accounts import authenticate, find_advisor
from assessment.advisor.models import Advisor
from assessment.advisor.passwords import MAX_LENGTH, MIN_LENGTH, Hasher, policy_problem
from assessment.extensions import db

from .conftest import ADA, PASSWORD, login

GOOD = "Kaffeetasse-Wolke-7"
GRACE = "grace@example.org"
RunFlask = Callable[..., Result]


@pytest.fixture
def flask(advisor_app: Flask, monkeypatch: pytest.MonkeyPatch) -> RunFlask:
    """Run `flask ARGS` against the advisor app; `input` is what the administrator types."""
    # FlaskGroup sets this variable for the process; monkeypatch removes it afterwards.
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    group = FlaskGroup(create_app=lambda: advisor_app, load_dotenv=False, set_debug_flag=False)

    def run(*args: str, input: str | None = None) -> Result:
        return advisor_app.test_cli_runner().invoke(group, list(args), input=input)

    return run


def stored(app: Flask, email: str) -> Advisor | None:
    """The account with this address as stored (detached, for reading its columns)."""
    with app.app_context():
        advisor = find_advisor(email)
        if advisor is not None:
            db.session.expunge(advisor)
        return advisor


def accounts(app: Flask) -> list[str]:
    """The addresses of all accounts."""
    with app.app_context():
        return list(db.session.scalars(select(Advisor.email).order_by(Advisor.email)))


def logs_in(app: Flask, email: str, password: str) -> bool:
    """Whether a browser can log in with these credentials."""
    response = login(app.test_client(), email, password)
    return response.status_code == 302 and response.location.endswith("/advisor/")


def shown_password(output: str) -> str:
    """The generated password the command printed."""
    lines = [line for line in output.splitlines() if line.startswith("Password (shown only now): ")]
    assert len(lines) == 1, output
    return lines[0].removeprefix("Password (shown only now): ")


# --- flask advisor create ---------------------------------------------------------------


def test_create_asks_twice_and_stores_an_argon2id_hash(advisor_app: Flask, flask: RunFlask) -> None:
    """The password is asked for twice, never echoed, and stored only as an argon2id hash."""
    result = flask("advisor", "create", GRACE, input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert "Password (empty to generate one): " in result.output
    assert "Repeat the password: " in result.output
    assert f"Created the advisor account {GRACE}." in result.output
    assert GOOD not in result.output
    grace = stored(advisor_app, GRACE)
    assert grace is not None
    assert grace.password_hash.startswith("$argon2id$")
    assert GOOD not in grace.password_hash
    assert (grace.name, grace.is_admin, grace.active) == (GRACE, False, True)
    assert logs_in(advisor_app, GRACE, GOOD)


def test_create_an_administrator_with_a_name(advisor_app: Flask, flask: RunFlask) -> None:
    """--admin and --name are stored and the role is confirmed."""
    result = flask(
        "advisor", "create", GRACE, "--admin", "--name", "Grace Hopper", input=f"{GOOD}\n{GOOD}\n"
    )
    assert result.exit_code == 0, result.output
    assert f"Created the administrator account {GRACE}." in result.output
    grace = stored(advisor_app, GRACE)
    assert grace is not None
    assert (grace.name, grace.is_admin) == ("Grace Hopper", True)


def test_an_empty_password_generates_one_shown_once(advisor_app: Flask, flask: RunFlask) -> None:
    """Pressing Enter generates a password that meets the policy, is printed once and works."""
    result = flask("advisor", "create", GRACE, input="\n")
    assert result.exit_code == 0, result.output
    assert "Repeat the password" not in result.output
    password = shown_password(result.output)
    assert result.output.count(password) == 1
    assert policy_problem(password, GRACE) is None
    assert logs_in(advisor_app, GRACE, password)


def test_generate_password_asks_nothing(advisor_app: Flask, flask: RunFlask) -> None:
    """--generate-password prints a working password without prompting."""
    result = flask("advisor", "create", GRACE, "--generate-password")
    assert result.exit_code == 0, result.output
    assert "Password (empty" not in result.output
    assert logs_in(advisor_app, GRACE, shown_password(result.output))


def test_generated_passwords_differ(flask: RunFlask) -> None:
    """Two generated passwords are not the same."""
    first = flask("advisor", "create", GRACE, "--generate-password")
    second = flask("advisor", "create", "alan@example.org", "--generate-password")
    assert shown_password(first.output) != shown_password(second.output)


def test_the_repeated_password_must_match(advisor_app: Flask, flask: RunFlask) -> None:
    """A different repetition is refused and no account is made."""
    result = flask("advisor", "create", GRACE, input=f"{GOOD}\n{GOOD}x\n")
    assert result.exit_code != 0
    assert "The passwords differ." in result.output
    assert accounts(advisor_app) == [ADA]


def test_a_taken_address_is_refused(advisor_app: Flask, flask: RunFlask) -> None:
    """An address that has an account already, in any case, is refused with a message."""
    for email in (ADA, "Ada@Example.org", " ADA@EXAMPLE.ORG "):
        result = flask("advisor", "create", email, input=f"{GOOD}\n{GOOD}\n")
        assert result.exit_code == 1, email
        assert f"An account for {ADA} exists already." in result.output, email
    assert accounts(advisor_app) == [ADA]


def test_a_malformed_address_is_refused(advisor_app: Flask, flask: RunFlask) -> None:
    """Something that is not an e-mail address is refused with a message."""
    for email in ("not-an-email", "grace@", "@example.org", "grace hopper@example.org", "@"):
        result = flask("advisor", "create", email, input=f"{GOOD}\n{GOOD}\n")
        assert result.exit_code == 1, email
        assert "is not an e-mail address." in result.output, email
    assert accounts(advisor_app) == [ADA]


def test_an_address_with_several_at_signs_is_refused(advisor_app: Flask, flask: RunFlask) -> None:
    """An address with more than one '@' cannot receive mail and is refused."""
    for email in ("grace@@example.org", "@grace@example.org", "a@b@example.org"):
        result = flask("advisor", "create", email, input=f"{GOOD}\n{GOOD}\n")
        assert result.exit_code == 1, email
        assert "is not an e-mail address." in result.output, email


WEAK = [
    pytest.param("Kurz-und-gut", GRACE, None, id="exactly-12-is-enough"),
    pytest.param("Kurz-gut-1", GRACE, "at least 12 characters", id="short"),
    pytest.param("Zk3!Mq8#" * 16 + "x", GRACE, "at most 128 characters", id="long"),
    pytest.param("Passwort2024!", GRACE, "too common", id="decorated-german"),
    pytest.param("password1234", GRACE, "too common", id="decorated-english"),
    pytest.param("!!Sonnenschein!!", GRACE, "too common", id="decorated-both-ends"),
    pytest.param("QWERTZUIOPÜ1", GRACE, "too common", id="keyboard-upper-case"),
    pytest.param("abcabcabcabc", GRACE, "too common", id="repeated-pattern"),
    pytest.param("aaaaaaaaaaaaaaaa", GRACE, "too common", id="one-letter"),
    pytest.param("grace.hopper2024", "grace.hopper@example.org", "e-mail address", id="email"),
    pytest.param("GRACE.HOPPER!!", "grace.hopper@example.org", "e-mail address", id="email-case"),
]


def test_the_policy_is_applied_on_the_command_line(advisor_app: Flask, flask: RunFlask) -> None:
    """A weak password is refused at the prompt with the reason, and nothing is stored."""
    for password, email, problem in (
        ("Kurz-gut-1", GRACE, "at least 12 characters"),
        ("Zk3!Mq8#" * 16 + "x", GRACE, "at most 128 characters"),
        ("Passwort2024!", GRACE, "too common"),
        ("password1234", GRACE, "too common"),
        ("abcabcabcabc", GRACE, "too common"),
        ("grace.hopper2024", "grace.hopper@example.org", "must not be built on the e-mail address"),
    ):
        result = flask("advisor", "create", email, input=f"{password}\n{password}\n")
        assert result.exit_code != 0, password
        assert f"Error: {policy_problem(password, email)}" in result.output, password
        assert problem in result.output, password
    assert accounts(advisor_app) == [ADA]
    good = flask("advisor", "create", GRACE, input="Kurz-und-gut\nKurz-und-gut\n")
    assert good.exit_code == 0, good.output
    assert logs_in(advisor_app, GRACE, "Kurz-und-gut")


# --- flask advisor deactivate -----------------------------------------------------------


def test_deactivate_stops_logins(advisor_app: Flask, flask: RunFlask) -> None:
    """A deactivated account is kept but can no longer log in with its right password."""
    assert logs_in(advisor_app, ADA, PASSWORD)
    result = flask("advisor", "deactivate", ADA)
    assert result.exit_code == 0, result.output
    assert f"Deactivated {ADA}; its sessions have ended." in result.output
    ada = stored(advisor_app, ADA)
    assert ada is not None
    assert not ada.active and ada.deactivated_at is not None
    assert not logs_in(advisor_app, ADA, PASSWORD)


def test_deactivate_an_unknown_address(advisor_app: Flask, flask: RunFlask) -> None:
    """An address without an account is an error (exit code 1) that names it."""
    result = flask("advisor", "deactivate", "Nobody@Example.org")
    assert result.exit_code == 1
    assert "There is no account for nobody@example.org." in result.output
    assert stored(advisor_app, ADA).active  # type: ignore[union-attr]


def test_addresses_ignore_case(advisor_app: Flask, flask: RunFlask) -> None:
    """Grace@Example.org and grace@example.org are one account, for every command and login."""
    result = flask("advisor", "create", "Grace@Example.ORG", input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert f"Created the advisor account {GRACE}." in result.output
    assert accounts(advisor_app) == [ADA, GRACE]
    assert logs_in(advisor_app, "GRACE@example.org", GOOD)
    assert flask("advisor", "deactivate", "gRaCe@EXAMPLE.org").exit_code == 0
    assert not stored(advisor_app, GRACE).active  # type: ignore[union-attr]


# --- the policy and the hasher as functions ---------------------------------------------


@pytest.mark.parametrize(("password", "email", "problem"), WEAK)
def test_policy_problem(password: str, email: str, problem: str | None) -> None:
    """policy_problem names the rule a password breaks, or returns None."""
    found = policy_problem(password, email)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def varied(length: int) -> str:
    """A password of this length that breaks no rule but the length."""
    return "".join(chr(ord("a") + (i * 7) % 26) for i in range(length))


def test_policy_lengths_are_inclusive() -> None:
    """MIN_LENGTH and MAX_LENGTH characters are allowed; one fewer or one more is not."""
    assert policy_problem(varied(MIN_LENGTH)) is None
    assert policy_problem(varied(MAX_LENGTH)) is None
    assert "at least" in (policy_problem(varied(MIN_LENGTH - 1)) or "")
    assert "at most" in (policy_problem(varied(MAX_LENGTH + 1)) or "")


def test_policy_accepts_passphrases() -> None:
    """A passphrase made of ordinary words is fine, even with a common word in it."""
    assert policy_problem("correct horse battery staple") is None
    assert policy_problem("Sommer im Garten mit Kaffee") is None
    assert policy_problem("kaffeetasse-wolke-7", ADA) is None


def test_policy_allows_an_address_part_inside_a_long_password() -> None:
    """The e-mail rule refuses passwords built on the address, not every mention of it."""
    assert policy_problem("grace.hopper geht gern segeln", "grace.hopper@example.org") is None


@pytest.fixture(scope="module")
def hasher() -> Hasher:
    """The cheap hasher the tests use."""
    return Hasher("cheapest")


def test_hasher_verifies_the_right_password_only(hasher: Hasher) -> None:
    """The right password matches; a wrong one, another case or a missing account does not."""
    stored_hash = hasher.hash(PASSWORD)
    assert stored_hash.startswith("$argon2id$") and PASSWORD not in stored_hash
    assert hasher.verify(stored_hash, PASSWORD)
    assert not hasher.verify(stored_hash, PASSWORD.upper())
    assert not hasher.verify(stored_hash, PASSWORD + " ")
    assert not hasher.verify(None, PASSWORD)
    assert not hasher.verify("", PASSWORD)
    assert not hasher.verify("not a hash", PASSWORD)


def test_hasher_salts_every_hash(hasher: Hasher) -> None:
    """The same password hashes differently each time."""
    assert hasher.hash(PASSWORD) != hasher.hash(PASSWORD)


def test_hasher_notices_other_parameters(hasher: Hasher) -> None:
    """A hash made with another cost profile needs rehashing; its own hashes do not."""
    default = Hasher("default")
    assert hasher.needs_rehash(default.hash(PASSWORD))
    assert not hasher.needs_rehash(hasher.hash(PASSWORD))


def test_a_login_upgrades_an_old_hash(advisor_app: Flask) -> None:
    """A hash made with other parameters is replaced at the next successful login."""
    old = Hasher("default").hash(PASSWORD)
    with advisor_app.app_context():
        find_advisor(ADA).password_hash = old  # type: ignore[union-attr]
        db.session.commit()
        assert authenticate(ADA, PASSWORD, "127.0.0.1").advisor is not None
        new = find_advisor(ADA).password_hash  # type: ignore[union-attr]
    assert new != old and new.startswith("$argon2id$")
    assert not Hasher("cheapest").needs_rehash(new)
    assert logs_in(advisor_app, ADA, PASSWORD)
