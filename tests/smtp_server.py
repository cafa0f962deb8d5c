"""A real SMTP server in the test process (aiosmtpd), for tests that check alert emails on the wire."""

import email
import email.policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from bench.smtp_sink import controller, free_port

__all__ = ["Mailbox", "free_port", "start"]


class Mailbox:
    """An aiosmtpd handler keeping every accepted message, parsed; `refuse` maps an address to the SMTP reply its
    RCPT TO gets instead of 250 (e.g. "550 5.1.1 No such user", "451 4.3.0 Try again later"); `refuse_sender`, the
    reply MAIL FROM gets instead; `refuse_data`, the reply DATA gets; `accept_logins`, whether AUTH succeeds."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.raw: list[bytes] = []  # as received, for checking signatures
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: dict[str, str] = {}
        self.refuse_sender = ""
        self.refuse_data = ""
        self.accept_logins = True

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        return AuthResult(success=self.accept_logins)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_sender:
            return self.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return self.refuse_data
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.raw.append(envelope.original_content)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def start(port: int | None = None) -> tuple[Controller, Mailbox]:
    mailbox = Mailbox()
    server = controller(
        mailbox,
        port=port,
        authenticator=mailbox.authenticate,
        auth_require_tls=False,  # a test server on the loopback: plain AUTH without TLS
    )
    server.start()
    return server, mailbox
