"""`make loadtest`: a bounded, headless load test of production mode on the million-statement database.

    .venv/bin/python -m loadtest.run [--engines sqlite postgresql] [--users 8] [--duration 60]

For each engine it reuses (or builds, through bench.run's own code path) the benchmark database, starts gunicorn
with gunicorn.conf.py on a free 127.0.0.1 port in production mode (PRODUCTION=1, a fresh SECRET_KEY, plain HTTP:
SECURE_SSL_REDIRECT=0, rate limits off because every request comes from one address), then:

- `--users` client threads (a closed model: each sends its next request when the last one is answered, no think
  time, so the figures are the server's capacity on this machine) pick requests from MIX: the timeline plain,
  paged and filtered, searches, permalinks, entity and index pages, the API and the feed;
- one more thread streams the full CSV export (/export.csv, a million rows) for the whole run, restarting it if
  it finishes, so every measured request competes with an export in progress.

It stops by itself after `--duration` seconds (capped at 600, users at 64). Then, on the same server, the stalled
downloads scenario: `--stalled` clients (50) ask for /export.csv and never read it, for `--stall-duration` seconds
(30, capped at 120), while two probe threads request the timeline, /healthz and permalinks back to back; the
timeline's p95 must stay within STALLED_TIMELINE_P95 (1 s). Then, on PostgreSQL, the database-drop scenario: for
`--db-drop-duration` seconds (30, capped at 120) a thread ends one of the server's database connections with
`pg_terminate_backend` every `--db-drops` seconds (3, between 1 and 30) while probe threads request the timeline,
searches, permalinks, the API and CSV exports (5 s of each at most); every answer must be 200, and an export cut
mid-stream must end with the export's #ERROR row saying the connection was lost: those are counted as interrupted
downloads, not errors. SQLite has no server connection to drop, and says so. Last, the Redis outage scenario:
probes request searches, the API and the start of the export for `--redis-outage` seconds (20, capped at 120) and
the load test's own Redis is shut down half-way; every answer must still be 200, and /readyz must say the cache is
degraded. It stops gunicorn and its Redis, prints throughput, p50/p95/p99 per kind of request and errors, and
writes loadtest/results/<engine>.json (<engine>-<count>.json for another --count). Any error (a status other than
200, a connection failure, an export cut short by the server other than by a dropped connection in that scenario, a
probe over its limit) makes it exit 1.

The server counts its rate limits in a Redis the load test starts itself on a free 127.0.0.1 port (never the
machine's own), as production does; every request names a random client address in X-Forwarded-For (BEHIND_PROXY),
so the limits are counted for each request but no address comes near one.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import run as bench

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "loadtest" / "results"
PYTHON = sys.executable
MAX_DURATION = 600
MAX_USERS = 64
WARMUP_SECONDS = 10
EXPORT_CHUNK = 64 * 1024

# (kind, weight): how often each kind of request is picked. Reading statements dominates, searching next.
MIX = [
    ("timeline", 10),
    ("timeline_page", 5),
    ("timeline_filtered", 20),
    ("search", 15),
    ("permalink", 25),
    ("entity", 15),
    ("index", 3),
    ("api", 5),
    ("feed", 2),
]
# The stalled downloads scenario: clients that open the export and never read (docs/operations.md, Failure modes).
STALLED_DOWNLOADS = 50
STALL_SECONDS = 30
MAX_STALL_SECONDS = 120
STALLED_TIMELINE_P95 = 1.0
STALL_PROBE_THREADS = 2
# A stalled client's receive buffer: small, so fifty of them hold little of the machine's memory. The server's
# writes block a little sooner than for a client with a large buffer; what is measured does not change.
STALLED_RECEIVE_BUFFER = 64 * 1024
# The Redis outage scenario: seconds of probing, Redis shut down half-way (docs/operations.md, "Redis down").
REDIS_OUTAGE_SECONDS = 20
MAX_REDIS_OUTAGE_SECONDS = 120
REDIS_OUTAGE_PROBE_THREADS = 2
# The database-drop scenario (docs/operations.md, "The database: a dropped connection"): a server connection ended
# every DB_DROP_EVERY seconds for DB_DROP_SECONDS while the probes read.
DB_DROP_EVERY = 3
MAX_DB_DROP_EVERY = 30
DB_DROP_SECONDS = 30
MAX_DB_DROP_SECONDS = 120
DB_DROP_PROBE_THREADS = 3
# Exports the probes stream at once: no more than one worker process takes (EXPORT_MAX_CONCURRENT, default 2), so
# that none is refused with the designed 503 whichever process gets them.
DB_DROP_EXPORTS = int(os.environ.get("EXPORT_MAX_CONCURRENT", "2"))
# Seconds a probe reads one export before it goes on to the pages: a small database's export ends sooner, the
# million's would take the probe for the whole scenario.
DB_DROP_EXPORT_SECONDS = 5
# The server's connections carry this name (libpq reads PGAPPNAME), so the scenario ends theirs and nobody else's.
SERVER_APPLICATION_NAME = "statement-tracker-loadtest"
NO_SERVER_CONNECTION = "SQLite opens a file, there is no server connection to drop"
# What the export's last row says when the database connection went mid-stream (statements/exports.py).
LOST_CONNECTION_ROW = "#ERROR: export incomplete — the database connection was lost".encode()
SEARCH_WORDS = ["sanctions", "security", "talks", "nuclear", "election", "ceasefire", "trade", '"united nations"']


@dataclass
class Sample:
    """What the client threads record; appended from several threads (list.append is atomic in CPython)."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    export_bytes: int = 0
    export_rows: int = 0
    exports_completed: int = 0
    exports_interrupted: int = 0
    exports_read_in_part: int = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(engine: str, count: int) -> str:
    """The benchmark's database of `count` statements (the million, or a small one of its own for a quick try):
    reused when its build key matches, else built by bench.run."""
    if engine == "sqlite":
        return bench.ensure_sqlite(count, bench.DEFAULT_SEED)
    return bench.ensure_postgres(count, bench.DEFAULT_SEED)


