"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd): it keeps what it receives, can be
stopped and started again on the same port, refuse with a reply of the test's choosing, or hold
a message (after taking it, before answering) until the test lets it go."""

from __future__ import annotations

import email
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

#: How long the tests wait at most for something the server is to receive.
WAIT_SECONDS = 60


@dataclass
class Received:
    """One message as the server took it."""

    sender: str
    recipients: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        """The parsed message."""
        parsed = email.message_from_bytes(self.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Handler:
    """aiosmtpd's handler: keeps messages, refuses or holds on request."""

    received: list[Received] = field(default_factory=list)
    #: A reply such as "451 4.3.0 try later" for every message, instead of accepting.
    refusal: str | None = None
    #: Set while a message is held; the test sets `release` to let it go.
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    hold_next: bool = False
    #: Close the connection in the middle of the next message, without a reply.
    hang_up_next: bool = False
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Take the message (or refuse it); a held one is kept before the reply is sent."""
        if self.refusal is not None:
            return self.refusal
        if self.hang_up_next:
            self.hang_up_next = False
            server.transport.close()
            return "421 4.3.0 closed"
        with self.arrived:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
            self.arrived.notify_all()
        if self.hold_next:
            self.hold_next = False
            self.holding.set()
            while not self.release.wait(0.05):  # the server's loop must not be blocked long
                await _pause()
        return "250 OK"


async def _pause() -> None:
    import asyncio

    await asyncio.sleep(0.05)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MailServer:
    """An SMTP server on 127.0.0.1 that the tests start, stop and read.

    With a ``tls`` context it offers STARTTLS and wants a login (``login``) after it, or
    (``implicit``) speaks TLS from the first byte.
    """

    def __init__(
        self,
        tls: ssl.SSLContext | None = None,
        *,
        implicit: bool = False,
        login: tuple[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.handler = Handler()
        self.tls, self.implicit, self.login = tls, implicit, login
        self.logins: list[str] = []
        self._controller: Controller | None = None

    def start(self) -> None:
        """Listen on the server's port (again)."""
        options: dict[str, Any] = {}
        if self.tls is not None and self.implicit:
            options["ssl_context"] = self.tls
        elif self.tls is not None:
            options |= {"tls_context": self.tls, "require_starttls": True}
        if self.login is not None:
            options |= {"authenticator": self._authenticate, "auth_require_tls": True}
        self._controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            ready_timeout=WAIT_SECONDS,
            server_hostname="127.0.0.1",
            **options,
        )
        self._controller.start()

    def _authenticate(
        self, _server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any
    ) -> AuthResult:
        """Accept the one login the server was given."""
        given = (data.login.decode(), data.password.decode())
        if given == self.login:
            self.logins.append(given[0])
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def stop(self) -> None:
        """Stop listening: connections are refused until it starts again."""
        if self._controller is not None:
            self.handler.release.set()
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[Received]:
        """Everything taken so far, in order."""
        return list(self.handler.received)

    def wait_for(self, count: int) -> list[Received]:
        """The messages once at least ``count`` have arrived (failing after WAIT_SECONDS)."""
        with self.handler.arrived:
            arrived = self.handler.arrived.wait_for(
                lambda: len(self.handler.received) >= count, timeout=WAIT_SECONDS
            )
        assert arrived, f"{len(self.handler.received)} of {count} messages arrived"
        return self.received

    def settings(self) -> dict[str, Any]:
        """The app's configuration for delivering to this server."""
        return {"MAIL_HOST": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_SECURITY": "none"}
