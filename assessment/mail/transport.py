"""Handing a message over: to an SMTP server, or (without one, as in development) to a file."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from flask import current_app

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """The message could not be handed over now; a later attempt may succeed."""


class PermanentFailure(Exception):
    """The server refused the message for good (a 5xx reply): trying again will not help."""


class Transport(Protocol):
    """Hands one message over, or raises TemporaryFailure or PermanentFailure."""

    def send(self, content: bytes, sender: str, recipient: str, reference: str) -> None:
        """Hand the message over; ``reference`` names it in files and log lines."""


@dataclass(frozen=True)
class SmtpTransport:
    """An SMTP server: plain, STARTTLS or TLS from the first byte, with or without a login."""

    host: str
    port: int
    security: str
    user: str
    password: str
    timeout: float

    def send(self, content: bytes, sender: str, recipient: str, reference: str) -> None:
        """Deliver through the server; its reply decides whether a later attempt may help."""
        try:
            with self._connect() as server:
                if self.security == "starttls":
                    server.starttls(context=ssl.create_default_context())
                if self.user:
                    server.login(self.user, self.password)
                server.sendmail(sender, [recipient], content)
        except smtplib.SMTPAuthenticationError as error:  # a setting to fix: the message waits
            raise TemporaryFailure(
                f"login refused: {error.smtp_code} {_text(error.smtp_error)}"
            ) from error
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            raise _failure(min(codes), f"recipient refused: {_reply(error.recipients)}") from error
        except smtplib.SMTPResponseException as error:
            raise _failure(
                error.smtp_code, f"{error.smtp_code} {_text(error.smtp_error)}"
            ) from error
        except (OSError, smtplib.SMTPException) as error:  # refused, timed out, cut off, TLS
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)


@dataclass(frozen=True)
class FileTransport:
    """Writes each message as an .eml file and logs one line with its path and subject."""

    folder: Path

    def send(self, content: bytes, sender: str, recipient: str, reference: str) -> None:
        """Write the message to a file of its own."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.folder / f"{stamp}-{reference}.eml"
        path.write_bytes(content)
        log.info("mail written to %s: %s", path, _subject(content))


def configured_transport() -> Transport:
    """The transport the configuration names: SMTP when MAIL_HOST is set, else files."""
    config = current_app.config
    if not config["MAIL_HOST"]:
        return FileTransport(Path(config["MAIL_DIR"]))
    return SmtpTransport(
        host=config["MAIL_HOST"],
        port=config["MAIL_PORT"],
        security=config["MAIL_SECURITY"],
        user=config["MAIL_USER"],
        password=config["MAIL_PASSWORD"],
        timeout=config["MAIL_TIMEOUT_SECONDS"],
    )


def _failure(code: int, reason: str) -> Exception:
    """A 5xx reply is permanent; anything else may pass later."""
    return PermanentFailure(reason) if 500 <= code < 600 else TemporaryFailure(reason)


def _text(reply: Any) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _reply(refused: dict[str, tuple[int, Any]]) -> str:
    return "; ".join(f"{code} {_text(text)}" for code, text in refused.values())


def _subject(content: bytes) -> str:
    """The Subject header of a stored message, decoded."""
    from email import message_from_bytes, policy

    return str(message_from_bytes(content, policy=policy.default)["Subject"])