def server_env(url: str, port: int, redis_url: str = "") -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_REPLICA_URL", None)
    env.update(
        DATABASE_URL=url,
        PRODUCTION="1",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        REDIS_URL=redis_url,
        PGAPPNAME=SERVER_APPLICATION_NAME,
    )
    if redis_url:
        # Each request names its own client address (client_address()), so the limits count without refusing.
        env.update(RATELIMIT_ENABLED="1", BEHIND_PROXY="1")
    else:
        env.update(RATELIMIT_ENABLED="0")  # one client address: the limits would answer 429 to the load test itself
    return env


def client_address() -> str:
    """A random address in 198.18.0.0/15 (set aside for benchmarks): one of 65,000, so none nears a limit."""
    return f"198.18.{random.randrange(256)}.{random.randrange(1, 255)}"


class RedisServer:
    """The load test's own redis-server on a free 127.0.0.1 port, in its own process group; never the main one."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while self.command(b"PING") != b"+PONG":
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise SystemExit("the load test's redis-server did not start")
            time.sleep(0.1)

    def command(self, command: bytes) -> bytes:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
                sock.sendall(command + b"\r\n")
                return sock.recv(64).strip()
        except OSError:
            return b""

    def shutdown(self) -> None:
        """SHUTDOWN NOSAVE: Redis exits and its port refuses connections, as in an outage."""
        self.command(b"SHUTDOWN NOSAVE")
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def pick_targets(url: str) -> dict[str, list[str]]:
    """Real ids, slugs and codes from the database, so every request in the mix should answer 200."""
    code = """
