"""The load test's own judgement of a download: what counts as complete, as interrupted, and as an error."""

import http.server
import threading
import time

import psycopg
import pytest
from django.db.utils import OperationalError

from loadtest import run as loadtest
from statements.exports import csv_lines


def export_body(failure: Exception | None) -> bytes:
    """The export's text as statements.exports writes it: two rows, then its error row when `failure` is raised."""

    def rows():
        yield ["1", "Words"]
        yield ["2", "More words"]
        if failure is not None:
            raise failure

    return "".join(csv_lines(["id", "text"], rows())).encode()


def database_error(lost: bool) -> Exception:
    error = OperationalError("the query failed")
    if lost:
        error.__cause__ = psycopg.OperationalError("terminating connection due to administrator command")
    return error


class Export(http.server.BaseHTTPRequestHandler):
    """Answers /export.csv with `body` in chunks; `cut` closes the connection before the last chunk."""

    protocol_version = "HTTP/1.1"
    body, cut = b"", False

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        half = len(self.body) // 2
        for part in (self.body[:half], self.body[half:]):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            if self.cut:
                self.wfile.flush()
                self.close_connection = True
                return
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(
    "failure, cut, outcome",
    [
        (None, False, "complete"),
        (database_error(lost=True), False, "interrupted"),  # counted apart, not an error
        (database_error(lost=False), False, "ended with an error row: #ERROR: export incomplete — the server failed"),
        (None, True, "IncompleteRead"),  # cut without its error row: an error
    ],
    ids=["complete", "interrupted", "another-error-row", "cut-without-row"],
)
def test_a_download_is_judged_by_how_it_ends(failure, cut, outcome):
    """Only a file ending with the row saying the database connection was lost counts as interrupted; a file cut
    without its row, or ending with another error row, is an error."""
    handler = type("Handler", (Export,), {"body": export_body(failure), "cut": cut})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        answer = loadtest.read_export(server.server_address[1], time.monotonic() + 30)
    finally:
        server.shutdown()
        server.server_close()
    assert answer.startswith(outcome)
