"""A real SMTP server (aiosmtpd) on the loopback that accepts every message and counts it.

The alerts benchmark sends its digests through it, in a process of its own so that neither its CPU nor the messages
it receives count as the sender's:

    python -m bench.smtp_sink --port 2525 --out counts.json   # "ready" on stdout once it listens; SIGTERM stops it

The tests' server (tests/smtp_server.py), which keeps and parses what it receives, is started the same way
(`controller`).
"""

import argparse
import json
import signal
import socket
import threading
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def controller(handler, *, port: int | None = None, **options) -> Controller:
    """An aiosmtpd server for `handler` on 127.0.0.1 (a free port unless given); call .start() and .stop()."""
    return Controller(handler, hostname="127.0.0.1", port=port or free_port(), **options)


class Counter:
    """Accepts every message; counts messages, recipients and bytes."""

    def __init__(self):
        self.messages = self.recipients = self.bytes = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.recipients += len(envelope.rcpt_tos)
        self.bytes += len(envelope.original_content or b"")
        return "250 Message accepted for delivery"

    def counts(self) -> dict:
        return {"messages": self.messages, "recipients": self.recipients, "bytes": self.bytes}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Accept and count every message on 127.0.0.1:PORT until SIGTERM.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True, help="Where to write the counts (JSON) when stopped.")
    args = parser.parse_args(argv)
    counter = Counter()
    server = controller(counter, port=args.port)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    server.start()
    print("ready", flush=True)
    stopped.wait()
    server.stop()
    Path(args.out).write_text(json.dumps(counter.counts()) + "\n")


if __name__ == "__main__":
    main()