import json, random
from statements.models import Country, Official, Statement, Topic
rng = random.Random(7)
top = Statement.objects.published()
last = top.order_by("-id").values_list("id", flat=True).first()
ids = list(top.filter(id__in=[rng.randint(1, last) for _ in range(3000)]).values_list("id", flat=True)[:500])
officials = list(Official.objects.filter(statements__in=ids).values_list("slug", flat=True).distinct())
topics = list(Topic.objects.values_list("slug", flat=True)[:100])
countries = list(Country.objects.filter(statements__in=ids).values_list("code", flat=True).distinct())
print(json.dumps({"ids": ids, "officials": officials, "topics": topics, "countries": countries}))
"""
    env = server_env(url, 0)
    env.pop("REDIS_URL")
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def request_for(kind: str, targets: dict, rng: random.Random) -> str:
    official, topic = rng.choice(targets["officials"]), rng.choice(targets["topics"])
    country = rng.choice(targets["countries"]).lower()
    year = rng.randint(2000, 2025)
    match kind:
        case "timeline":
            return "/"
        case "timeline_page":
            return f"/?page={rng.randint(2, 20)}"
        case "timeline_filtered":
            return rng.choice(
                [
                    f"/?topic={topic}",
                    f"/?country={country}",
                    f"/?speaker={official}",
                    f"/?date_from={year}&date_to={year}",
                    f"/?topic={topic}&country={country}&sort=oldest",
                    f"/?kind=paraphrase&date_from={year}-01",
                ]
            )
        case "search":
            word = rng.choice(SEARCH_WORDS).replace(" ", "+")
            return rng.choice([f"/?q={word}", f"/?q={word}&topic={topic}", f"/?q={word}&sort=relevance"])
        case "permalink":
            return f"/statements/{rng.choice(targets['ids'])}/"
        case "entity":
            return rng.choice([f"/officials/{official}/", f"/topics/{topic}/", f"/countries/{country.upper()}/"])
        case "index":
            return rng.choice(["/officials/", "/topics/", "/countries/"])
        case "api":
            return rng.choice([f"/api/statements/?topic={topic}", f"/api/statements/{rng.choice(targets['ids'])}/"])
        case "feed":
            return rng.choice(["/feed.atom", f"/feed.atom?topic={topic}"])
    raise ValueError(kind)


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    headers = {"Host": "127.0.0.1", "Accept-Encoding": "identity", "X-Forwarded-For": client_address()}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def user(port: int, targets: dict, seed: int, sample: Sample, measure_from: float, stop_at: float) -> None:
    """One client: requests back to back until stop_at; only those started after measure_from are recorded."""
    rng = random.Random(seed)
    kinds, weights = zip(*MIX, strict=True)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while (started := time.monotonic()) < stop_at:
        kind = rng.choices(kinds, weights)[0]
        path = request_for(kind, targets, rng)
        try:
            status, _ = get(conn, path)
        except (OSError, http.client.HTTPException) as error:
            status = f"{type(error).__name__}: {error}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        elapsed = time.monotonic() - started
        if started >= measure_from:
            sample.latencies.setdefault(kind, []).append(elapsed)
            if status != 200:
                sample.errors.append(f"{status} {path}")
    conn.close()


def exporter(port: int, sample: Sample, stop_at: float) -> None:
    """Streams the full CSV export for the whole run; a stream the server ends early is an error."""
    while time.monotonic() < stop_at:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.request("GET", "/export.csv", headers={"Host": "127.0.0.1", "X-Forwarded-For": client_address()})
            response = conn.getresponse()
            if response.status != 200:
                sample.errors.append(f"{response.status} /export.csv")
                return
            tail = b""
            while time.monotonic() < stop_at:
                chunk = response.read(EXPORT_CHUNK)
                if not chunk:
                    # The export reports a failure after the headers were sent as a last row starting "#ERROR".
                    if last_line(tail).startswith(b"#ERROR"):
                        sample.errors.append(f"/export.csv ended with an error row: {last_line(tail).decode()}")
                    sample.exports_completed += 1
                    break
                sample.export_bytes += len(chunk)
                sample.export_rows += chunk.count(b"\n")
                tail = chunk[-2000:]
        except (OSError, http.client.HTTPException) as error:
            sample.errors.append(f"/export.csv: {type(error).__name__}: {error}")
            return
        finally:
            conn.close()


def last_line(tail: bytes) -> bytes:
    """The last CSV record of a file's tail, its one cell's quotes taken off: where the export puts its #ERROR row."""
    lines = tail.strip().splitlines()
    return lines[-1].strip(b'"') if lines else b""


