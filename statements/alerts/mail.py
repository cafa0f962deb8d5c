"""The SMTP backend alerts are sent through: Django's, signing each message with DKIM when a key is configured.

Mail providers honour one-click unsubscribe (RFC 8058) only when a DKIM signature covers the List-Unsubscribe and
List-Unsubscribe-Post headers, so those are signed with the usual ones. The signature is computed on the exact
bytes handed to the server and put in front of them: nothing is serialised twice.

The signature (RFC 6376, rsa-sha256, relaxed/relaxed) is made here from dkimpy's parts (splitting the message,
canonicalising, choosing and hashing the signed headers, as its verifier reads them) and `cryptography`'s RSA:
dkimpy's own RSA is written in Python and took more time per digest than all the rest of sending it
(docs/performance.md#email-alerts).
"""

import base64
import hashlib
import smtplib
import time
from functools import cache
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils
from django.conf import settings
from django.core.mail.backends import smtp
from django.core.mail.message import sanitize_address
from dkim.canonicalization import CanonicalizationPolicy

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
RELAXED = CanonicalizationPolicy.from_c_value(b"relaxed/relaxed")


@cache
def private_key(path: str):
    """The key, read and parsed once per process."""
    return serialization.load_pem_private_key(Path(path).read_bytes(), password=None)


def dkim_signature(message: bytes, *, selector: bytes, domain: bytes, key, timestamp: int) -> bytes:
    """The DKIM-Signature header line (ending in CRLF) of `message`: rsa-sha256, relaxed/relaxed, over
    SIGNED_HEADERS (each listed: one the message lacks is signed as absent)."""
    headers, body = dkim.rfc822_parse(message)
    body_hash = base64.b64encode(hashlib.sha256(RELAXED.canonicalize_body(body)).digest())
    tags = [
        (b"v", b"1"),
        (b"a", b"rsa-sha256"),
        (b"c", b"relaxed/relaxed"),
        (b"d", domain),
        (b"s", selector),
        (b"t", str(timestamp).encode()),
        (b"h", b":".join(SIGNED_HEADERS)),
        (b"bh", body_hash),
        (b"b", b""),
    ]
    unsigned = b" " + b";\r\n ".join(b"=".join(tag) for tag in tags)  # folded: a tag a line
    digest = hashlib.sha256()
    # The signed headers, then this header with b= empty and no final CRLF: what a verifier hashes (RFC 6376 3.7).
    dkim.hash_headers(
        digest, RELAXED, RELAXED.canonicalize_headers(headers), SIGNED_HEADERS, (b"DKIM-Signature", unsigned), None
    )
    signature = key.sign(digest.digest(), padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    b = base64.b64encode(signature)
    folded = b"\r\n ".join(b[start : start + 72] for start in range(0, len(b), 72))  # FWS in b= is not signed
    return b"DKIM-Signature:" + unsigned + folded + b"\r\n"


def dkim_signed(message: bytes) -> bytes:
    """The message with a DKIM-Signature header in front, or as it was when no key is set."""
    if not settings.DKIM_PRIVATE_KEY_FILE:
        return message
    signature = dkim_signature(
        message,
        selector=settings.DKIM_SELECTOR.encode(),
        domain=settings.DKIM_DOMAIN.encode(),
        key=private_key(str(settings.DKIM_PRIVATE_KEY_FILE)),
        timestamp=int(time.time()),
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
