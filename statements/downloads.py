"""Long downloads and clients that stop reading: a bound on exports per process, and a send timeout.

A streamed CSV export holds a gunicorn thread for as long as it runs, and a client that stops reading holds it for
ever: the thread waits in the socket write. Sixty such clients took every thread of every worker, and /healthz and
the statement pages waited with them. So (docs/operations.md, "Failure modes"):

- each worker process streams at most `EXPORT_MAX_CONCURRENT` exports at once; one more is answered at once with
  503 and Retry-After, and the process keeps its other threads for pages;
- a download's socket gets a send timeout (`CLIENT_SEND_TIMEOUT`): a client that takes nothing for that long is
  given up, which frees the thread and the export's place.
"""

import logging
import threading
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.http import HttpResponse

from .lost_connections import count

logger = logging.getLogger(__name__)

# Seconds a refused client is asked to wait: about the length of a large filtered export.
EXPORT_RETRY_AFTER = 30


class ExportSlots:
    """How many exports this process is streaming, against the bound read from settings at each request."""

    def __init__(self):
        self._lock = threading.Lock()
        self.in_use = 0

    def take(self) -> bool:
        with self._lock:
            if self.in_use >= settings.EXPORT_MAX_CONCURRENT:
                return False
            self.in_use += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self.in_use -= 1


EXPORT_SLOTS = ExportSlots()


class HeldWhileStreaming:
    """A download's chunks, holding an export slot until the response is closed.

    The server closes the response when the file is sent, when the client goes away and when a write times out;
    closing gives the slot back, once, even if the first chunk was never asked for (a generator's own cleanup
    would not run then).
    """

    def __init__(self, chunks: Iterable[bytes], slots: ExportSlots):
        self._chunks = chunks
        self._slots = slots
        self._held = True
        self._finished = False
        self._sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self._sent += len(chunk)
            yield chunk
        self._finished = True

    def close(self) -> None:
        if not self._held:
            return
        self._held = False
        self._slots.give_back()
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        if not self._finished:
            logger.warning(
                "CSV download closed after %d bytes, before its end: the client went away or stopped reading "
                "(%d in this process)",
                self._sent,
                count("download_closed_early"),
            )

    def __del__(self):
        # A response dropped without being closed must not keep its slot for the life of the process. Only the slot:
        # the chunks clean up after themselves, in the thread that owns their database connection.
        if self._held:
            self._held = False
            self._slots.give_back()


def export_slot_or_503(slots: ExportSlots = EXPORT_SLOTS) -> HttpResponse | None:
    """None when this process may start one more export (the caller must then stream through HeldWhileStreaming),
    else the 503 to send."""
    if slots.take():
        return None
    logger.warning(
        "CSV export refused with 503: %d exports already streaming in this process (EXPORT_MAX_CONCURRENT) "
        "(%d refused in this process)",
        slots.in_use,
        count("export_refused"),
    )
    return HttpResponse(
        "The server is busy with other downloads. Please try again in a minute.\n",
        status=503,
        content_type="text/plain; charset=utf-8",
        headers={"Retry-After": str(EXPORT_RETRY_AFTER)},
    )


def give_up_on_stalled_clients(request) -> None:
    """A send timeout on the client's socket, under gunicorn, so a write the client does not take fails.

    gunicorn writes with blocking sends and no timeout of its own; it sets the socket back to its defaults for the
    connection's next request. Other servers (runserver, the test client) pass no socket and are left as they are.
    """
    sock = request.META.get("gunicorn.socket")
    if sock is not None:
        sock.settimeout(settings.CLIENT_SEND_TIMEOUT)