def stalled_download(port: int, answers: list[str], stop_at: float) -> None:
    """A client that asks for the whole export and reads no more than the status line, until stop_at; then it goes."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, STALLED_RECEIVE_BUFFER)  # before connect: the window
        sock.settimeout(max(1.0, stop_at - time.monotonic()))
        sock.connect(("127.0.0.1", port))
        sock.sendall(
            b"GET /export.csv HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\n"
            b"X-Forwarded-For: " + client_address().encode() + b"\r\n\r\n"
        )
        status = sock.recv(12)  # b"HTTP/1.1 200": the server sends it with the first chunk of the file
        answers.append(status[9:12].decode() or "closed")
        time.sleep(max(0.0, stop_at - time.monotonic()))
    except OSError as error:
        answers.append(type(error).__name__)
    finally:
        sock.close()


def stall_probe(port: int, targets: dict, seed: int, sample: Sample, stop_at: float) -> None:
    """The requests that froze behind stalled downloads: the timeline, /healthz, a permalink, in turn."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop_at:
        for kind, path in [
            ("timeline", "/"),
            ("healthz", "/healthz"),
            ("permalink", f"/statements/{rng.choice(targets['ids'])}/"),
        ]:
            started = time.monotonic()
            try:
                status, _ = get(conn, path)
            except (OSError, http.client.HTTPException) as error:
                status = f"{type(error).__name__}: {error}"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            sample.latencies.setdefault(kind, []).append(time.monotonic() - started)
            if status != 200:
                sample.errors.append(f"{status} {path} (during stalled downloads)")
    conn.close()


def run_stalled_downloads(port: int, targets: dict, *, clients: int, duration: int) -> dict:
    """`clients` stalled downloads held for `duration` seconds while the probes measure; the timeline's p95 must stay
    within STALLED_TIMELINE_P95. Every client is gone when this returns."""
    sample, answers = Sample(), []
    start = time.monotonic()
    settle = 3  # the stalled clients connect and fill their buffers before the probes start
    probe_until = start + settle + duration
    stalled = [threading.Thread(target=stalled_download, args=(port, answers, probe_until + 1)) for _ in range(clients)]
    for thread in stalled:
        thread.start()
    time.sleep(settle)
    probes = [
        threading.Thread(target=stall_probe, args=(port, targets, seed, sample, probe_until))
        for seed in range(STALL_PROBE_THREADS)
    ]
    for thread in probes:
        thread.start()
    for thread in probes + stalled:
        thread.join()
    requests = summarise(sample, duration)
    errors = list(sample.errors)
    timeline_p95 = requests.get("timeline", {}).get("p95_ms")
    if timeline_p95 is None or timeline_p95 > STALLED_TIMELINE_P95 * 1000:
        errors.append(
            f"timeline p95 {timeline_p95} ms during {clients} stalled downloads, over "
            f"{STALLED_TIMELINE_P95 * 1000:.0f} ms"
        )
    return {
        "clients": clients,
        "duration_s": duration,
        "answers": {answer: answers.count(answer) for answer in sorted(set(answers))},
        "requests": requests,
        "errors": errors,
    }


def outage_probe(port: int, targets: dict, seed: int, sample: Sample, stop_at: float) -> None:
    """Search, the API list and the start of the export (its status and first chunk), in turn, until stop_at."""
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        for kind, path in [
            ("search", f"/?q={rng.choice(SEARCH_WORDS).replace(' ', '+')}"),
            ("api", f"/api/statements/?topic={rng.choice(targets['topics'])}"),
            ("export_start", "/export.csv"),
        ]:
            started = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-For": client_address()})
                response = conn.getresponse()
                status = response.status
                response.read(EXPORT_CHUNK) if kind == "export_start" else response.read()
            except (OSError, http.client.HTTPException) as error:
                status = f"{type(error).__name__}: {error}"
            finally:
                conn.close()
            sample.latencies.setdefault(kind, []).append(time.monotonic() - started)
            if status != 200:
                sample.errors.append(f"{status} {path} (Redis outage scenario)")


