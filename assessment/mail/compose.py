"""Messages from templates: plain text and HTML in the recipient's language, the centre's name
and contact in every one, links built on the configured external address only."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Any

from flask import current_app, render_template

from ..catalogue import current_centre
from ..i18n import in_language

#: The longest address SMTP carries (RFC 5321: 254 characters in a path).
MAX_ADDRESS_LENGTH = 254


@dataclass(frozen=True)
class Attachment:
    """A file sent along, such as the report's PDF."""

    filename: str
    content: bytes
    mimetype: str = "application/pdf"


class AddressError(ValueError):
    """An address a message cannot be sent to (no address, too long, line breaks, no domain)."""


def checked_address(address: str) -> str:
    """The address itself if a message can go to it; AddressError otherwise."""
    if not address or len(address) > MAX_ADDRESS_LENGTH:
        raise AddressError("the address is empty or longer than 254 characters")
    if any(character in address for character in "\r\n\t\0<>,;\"'() "):
        raise AddressError("the address holds characters an address may not have")
    local, _at, domain = address.rpartition("@")
    if not local or "." not in domain.strip(".") or domain.startswith("."):
        raise AddressError("the address has no name and domain, such as name@example.org")
    return address


def compose(
    kind: str,
    recipient: str,
    subject: str,
    language: str,
    *,
    attachments: tuple[Attachment, ...] = (),
    **context: Any,
) -> EmailMessage:
    """A multipart message (plain text and HTML from `templates/mail/<kind>.txt` and `.html`)
    with a stable Message-ID; raises AddressError for an address it cannot go to."""
    config = current_app.config
    sender = config["MAIL_SENDER"]
    centre = current_centre()
    message = EmailMessage(policy=policy.SMTP)
    with in_language(language):
        centre_name = centre.name.get(language)
        values = {"centre": centre, "language": language, "link": link}
        values["attachments"] = attachments
        values |= context
        text = render_template(f"mail/{kind}.txt", **values)
        html = render_template(f"mail/{kind}.html", **values)
    message["From"] = formataddr((centre_name, sender))
    message["To"] = Address(addr_spec=checked_address(recipient))
    reply_to = config.get("MAIL_REPLY_TO") or centre.email
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid("digitalcheck", domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for attachment in attachments:
        maintype, subtype = attachment.mimetype.split("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    message["Content-Language"] = language  # after the body, which resets Content-* headers
    return message


def link(endpoint: str, **values: Any) -> str:
    """The address of a page on the configured external address (never a request's Host), also
    where no request is being answered, as in `flask mail digest`."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return str(current_app.config["EXTERNAL_URL"]) + path


def _domain(sender: str) -> str:
    """The domain of the sender's address, for Message-IDs that the domain vouches for."""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"
