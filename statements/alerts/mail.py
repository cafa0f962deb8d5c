"""The SMTP backend alerts are sent through: Django's, signing each message with DKIM when a key is configured.

Mail providers honour one-click unsubscribe (RFC 8058) only when a DKIM signature covers the List-Unsubscribe and
List-Unsubscribe-Post headers, so those are signed with the usual ones. The signature is computed on the exact
bytes handed to the server and put in front of them: nothing is serialised twice.
"""

import smtplib
from functools import cache
from pathlib import Path

import dkim
from django.conf import settings
from django.core.mail.backends import smtp
from django.core.mail.message import sanitize_address

SIGNED_HEADERS = [
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"mime-version",
    b"content-type",
    b"list-id",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
]


@cache
def private_key(path: str) -> bytes:
    return Path(path).read_bytes()


def dkim_signed(message: bytes) -> bytes:
    """The message with a DKIM-Signature header in front (relaxed/relaxed), or as it was when no key is set."""
    if not settings.DKIM_PRIVATE_KEY_FILE:
        return message
    signature = dkim.sign(
        message,
        settings.DKIM_SELECTOR.encode(),
        settings.DKIM_DOMAIN.encode(),
        private_key(str(settings.DKIM_PRIVATE_KEY_FILE)),
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=SIGNED_HEADERS,
    )
    return signature + message


class EmailBackend(smtp.EmailBackend):
    def _send(self, email_message):
        """Django's SMTP send, with the message's bytes signed on the way (dkim_signed)."""
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = sanitize_address(email_message.from_email, encoding)
        recipients = [sanitize_address(address, encoding) for address in email_message.recipients()]
        message = dkim_signed(email_message.message().as_bytes(linesep="\r\n"))
        try:
            self.connection.sendmail(from_email, recipients, message)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