def run_redis_outage(port: int, targets: dict, redis: RedisServer, *, duration: int) -> dict:
    """Probes for `duration` seconds with the server's Redis shut down half-way; every answer must be 200 and
    /readyz must report the cache degraded (not the whole server unready)."""
    sample = Sample()
    stop_at = time.monotonic() + duration
    probes = [
        threading.Thread(target=outage_probe, args=(port, targets, seed, sample, stop_at))
        for seed in range(REDIS_OUTAGE_PROBE_THREADS)
    ]
    for thread in probes:
        thread.start()
    time.sleep(duration / 2)
    redis.shutdown()
    stopped_at = time.monotonic()
    for thread in probes:
        thread.join()
    errors = list(sample.errors)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        status, body = get(conn, "/readyz")
        readiness = json.loads(body) if status == 200 else {"status": status}
    except (OSError, http.client.HTTPException, ValueError) as error:
        readiness = {"error": f"{type(error).__name__}: {error}"}
    finally:
        conn.close()
    if readiness.get("cache") != "degraded":
        errors.append(f"/readyz with Redis down answered {readiness}, not 200 with the cache degraded")
    return {
        "duration_s": duration,
        "redis_down_for_s": round(time.monotonic() - stopped_at, 1) if probes else 0,
        "readiness_with_redis_down": readiness,
        "requests": summarise(sample, duration),
        "errors": errors,
    }


def drop_connections(url: str, every: int, stop_at: float, drops: list[str]) -> None:
    """Every `every` seconds until stop_at, end one of the server's connections to the served database: every other
    time one that is busy if there is one (a query running, or a transaction open: an export between two reads),
    else one picked at random. Records the state it was in, or "none" when the server held no connection."""
    turn = 0
    while time.monotonic() + every < stop_at:
        time.sleep(every)
        turn += 1
        busy_first = "state <> 'idle' DESC," if turn % 2 else ""
        answer = bench.psql(
            url,
            f"""
            SELECT coalesce(state, '?') || ' ' || pg_terminate_backend(pid)
            FROM (
                SELECT pid, state FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = '{SERVER_APPLICATION_NAME}'
                  AND pid <> pg_backend_pid()
                ORDER BY {busy_first} random() LIMIT 1
            ) AS chosen
            """,
        )
        drops.append(answer.rsplit(" ", 1)[0] if answer.endswith(" true") else "none")


def read_export(port: int, stop_at: float) -> str:
    """Download the whole CSV export: "complete", "interrupted" (it ends with the row saying the database connection
    was lost), "unfinished" (still streaming at stop_at), or what went wrong."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/export.csv", headers={"Host": "127.0.0.1", "X-Forwarded-For": client_address()})
        response = conn.getresponse()
        if response.status != 200:
            return f"{response.status}"
        tail = b""
        while chunk := response.read(EXPORT_CHUNK):
            tail = (tail + chunk)[-2000:]
            if time.monotonic() > stop_at:
                return "unfinished"
        last = last_line(tail)
        if last.startswith(LOST_CONNECTION_ROW):
            return "interrupted"
        return f"ended with an error row: {last.decode()}" if last.startswith(b"#ERROR") else "complete"
    except (OSError, http.client.HTTPException) as error:
        return f"{type(error).__name__}: {error}"
    finally:
        conn.close()


def drop_probe(
    port: int, targets: dict, seed: int, sample: Sample, exports: threading.Semaphore, stop_at: float
) -> None:
    """The timeline, a search, a permalink, the API's list and one statement, and a whole export, in turn."""
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        for kind, path in [
            ("timeline", "/"),
            ("search", f"/?q={rng.choice(SEARCH_WORDS).replace(' ', '+')}"),
            ("permalink", f"/statements/{rng.choice(targets['ids'])}/"),
            ("api", f"/api/statements/?topic={rng.choice(targets['topics'])}"),
            ("api", f"/api/statements/{rng.choice(targets['ids'])}/"),
            ("export", "/export.csv"),
        ]:
            started = time.monotonic()
            if kind == "export":
                with exports:
                    started = time.monotonic()
                    outcome = read_export(port, min(stop_at, started + DB_DROP_EXPORT_SECONDS))
                if outcome == "complete":
                    sample.exports_completed += 1
                elif outcome == "interrupted":
                    sample.exports_interrupted += 1
                elif outcome == "unfinished":
                    sample.exports_read_in_part += 1
                else:
                    sample.errors.append(f"{outcome} {path} (database-drop scenario)")
            else:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                try:
                    status, _ = get(conn, path)
                except (OSError, http.client.HTTPException) as error:
                    status = f"{type(error).__name__}: {error}"
                finally:
                    conn.close()
                if status != 200:
                    sample.errors.append(f"{status} {path} (database-drop scenario)")
            sample.latencies.setdefault(kind, []).append(time.monotonic() - started)


def server_log_counts(log_path: Path, since: int) -> dict:
    """What the server logged from byte `since` on: views run again, exports read again or cut short, 500s."""
    text = log_path.read_bytes()[since:].decode(errors="replace")
    return {
        "views_run_again": text.count("running the view again on a new connection"),
        "exports_read_again": text.count("CSV export: database connection lost before the first row"),
        "exports_cut_short": text.count("CSV export cut short: the database connection was lost"),
        "server_errors": text.count("Internal Server Error"),
    }


def run_db_drops(port: int, targets: dict, url: str, log_path: Path, *, every: int, duration: int) -> dict:
    """Probes for `duration` seconds while one of the server's database connections is ended every `every`
    seconds: every answer must be 200, an export cut mid-stream must end with its #ERROR row (counted apart)."""
    sample, drops, exports = Sample(), [], threading.Semaphore(DB_DROP_EXPORTS)
    log_from = log_path.stat().st_size
    stop_at = time.monotonic() + duration
    threads = [threading.Thread(target=drop_connections, args=(url, every, stop_at, drops))]
    threads += [
        threading.Thread(target=drop_probe, args=(port, targets, seed, sample, exports, stop_at))
        for seed in range(DB_DROP_PROBE_THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = list(sample.errors)
    ended = [state for state in drops if state != "none"]
    if not ended:
        errors.append(f"no server connection was ended in {len(drops)} attempts: the scenario tested nothing")
    time.sleep(1)  # the server's last log lines
    return {
        "duration_s": duration,
        "drop_every_s": every,
        "connections_ended": {state: ended.count(state) for state in sorted(set(ended))},
        "attempts_without_a_connection": len(drops) - len(ended),
        "requests": summarise(sample, duration),
        "exports_completed": sample.exports_completed,
        "exports_interrupted": sample.exports_interrupted,
        "exports_read_in_part": sample.exports_read_in_part,
        "server_log": server_log_counts(log_path, log_from),
        "errors": errors,
    }


def busy_processes() -> list[str]:
    """What else is using the CPU (the load test shares its machine): the top processes, for the record."""
    ps = subprocess.run(["ps", "-eo", "pcpu,etime,args", "--sort=-pcpu"], capture_output=True, text=True).stdout
    return [line.strip()[:160] for line in ps.splitlines()[1:8]]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summarise(sample: Sample, duration: float) -> dict:
    rows = {}
    everything = [value for values in sample.latencies.values() for value in values]
    for kind, values in [*sorted(sample.latencies.items()), ("all", everything)]:
        rows[kind] = {
            "requests": len(values),
            "per_second": round(len(values) / duration, 1),
            "p50_ms": round(percentile(values, 50) * 1000),
            "p95_ms": round(percentile(values, 95) * 1000),
            "p99_ms": round(percentile(values, 99) * 1000),
            "max_ms": round(max(values) * 1000),
            "mean_ms": round(statistics.fmean(values) * 1000),
        }
    return rows


def wait_until_healthy(port: int, server: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before answering; see its log above")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if get(conn, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def run_engine(
    engine: str,
    *,
    users: int,
    duration: int,
    count: int,
    stalled: int,
    stall_duration: int,
    db_drops: int,
    db_drop_duration: int,
    redis_outage: int,
) -> dict:
    url = database_url(engine, count)
    port = free_port()
    redis = RedisServer() if shutil.which("redis-server") else None
    if redis is None:
        print("redis-server not found: rate limits off, no Redis outage scenario", flush=True)
    env = server_env(url, port, redis.url if redis else "")
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    targets = pick_targets(url)
    RESULTS.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS / f"{engine}-gunicorn.log"  # kept out of git (loadtest/.gitignore)
    with open(log_path, "w") as log:
        # A process group of its own, so stopping it stops its workers and nothing else.
        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_healthy(port, server, time.monotonic() + 60)
            workers = int(env.get("WEB_CONCURRENCY", os.cpu_count() * 2 + 1))
            sample = Sample()
            load_before, busy_before = os.getloadavg(), busy_processes()
            if users:
                run_mix(port, targets, sample, engine=engine, workers=workers, users=users, duration=duration)
            load_after, busy_after = os.getloadavg(), busy_processes()
            stall = None
            if stalled:
                print(f"{engine}: {stalled} stalled downloads for {stall_duration} s, probing the timeline", flush=True)
                stall = run_stalled_downloads(port, targets, clients=stalled, duration=stall_duration)
            drops = None
            if db_drops and engine == "postgresql":
                print(
                    f"{engine}: a server connection ended every {db_drops} s for {db_drop_duration} s of probes",
                    flush=True,
                )
                drops = run_db_drops(port, targets, url, log_path, every=db_drops, duration=db_drop_duration)
            elif db_drops:
                drops = {"skipped": NO_SERVER_CONNECTION}
                print(f"{engine}: no database-drop scenario: {NO_SERVER_CONNECTION}", flush=True)
            outage = None
            if redis_outage and redis:
                print(f"{engine}: Redis shut down half-way through {redis_outage} s of probes", flush=True)
                outage = run_redis_outage(port, targets, redis, duration=redis_outage)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
            if redis:
                redis.stop()
    errors = [*sample.errors]
    for scenario in (stall, drops, outage):
        errors += (scenario or {}).get("errors", [])
    result = {
        "engine": engine,
        "statements_generated": count,
        "users": users,
        "duration_s": duration,
        "workers": workers,
        "threads_per_worker": int(env.get("GUNICORN_THREADS", 4)),
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "busy_processes_before": busy_before,
        "busy_processes_at_end": busy_after,
        "requests": summarise(sample, duration) if users else {},
        "errors": len(errors),
        "error_examples": errors[:20],
        "export": {
            "mb": round(sample.export_bytes / 1e6, 1),
            "rows": sample.export_rows,
            "rows_per_second": round(sample.export_rows / (duration + WARMUP_SECONDS)),
            "completed": sample.exports_completed,
        },
        "stalled_downloads": stall,
        "db_drops": drops,
        "redis_outage": outage,
        "finished_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }
    name = engine if count == bench.DEFAULT_COUNT else f"{engine}-{count}"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def run_mix(port: int, targets: dict, sample: Sample, *, engine: str, workers: int, users: int, duration: int) -> None:
    """The mix of pages from `users` threads plus one export streaming alongside, warm-up then `duration` s."""
    print(
        f"{engine}: gunicorn on 127.0.0.1:{port} ({workers} workers), {users} users + 1 export, "
        f"{WARMUP_SECONDS} s warm-up + {duration} s measured",
        flush=True,
    )
    start = time.monotonic()
    measure_from, stop_at = start + WARMUP_SECONDS, start + WARMUP_SECONDS + duration
    threads = [threading.Thread(target=exporter, args=(port, sample, stop_at))]
    threads += [
        threading.Thread(target=user, args=(port, targets, seed, sample, measure_from, stop_at))
        for seed in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def print_table(result: dict) -> None:
    mix = f"{result['users']} users, {result['duration_s']} s" if result["users"] else "scenarios only"
    print(f"\n{result['engine']}: {mix}, {result['errors']} errors")
    print(f"load average before {result['load_average_before']}, after {result['load_average_after']}")
    print(f"{'request':<18} {'count':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    for kind, row in result["requests"].items():
        print(
            f"{kind:<18} {row['requests']:>7} {row['per_second']:>7} {row['p50_ms']:>7} {row['p95_ms']:>7} "
            f"{row['p99_ms']:>7} {row['max_ms']:>7}"
        )
    export = result["export"]
    if result["users"]:
        print(
            f"export.csv alongside: {export['rows']} rows ({export['mb']} MB, {export['rows_per_second']} rows/s), "
            f"{export['completed']} complete"
        )
    stall = result["stalled_downloads"]
    if stall:
        print(f"during {stall['clients']} stalled downloads ({stall['duration_s']} s), answers {stall['answers']}:")
        for kind, row in stall["requests"].items():
            print(
                f"{kind:<18} {row['requests']:>7} {row['per_second']:>7} {row['p50_ms']:>7} {row['p95_ms']:>7} "
                f"{row['p99_ms']:>7} {row['max_ms']:>7}"
            )
    drops = result["db_drops"]
    if drops and "skipped" in drops:
        print(f"no database-drop scenario: {drops['skipped']}")
    elif drops:
        print(
            f"database drops ({drops['duration_s']} s, one every {drops['drop_every_s']} s): connections ended "
            f"{drops['connections_ended']}; exports complete {drops['exports_completed']}, interrupted (counted, "
            f"not errors) {drops['exports_interrupted']}, read in part {drops['exports_read_in_part']}; "
            f"server log {drops['server_log']}:"
        )
        for kind, row in drops["requests"].items():
            print(
                f"{kind:<18} {row['requests']:>7} {row['per_second']:>7} {row['p50_ms']:>7} {row['p95_ms']:>7} "
                f"{row['p99_ms']:>7} {row['max_ms']:>7}"
            )
    outage = result["redis_outage"]
    if outage:
        print(
            f"Redis outage ({outage['duration_s']} s, down for the last {outage['redis_down_for_s']} s), "
            f"/readyz then {outage['readiness_with_redis_down']}:"
        )
        for kind, row in outage["requests"].items():
            print(
                f"{kind:<18} {row['requests']:>7} {row['per_second']:>7} {row['p50_ms']:>7} {row['p95_ms']:>7} "
                f"{row['p99_ms']:>7} {row['max_ms']:>7}"
            )
    for error in result["error_examples"]:
        print("  error:", error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--duration", type=int, default=60, help="measured seconds, after a 10 s warm-up")
    parser.add_argument("--count", type=int, default=None, help="a smaller database of its own, for a quick try")
    parser.add_argument(
        "--stalled", type=int, default=STALLED_DOWNLOADS, help="stalled downloads after the mix (0: none)"
    )
    parser.add_argument("--stall-duration", type=int, default=STALL_SECONDS, help="seconds the downloads stall")
    parser.add_argument(
        "--db-drops",
        type=int,
        default=DB_DROP_EVERY,
        metavar="SECONDS",
        help="PostgreSQL: end one of the server's database connections every SECONDS during probes (0: no scenario)",
    )
    parser.add_argument(
        "--db-drop-duration", type=int, default=DB_DROP_SECONDS, help="seconds of probes while connections drop"
    )
    parser.add_argument(
        "--redis-outage",
        type=int,
        default=REDIS_OUTAGE_SECONDS,
        help="seconds of probes with Redis shut down half-way (0: none)",
    )
    parser.add_argument("--no-mix", action="store_true", help="only the scenarios: stalled downloads, drops, Redis")
    args = parser.parse_args()
    count = args.count or bench.DEFAULT_COUNT
    users = 0 if args.no_mix else max(1, min(args.users, MAX_USERS))
    duration = max(5, min(args.duration, MAX_DURATION))
    stalled = max(0, min(args.stalled, MAX_USERS))
    stall_duration = max(5, min(args.stall_duration, MAX_STALL_SECONDS))
    db_drops = 0 if args.db_drops <= 0 else min(args.db_drops, MAX_DB_DROP_EVERY)
    db_drop_duration = max(2 * db_drops, 10, min(args.db_drop_duration, MAX_DB_DROP_SECONDS))
    redis_outage = 0 if args.redis_outage <= 0 else max(6, min(args.redis_outage, MAX_REDIS_OUTAGE_SECONDS))
    print(f"load average before: {os.getloadavg()}", flush=True)
    results = [
        run_engine(
            engine,
            users=users,
            duration=duration,
            count=count,
            stalled=stalled,
            stall_duration=stall_duration,
            db_drops=db_drops,
            db_drop_duration=db_drop_duration,
            redis_outage=redis_outage,
        )
        for engine in args.engines
    ]
    for result in results:
        print_table(result)
    sys.exit(1 if any(result["errors"] for result in results) else 0)


if __name__ == "__main__":
    main()
