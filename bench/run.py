"""The million-statement benchmark behind `make bench`: build (or reuse) the databases, measure, print, save JSON.

    .venv/bin/python -m bench.run [--engines sqlite postgres] [--count N] [--seed S] [--runs R]

For each engine it
1. builds the database once: `migrate`, then `generate_statements --count N --seed S` (bulk inserts + ANALYZE).
   SQLite lives in bench/cache/bench-1m.sqlite3 (gitignored); PostgreSQL in the database st_bench
   (BENCH_POSTGRES_URL overrides); another --count has its own, bench/cache/bench-N.sqlite3 and st_bench_N. The
   build is reused while its key matches: count, seed and a hash of the generator's source
   (statements/sample_data/synthetic.py, statements/sample_data/demo.py). Newer migrations (indexes) are applied
   to a reused database, followed by ANALYZE (VACUUM ANALYZE on PostgreSQL), so the key does not have to include
   the migration state. The synthetic statements' codings are topped up on a reused database
   (`code_synthetic`, statements/sample_data/codings.py: outside the key, so a database built before codings gets
   them without a rebuild; nothing to do on one coded already);
2. measures, in a fresh Python process, through Django's test Client and the real URLconf (middleware, templates,
   everything): the timeline over a fixed matrix of filters (a warm-up, then --runs timed requests each: p50/p95
   server time, SQL query count, slowest SQL statement), deep pages, full-text search pages and the admin
   changelist;
3. times the database's own command-line client writing the equivalent join as CSV (`sqlite3 -csv`,
   `psql \\copy`, best of two), then streams the CSV export of every published statement in another fresh process
   (seconds, rows/s, peak RSS growth), for the ratio. The client goes first so that both are timed with the
   tables in the OS cache.
   Then writes an open-data release of every published statement (`manage.py release`'s function, synthetic
   statements included since the benchmark's are all synthetic) into a temporary folder, removed afterwards:
   seconds, peak RSS, bytes written. Skipped with --no-release.

4. measures the email alerts' bar (bench/alerts.py) on a copy of the database, dropped afterwards: 10,000 confirmed
   subscriptions, 2,000 statements published, one `send_alerts` run through a real SMTP server in a process of its
   own (bench/smtp_sink.py), DKIM-signing as production does: seconds, peak memory, digests sent. Only that step:
   `python -m bench.run alerts`; skipped with --no-alerts.

Results are printed as a table and written to bench/results/<UTC timestamp>.json and bench/results/latest.json
(`alerts` alone: bench/results/<UTC timestamp>-alerts.json).
Nothing here asserts a target: the figures, and the targets they are compared with, go to docs/performance.md.
"""

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.process import rss_mb, setup_django

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "cache"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEFAULT_COUNT = 1_032_000  # 3 % drafts and 0.1 % retractions leave about one million published statements
DEFAULT_SEED = 1
DEFAULT_RUNS = 5
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/st_bench")
GENERATOR_SOURCES = ["statements/sample_data/synthetic.py", "statements/sample_data/demo.py"]
ADMIN_USERNAME = "bench-admin"
SLOW_MS = 2500  # a URL slower than this at warm-up is timed only once or twice (recorded as "runs")
ALERTS_SUBSCRIPTIONS = 10_000  # the alerts' bar (issue #23): subscriptions, and statements published before the run
ALERTS_PUBLISH = 2_000
EXPORT_MAX_SECONDS = int(os.environ.get("BENCH_EXPORT_MAX_SECONDS", "900"))  # then rows/s is over a partial file

TARGETS = {
    "timeline_p50_ms": 50,
    "timeline_p95_ms": 250,
    "slowest_sql_ms": 1000,
    "deep_page_ratio": 2.0,
    "search_p50_ms": {"postgresql": 100, "sqlite": 200},
    "admin_ms": 500,
    "pages_p50_ms": 50,
    "pages_worst_p50_ms": 250,
    "export_cli_ratio": 0.5,
    "export_memory_mb": 50,
    "import_100k_seconds": 60,
    "import_memory_mb": 200,
    "release_seconds": 300,
    "release_memory_mb": 200,
    "alerts_seconds": 60,
    "compare_p50_ms": 150,
    "compare_p95_ms": 400,
    "extract_2000_words_ms": 500,
    "alerts_memory_mb": 200,
}

# The timeline's filter matrix: single filters, combinations, common and rare values, date ranges, words, order.
# Slugs and codes are those of statements/sample_data/synthetic.py and the demo topic tree
# (statements/sample_data/demo.py).
TIMELINE_MATRIX: list[tuple[str, dict]] = [
    ("unfiltered", {}),
    ("page 2", {"page": "2"}),
    ("oldest first", {"sort": "oldest"}),
    ("common topic (Russia–US)", {"topic": "russia-us-relations"}),
    ("rare topic (Syrian opposition)", {"topic": "syrian-opposition"}),
    ("parent topic (Middle East subtree)", {"topic": "middle-east"}),
    ("empty topic (US elections)", {"topic": "us-elections"}),
    (
        "empty, three filters to drop",
        {"speaker": "ada-quillfeather-fictional", "topic": "us-elections", "date_from": "2020"},
    ),
    ("common speaker", {"speaker": "ada-quillfeather-fictional"}),
    ("rare speaker", {"speaker": "nadia-emberlin-fictional"}),
    ("speaker's country", {"speaker_country": "fr"}),
    ("common country concerned (US)", {"country": "us"}),
    ("rare country concerned (North Korea)", {"country": "kp"}),
    ("kind paraphrase", {"kind": "paraphrase"}),
    ("common outlet (Demo Wire, a quarter)", {"outlet": "demo-wire-synthetic"}),
    ("rare outlet (1 %)", {"outlet": "jerusalem-demo-report-synthetic"}),
    ("language en (about half)", {"language": "en"}),
    ("rare language (he, 1 %)", {"language": "he"}),
    ("outlet + topic", {"outlet": "vestnik-demo-synthetic", "topic": "syria"}),
    ("one month", {"date_from": "2019-03", "date_to": "2019-03"}),
    ("one year", {"date_from": "2021", "date_to": "2021"}),
    ("18 months, oldest first", {"date_from": "2018-01", "date_to": "2019-06", "sort": "oldest"}),
    ("common topic + rare country", {"topic": "russia-us-relations", "country": "kp"}),
    ("rare speaker + rare topic", {"speaker": "nadia-emberlin-fictional", "topic": "aleppo"}),
    (
        "common speaker + year + paraphrase",
        {"speaker": "ada-quillfeather-fictional", "date_from": "2020", "kind": "paraphrase"},
    ),
    ("two topics + two countries", {"topic": ["sanctions", "energy"], "country": ["cn", "de"]}),
    (
        "topic + speaker's country + month",
        {"topic": "syria", "speaker_country": "ru", "date_from": "2017-05", "date_to": "2017-05"},
    ),
    ("common word", {"q": "cooperation"}),
    ("rare word", {"q": "hotline"}),
    ("word + topic", {"q": "ceasefire", "topic": "syria"}),
    ("coded toward (US)", {"target": "us"}),
    ("coded toward + stance (US, critical)", {"target": "us", "stance": "-1"}),
    # Values nobody published, kept in the form's lists with a count of 0 while chosen (docs/option-counts.md).
    ("chosen values without statements", {"country": "aq", "language": "xh"}),
]

SEARCH_MATRIX: list[tuple[str, dict]] = [
    ("common word", {"q": "cooperation"}),
    ("two common words", {"q": "security dialogue"}),
    ("rare word", {"q": "hotline"}),
    ("phrase", {"q": '"arms control"'}),
    ("speaker's name", {"q": "Quillfeather"}),
    ("word, oldest first", {"q": "sanctions", "sort": "oldest"}),
    ("word, most relevant first", {"q": "ceasefire", "sort": "relevance"}),
    ("rare word, most relevant first", {"q": "hotline", "sort": "relevance"}),
    ("word + exclusion", {"q": "ceasefire -Syria"}),
    ("no match", {"q": "zyzzyva"}),
]


# The compare page over the whole range (docs/compare.md): four series of speakers' countries toward targets, the
# drift's pair both ways among them (statements/sample_data/codings.py), and the relations pages of the drift's pair
# and of the busiest pair: the bar, summed from the rollup. A series with words or a topic is counted exactly
# from the statements it matches (no rollup holds words): measured on its own, reported against no target.
COMPARE_FOUR = {
    "s1": "speaker_country=fr&target=cn",
    "s2": "speaker_country=cn&target=fr",
    "s3": "speaker_country=ru&target=us",
    "s4": "speaker_country=us&target=ru",
}
COMPARE_PAGES = [
    ("compare, four series", "/compare/?" + urlencode(COMPARE_FOUR)),
    ("compare, four series, by years", "/compare/?" + urlencode({**COMPARE_FOUR, "step": "year"})),
    ("compare JSON, four series", "/compare.json?" + urlencode(COMPARE_FOUR)),
    ("relations, drift pair", "/relations/cn-fr/"),
    ("relations, RU and US", "/relations/ru-us/"),
]
COMPARE_COUNTED_PAGES = [
    ("compare, words and a target", "/compare/?" + urlencode({"s1": "q=ceasefire&target=us"})),
    ("compare, a common topic", "/compare/?" + urlencode({"s1": "topic=syria"})),
]


# --- Orchestration (the parent process) ---------------------------------------------------------------------------


def build_key(count: int, seed: int) -> dict:
    digest = hashlib.sha256()
    for name in GENERATOR_SOURCES:
        digest.update((ROOT / name).read_bytes())
    return {"count": count, "seed": seed, "generator": digest.hexdigest()[:16]}


def manage(database_url: str, *args: str, capture: bool = False) -> str:
    """Run manage.py against one database, streaming its output (the progress bar) unless captured."""
    env = bench_env(database_url)
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


def bench_env(database_url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url, DEBUG="0", RATELIMIT_ENABLED="0")
    env.pop("DATABASE_REPLICA_URL", None)
    return env


def sqlite_paths(count: int) -> tuple[Path, Path]:
    name = "bench-1m" if count == DEFAULT_COUNT else f"bench-{count}"
    return CACHE / f"{name}.sqlite3", CACHE / f"{name}.json"


def reusable(stored: dict | None, key: dict, keep: bool) -> bool:
    """A built database is reused while its key matches; with --keep-database whenever it holds the same count and
    seed, so that two versions of the code are measured on the same data (their generators' files may differ)."""
    if not stored:
        return False
    if stored == key:
        return True
    same_data = (stored.get("count"), stored.get("seed")) == (key["count"], key["seed"])
    if keep and same_data:
        print(f"  kept although the generator changed ({stored['generator']} -> {key['generator']})", flush=True)
    return keep and same_data


def ensure_sqlite(count: int, seed: int, keep: bool = False) -> str:
    path, marker = sqlite_paths(count)
    key = build_key(count, seed)
    url = f"sqlite:///{path}"
    if path.exists() and marker.exists() and reusable(json.loads(marker.read_text()), key, keep):
        print(f"SQLite: reusing {path.relative_to(ROOT)} ({key})", flush=True)
        return url
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), marker):
        stale.unlink(missing_ok=True)
    print(f"SQLite: building {path.relative_to(ROOT)} ({key})", flush=True)
    started = time.monotonic()
    manage(url, "migrate", "--no-input", "-v0")
    manage(url, "generate_statements", "--count", str(count), "--seed", str(seed))
    marker.write_text(json.dumps(key))
    print(f"SQLite: built in {time.monotonic() - started:.0f} s", flush=True)
    return url


def top_up_codings(url: str) -> None:
    """Code the synthetic statements of a database built before codings existed (statements/sample_data/codings.py,
    outside the build key, so the statements are not rebuilt for it): it carries on after the last coded statement,
    so on a database coded already it finds nothing to do."""
    print("Codings: topping up the synthetic codings (code_synthetic)…", flush=True)
    manage(url, "code_synthetic")


def top_up_reports(url: str) -> None:
    """Give ~2 % of the synthetic statements another report on a database built before other reports existed
    (statements/sample_data/reports.py, outside the build key like the codings): it carries on after the last
    statement given one, so on a database reported already it finds nothing to do."""
    print("Other reports: topping up the synthetic other reports (report_synthetic)…", flush=True)
    manage(url, "report_synthetic")


def psql(url: str, sql: str) -> str:
    parts = urlsplit(url)
    command = ["psql", "-X", "-q", "-t", "-A", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    command += ["-U", parts.username or "postgres", "-d", parts.path.lstrip("/"), "-c", sql]
    env = dict(os.environ, PGPASSWORD=parts.password or "")
    return subprocess.run(command, check=True, text=True, capture_output=True, env=env).stdout.strip()


def postgres_url(count: int) -> str:
    """The million's database is POSTGRES_URL's; another count has its own beside it (st_bench_5000), as SQLite has
    its own file, so that a quick try on a small database never drops the million."""
    if count == DEFAULT_COUNT:
        return POSTGRES_URL
    parts = urlsplit(POSTGRES_URL)
    return parts._replace(path=f"{parts.path}_{count}").geturl()


def ensure_postgres(count: int, seed: int, keep: bool = False) -> str:
    """The key is stored as the database's comment, so a reused database says what it holds."""
    url = postgres_url(count)
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    key = build_key(count, seed)
    comment = psql(
        maintenance, f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{name}'"
    )
    if comment and reusable(json.loads(comment), key, keep):
        print(f"PostgreSQL: reusing database {name} ({key})", flush=True)
        return url
    print(f"PostgreSQL: building database {name} ({key})", flush=True)
    started = time.monotonic()
    psql(maintenance, f'DROP DATABASE IF EXISTS "{name}"')
    psql(maintenance, f'CREATE DATABASE "{name}"')
    manage(url, "migrate", "--no-input", "-v0")
    manage(url, "generate_statements", "--count", str(count), "--seed", str(seed))
    psql(maintenance, f"COMMENT ON DATABASE \"{name}\" IS '{json.dumps(key)}'")
    print(f"PostgreSQL: built in {time.monotonic() - started:.0f} s", flush=True)
    return url


def settle(engine: str, database_url: str) -> None:
    """Write out what a build (or the step before) left dirty in memory before timing anything, so that the
    measurements do not share the disk with that write-back. Suspected, not proven: the first run after a fresh
    build has timed PostgreSQL's timeline a third slower than the same code half an hour later, with the CPU check
    unchanged. A CHECKPOINT flushes PostgreSQL's dirty buffers, sync() the OS's."""
    if engine == "postgresql":
        psql(database_url, "CHECKPOINT")
    os.sync()


def child(database_url: str, mode: str, runs: int, *extra: str, env: dict | None = None) -> dict:
    """Measure in a fresh process, so one engine's caches and memory do not colour the other's figures."""
    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / f"result-{mode}-{os.getpid()}.json"
    subprocess.run(
        [PYTHON, "-m", "bench.run", mode, "--runs", str(runs), "--out", str(out), *extra],
        cwd=ROOT,
        env={**bench_env(database_url), **(env or {})},
        check=True,
    )
    data = json.loads(out.read_text())
    out.unlink()
    return data


def copy_database(engine: str, database_url: str) -> str:
    """A copy of a benchmark database for a step that writes (the alerts'), so the original is left as it was:
    SQLite's file through its backup API (WAL included), PostgreSQL's database as a template. The copy's URL."""
    if engine == "sqlite":
        source = Path(urlsplit(database_url).path)
        target = source.with_name(f"{source.stem}-alerts.sqlite3")
        drop_copy(engine, f"sqlite:///{target}")
        with (
            contextlib.closing(sqlite3.connect(source)) as original,
            contextlib.closing(sqlite3.connect(target)) as copy,
        ):
            original.backup(copy)
        return f"sqlite:///{target}"
    parts = urlsplit(database_url)
    name, copy = parts.path.lstrip("/"), f"{parts.path.lstrip('/')}_alerts"
    drop_copy(engine, parts._replace(path=f"/{copy}").geturl())
    # Fails while another session is connected to the original (a load test, say): try again once it is done.
    psql(parts._replace(path="/postgres").geturl(), f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    return parts._replace(path=f"/{copy}").geturl()


def drop_copy(engine: str, copy_url: str) -> None:
    parts = urlsplit(copy_url)
    if engine == "sqlite":
        for path in (parts.path, f"{parts.path}-wal", f"{parts.path}-shm"):
            Path(path).unlink(missing_ok=True)
        return
    psql(parts._replace(path="/postgres").geturl(), f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


def measure_alerts_on_copy(engine: str, database_url: str, subscriptions: int, publish: int) -> dict:
    """The alerts' bar (bench/alerts.py) on a copy of the database: subscriptions and statements added in one
    process, one `send_alerts` run timed in another, through an SMTP server in a third; the copy dropped at the end."""
    from bench import alerts, smtp_sink

    copy = copy_database(engine, database_url)
    try:
        made = child(
            copy, "alerts-prepare", 1, "--alerts-subscriptions", str(subscriptions), "--alerts-publish", str(publish)
        )
        settle(engine, copy)
        with tempfile.TemporaryDirectory() as folder:
            key = Path(folder) / "dkim.pem"  # signed as in production (docs/alerts.md): the signature costs CPU
            subprocess.run(
                ["openssl", "genrsa", "-traditional", "-out", str(key), "2048"], check=True, capture_output=True
            )
            counts = Path(folder) / "smtp.json"
            port = smtp_sink.free_port()
            server = subprocess.Popen(
                [PYTHON, "-m", "bench.smtp_sink", "--port", str(port), "--out", str(counts)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            try:
                if server.stdout.readline().strip() != "ready":
                    raise RuntimeError("the SMTP server (bench/smtp_sink.py) did not start")
                mail = {
                    "EMAIL_HOST": "127.0.0.1",
                    "EMAIL_PORT": str(port),
                    "EMAIL_USE_TLS": "0",
                    "EMAIL_USE_SSL": "0",
                    "DKIM_PRIVATE_KEY_FILE": str(key),
                    "DKIM_SELECTOR": "bench",
                    "DKIM_DOMAIN": alerts.ADDRESS_DOMAIN,
                }
                result = child(copy, "alerts-send", 1, env=mail)
            finally:
                server.terminate()
                server.wait(timeout=60)
            result["smtp"] = json.loads(counts.read_text())
    finally:
        drop_copy(engine, copy)
    if result["smtp"]["messages"] != result["digests_sent"]:
        raise RuntimeError(
            f"the SMTP server took {result['smtp']['messages']} messages for {result['digests_sent']} digests"
        )
    result["prepared"] = made
    return result


def cli_reference(engine: str, database_url: str, rows: int) -> dict:
    """The command-line client writing the equivalent join as CSV to /dev/null, timed (best of two)."""
    times = []
    for _ in range(2):
        started = time.perf_counter()
        if engine == "sqlite":
            path = urlsplit(database_url).path
            subprocess.run(
                ["/usr/bin/sqlite3", "-csv", path, CLI_EXPORT_SQL["sqlite"]],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            tool = "sqlite3 -csv"
        else:
            psql(database_url, f"\\copy ({CLI_EXPORT_SQL['postgresql']}) TO '/dev/null' CSV")
            tool = "psql \\copy … CSV"
        times.append(time.perf_counter() - started)
    seconds = min(times)
    return {"tool": tool, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds), "sql": CLI_EXPORT_SQL}


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    load = os.getloadavg()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "load_average_at_start": [round(x, 2) for x in load],
        "python": platform.python_version(),
        "sqlite_cli": subprocess.run(["/usr/bin/sqlite3", "--version"], capture_output=True, text=True).stdout.split()[
            0:1
        ],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build (or reuse) the million-statement databases and measure.")
    modes = ["all", "alerts", "measure", "export", "import", "release", "alerts-prepare", "alerts-send", "markdown"]
    parser.add_argument("mode", nargs="?", default="all", choices=modes)
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="Timed requests per URL after a warm-up.")
    parser.add_argument("--no-export", action="store_true", help="Skip the CSV export (the slowest part).")
    parser.add_argument("--no-release", action="store_true", help="Skip writing an open-data release.")
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="Reuse a built database of the same count and seed even if the generator's files changed.",
    )
    parser.add_argument(
        "--import-rows",
        type=int,
        default=0,
        metavar="N",
        help="Also time `import_statements` of N generated rows (rolled back: the database is left as it was).",
    )
    parser.add_argument("--no-alerts", action="store_true", help="Skip the alerts' send_alerts run.")
    parser.add_argument("--alerts-subscriptions", type=int, default=ALERTS_SUBSCRIPTIONS, metavar="N")
    parser.add_argument("--alerts-publish", type=int, default=ALERTS_PUBLISH, metavar="N")
    parser.add_argument("--out", help="(the steps run in a child) where the child writes its JSON.")
    args = parser.parse_args(argv)
    if args.mode == "measure":
        write_json(Path(args.out), measure(runs=args.runs))
        return
    if args.mode == "export":
        write_json(Path(args.out), measure_export())
        return
    if args.mode == "import":
        write_json(Path(args.out), measure_import(args.import_rows))
        return
    if args.mode == "release":
        write_json(Path(args.out), measure_release())
        return
    if args.mode == "alerts-prepare":
        from bench import alerts

        write_json(
            Path(args.out),
            alerts.prepare(subscriptions=args.alerts_subscriptions, publish=args.alerts_publish, seed=alerts.SEED),
        )
        return
    if args.mode == "alerts-send":
        from bench import alerts

        write_json(Path(args.out), alerts.send())
        return
    if args.mode == "markdown":  # the latest results as a Markdown table, for docs/performance.md
        print(render_markdown(json.loads((RESULTS / "latest.json").read_text())))
        return

    started = time.monotonic()
    report = {
        "started_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "mode": args.mode,
        "machine": machine(),
        "count": args.count,
        "seed": args.seed,
        "runs": args.runs,
        "targets": TARGETS,
        "extraction": measure_extraction(),
        "engines": {},
    }
    for engine in args.engines:
        build_started = time.monotonic()
        if engine == "sqlite":
            url = ensure_sqlite(args.count, args.seed, args.keep_database)
        else:
            url = ensure_postgres(args.count, args.seed, args.keep_database)
        top_up_codings(url)
        top_up_reports(url)
        build_seconds = time.monotonic() - build_started
        settle(engine, url)
        if args.mode == "alerts":
            report["engines"][engine] = {"vendor": engine, "alerts": alerts_step(engine, url, args)}
            continue
        print(f"{engine}: measuring pages…", flush=True)
        result = child(url, "measure", args.runs)
        result["build_or_reuse_seconds"] = round(build_seconds, 1)
        if not args.no_export:
            print(f"{engine}: exporting every published statement as CSV…", flush=True)
            # The command-line client first: its runs also read the tables into the OS cache, so the app's export
            # is timed warm, as the client's best run is. A machine with a small file cache evicts the tables
            # quickly, and an export timed first and cold measured half the ratio it has warm
            # (docs/performance.md#streamed-csv-export).
            cli = cli_reference(engine, url, result["published"])
            export = child(url, "export", 1)
            export["cli"] = cli
            export["cli_ratio"] = round(export["rows_per_s"] / export["cli"]["rows_per_s"], 3)
            result["export"] = export
        if not args.no_release:
            print(f"{engine}: writing an open-data release of every published statement (then removed)…", flush=True)
            result["release"] = child(url, "release", 1)
        if args.import_rows:
            print(f"{engine}: importing {args.import_rows:,} generated rows (rolled back)…", flush=True)
            result["import"] = child(url, "import", 1, "--import-rows", str(args.import_rows))
        if not args.no_alerts:
            result["alerts"] = alerts_step(engine, url, args)
        report["engines"][result["vendor"]] = result
    report["total_seconds"] = round(time.monotonic() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = report["started_at"].replace(":", "").replace("-", "")
    # `alerts` alone is a partial report: latest.json keeps the last whole run's figures.
    written = [f"{stamp}-alerts.json"] if args.mode == "alerts" else [f"{stamp}.json", "latest.json"]
    for name in written:
        write_json(RESULTS / name, report)
    print()
    print(render_table(report))
    print(f"\nWritten: {' and '.join(f'bench/results/{name}' for name in written)} ({report['total_seconds']:.0f} s)")


def alerts_step(engine: str, url: str, args) -> dict:
    print(
        f"{engine}: alerts, {args.alerts_subscriptions:,} subscriptions and {args.alerts_publish:,} statements "
        "published, on a copy of the database…",
        flush=True,
    )
    return measure_alerts_on_copy(engine, url, args.alerts_subscriptions, args.alerts_publish)


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# --- The table -------------------------------------------------------------------------------------------------------


def verdict(value, target, *, higher_is_better: bool = False) -> str:
    if value is None:
        return "n/a"
    ok = value >= target if higher_is_better else value <= target
    return "ok" if ok else "MISSED"


def render_table(report: dict) -> str:
    engines = report["engines"]
    names = list(engines)
    rows: list[list[str]] = [["measure", *names, "target"]]

    def add(label, getter, target_text, target=None, higher_is_better=False):
        cells = []
        for name in names:
            try:
                value = getter(engines[name])
            except (KeyError, TypeError, ZeroDivisionError):
                value = None
            if value is None or isinstance(value, str):
                text = value or "n/a"
            else:
                text = f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"
            limit = target(name) if callable(target) else target
            if limit is not None and value is not None and not isinstance(value, str):
                text += f" ({verdict(value, limit, higher_is_better=higher_is_better)})"
            cells.append(text)
        rows.append([label, *cells, target_text])

    queries = "timeline"
    add("published statements", lambda e: f"{e['published']:,}", "1,000,000")
    add("timeline p50 ms (matrix)", lambda e: e[queries]["p50_ms"], "≤ 50", 50)
    add("timeline p95 ms (matrix)", lambda e: e[queries]["p95_ms"], "≤ 250", 250)
    add("timeline worst URL p50 ms", lambda e: e[queries]["worst_p50_ms"], "")
    add("timeline SQL ms per request, p50", lambda e: e[queries]["sql_p50_ms"], "the rest is Python")
    add(
        "CPU check ms, before / after matrix",
        lambda e: "{before_timeline} / {after_timeline}".format(**e["cpu_check_ms"]) if "cpu_check_ms" in e else None,
        "lower = faster machine",
    )
    add(
        "timeline SQL queries (min–max)",
        lambda e: f"{e[queries]['queries_min']}–{e[queries]['queries_max']}",
        "constant",
    )
    add("slowest SQL statement ms", lambda e: e["slowest_sql"]["ms"], "≤ 1000", 1000)
    add(
        "slowest SQL on search pages ms",
        lambda e: max(u["slowest_sql_ms"] for u in e["search"]["urls"]),
        "≤ 1000",
        1000,
    )
    add("form option lists p50 ms (markup rebuilt)", lambda e: e["form_lists"]["p50_ms"], "part of the timeline's")
    add("  of which counts read ms", lambda e: e["form_lists"]["counts_read_p50_ms"], "")
    add(
        "  options listed (count rows)",
        lambda e: f"{e['form_lists']['options']:,} ({e['form_lists']['count_rows']:,})",
        "",
    )
    add("first page p50 ms", lambda e: e["deep_pages"]["first_p50_ms"], "")
    add("deep page p50 ms", lambda e: e["deep_pages"]["deep_p50_ms"], "≤ 2× first")
    add("deep page / first page", lambda e: e["deep_pages"]["ratio"], "≤ 2.0", 2.0)
    add(
        "search page p50 ms",
        lambda e: e["search"]["p50_ms"],
        "≤ 100 PG / ≤ 200 SQLite",
        lambda name: TARGETS["search_p50_ms"][name],
    )
    add("search page p95 ms", lambda e: e["search"]["p95_ms"], "")
    add("other public pages p50 ms", lambda e: e["pages"]["p50_ms"], "≤ 50", TARGETS["pages_p50_ms"])
    add("other public pages worst p50 ms", lambda e: e["pages"]["worst_p50_ms"], "≤ 250", TARGETS["pages_worst_p50_ms"])
    add("compare and relations p50 ms", lambda e: e["compare"]["p50_ms"], "≤ 150", TARGETS["compare_p50_ms"])
    add("compare and relations p95 ms", lambda e: e["compare"]["p95_ms"], "≤ 400", TARGETS["compare_p95_ms"])
    add(
        "compare, a series counted from the statements, worst p50 ms",
        lambda e: e["compare_counted"]["worst_p50_ms"] if "compare_counted" in e else None,
        "reported (words, a topic)",
    )
    add("admin changelist p50 ms", lambda e: e["admin"]["changelist_p50_ms"], "≤ 500", 500)
    add("admin worst p50 ms (statements and sources lists)", lambda e: e["admin"]["worst_p50_ms"], "≤ 500", 500)
    add(
        "CSV export s (rows)",
        lambda e: (
            f"{e['export']['seconds']:,.0f} ({e['export']['rows']:,}{'' if e['export']['complete'] else ', cut'})"
        ),
        "",
    )
    add("CSV export first chunk s", lambda e: e["export"]["first_chunk_s"], "")
    add("CSV export rows/s", lambda e: e["export"]["rows_per_s"], "")
    add("CLI (same join) rows/s", lambda e: e["export"]["cli"]["rows_per_s"], "")
    add("export / CLI rows/s", lambda e: e["export"]["cli_ratio"], "≥ 0.5", 0.5, higher_is_better=True)
    add("export peak RSS growth MB", lambda e: e["export"]["peak_rss_growth_mb"], "≤ 50", 50)
    add(
        "release statements (MB written)",
        lambda e: f"{e['release']['statements']:,} ({e['release']['bytes'] / 1e6:,.0f})",
        "",
    )
    add("release s", lambda e: e["release"]["seconds"], f"≤ {TARGETS['release_seconds']}", TARGETS["release_seconds"])
    add("release peak RSS MB", lambda e: e["release"]["peak_rss_mb"], "≤ 200", TARGETS["release_memory_mb"])
    # The import's target is 100,000 rows in a minute: a rate, so that a smaller --import-rows is judged too.
    rate = TARGETS["import_100k_seconds"]
    add("import s (rows, rolled back)", lambda e: f"{e['import']['seconds']:,.1f} ({e['import']['rows']:,})", "")
    add("import rows/s", lambda e: e["import"]["rows_per_s"], f"≥ {100_000 // rate:,}", 100_000 / rate, True)
    add("import peak RSS MB", lambda e: e["import"]["peak_rss_mb"], "≤ 200", TARGETS["import_memory_mb"])
    add(
        "alerts: subscriptions, published",
        lambda e: f"{e['alerts']['subscriptions']:,}, {e['alerts']['prepared']['published']:,}",
        f"{ALERTS_SUBSCRIPTIONS:,}, {ALERTS_PUBLISH:,}",
    )
    # 60 s for 10,000 subscriptions: a rate, so that a smaller --alerts-subscriptions is judged too.
    add(
        "alerts: send_alerts s",
        lambda e: e["alerts"]["seconds"],
        f"≤ {TARGETS['alerts_seconds']} at {ALERTS_SUBSCRIPTIONS:,} (pro rata)",
        lambda name: (
            TARGETS["alerts_seconds"]
            * engines[name].get("alerts", {}).get("subscriptions", ALERTS_SUBSCRIPTIONS)
            / ALERTS_SUBSCRIPTIONS
        ),
    )
    add(
        "article assistant: 2,000 words ms (no database)",
        lambda e: report.get("extraction", {}).get("best_ms"),
        "≤ 500",
        TARGETS["extract_2000_words_ms"],
    )
    add("alerts: peak RSS MB", lambda e: e["alerts"]["peak_rss_mb"], "≤ 200", TARGETS["alerts_memory_mb"])
    add(
        "alerts: digests sent (share non-empty)",
        lambda e: f"{e['alerts']['digests_sent']:,} ({e['alerts']['non_empty_share']:.0%})",
        "about a third",
    )
    if report.get("mode") == "alerts":  # the alerts' step alone: the other rows would all read n/a
        rows = [rows[0], *(row for row in rows[1:] if row[0].startswith("alerts:"))]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_markdown(report: dict) -> str:
    """The same table as render_table, as Markdown, with the run's date and the machine."""
    lines = render_table(report).splitlines()
    rows = [lines[0], *lines[2:]]
    widths = [len(part) for part in lines[1].split("  ")]
    table = []
    for number, line in enumerate(rows):
        cells, start = [], 0
        for width in widths:
            cells.append(line[start : start + width].strip())
            start += width + 2
        table.append("| " + " | ".join(cells) + " |")
        if number == 0:
            table.append("|" + "---|" * len(cells))
    machine = report["machine"]
    return (
        f"Run of {report['started_at']} ({report['total_seconds'] / 60:.0f} min, {report['runs']} timed runs per URL): "
        f"{machine['cores']} × {machine['cpu']}, {machine['memory_gb']} GB, Python {machine['python']}, "
        f"load average at start {', '.join(str(x) for x in machine['load_average_at_start'])}.\n\n" + "\n".join(table)
    )


def measure_extraction(runs: int = 5) -> dict:
    """The article assistant (statements/extraction) on the seed article repeated to 2,000 words: the best of `runs`
    (wall time, the machine's load aside) and the median. Plain Python, no database: measured once, in this process."""
    from statements.extraction.extract import extract

    seed = (ROOT / "statements" / "fixtures" / "tass-2016-11-11-peskov-cnn.txt").read_text()
    copies = -(-2000 // len(seed.split()))
    text = "\n\n".join([seed] * copies)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        found = extract(text, published=datetime.date(2016, 11, 11))
        times.append((time.perf_counter() - started) * 1000)
    return {
        "words": len(text.split()),
        "proposals": len(found.proposals),
        "best_ms": round(min(times), 1),
        "median_ms": round(statistics.median(times), 1),
    }


# --- Measuring (a child process with Django set up) ----------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


class Recorder:
    """Times every SQL statement the connection executes (an execute_wrapper survives reconnects)."""

    def __init__(self):
        self.queries: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql, params))


def timed_get(client, url: str) -> dict:
    """One request through the whole stack; a streamed body is consumed inside the timing."""
    from django.db import connection

    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        started = time.perf_counter()
        response = client.get(url)
        size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)
        elapsed = time.perf_counter() - started
    slowest = max(recorder.queries, default=(0.0, "", None), key=lambda q: q[0])
    return {
        "ms": elapsed * 1000,
        "sql_ms": sum(q[0] for q in recorder.queries) * 1000,
        "status": response.status_code,
        "bytes": size,
        "queries": len(recorder.queries),
        "slowest_ms": slowest[0] * 1000,
        "slowest_sql": slowest[1],
        "slowest_params": repr(slowest[2])[:500],
    }


def cpu_check_ms() -> float:
    """The machine's speed at this moment: a fixed pure-Python loop (no I/O, no database), best of three, in ms.

    A virtual machine's speed varies with its neighbours: the same loop has taken nearly twice as long within a
    minute. Recorded before and after the timeline matrix, it tells a slow run of the code from a run on
    a slow machine; it is not part of any target."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i * i
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def measure_url(client, label: str, url: str, runs: int) -> dict:
    warm_up = timed_get(client, url)  # caches, connection, template loading
    # A page that takes seconds is timed fewer times, so the whole bench still fits in half an hour.
    if warm_up["ms"] > SLOW_MS:
        runs = min(runs, 2 if warm_up["ms"] < 4 * SLOW_MS else 1)
    samples = [timed_get(client, url) for _ in range(runs)]
    times = [s["ms"] for s in samples]
    slowest = max(samples, key=lambda s: s["slowest_ms"])
    return {
        "label": label,
        "url": url,
        "status": sorted({s["status"] for s in samples}),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "runs": len(times),
        "samples_ms": [round(t, 1) for t in times],
        # All of a request's SQL statements, as the connection timed them (query, wait and rows handed over):
        # tells a slow database from slow Python when a run is slower than the one before.
        "sql_samples_ms": [round(s["sql_ms"], 1) for s in samples],
        "queries": sorted({s["queries"] for s in samples}),
        "bytes": samples[-1]["bytes"],
        "slowest_sql_ms": round(slowest["slowest_ms"], 1),
        "slowest_sql": slowest["slowest_sql"][:3000],
        "slowest_params": slowest["slowest_params"],
    }


def summarise(results: list[dict]) -> dict:
    times = [t for r in results for t in r["samples_ms"]]
    sql = [t for r in results for t in r["sql_samples_ms"]]
    queries = [q for r in results for q in r["queries"]]
    return {
        "p50_ms": round(statistics.median(times), 1),
        "sql_p50_ms": round(statistics.median(sql), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "worst_p50_ms": max(r["p50_ms"] for r in results),
        "queries_min": min(queries),
        "queries_max": max(queries),
        "urls": results,
    }


def url_for(name: str, params: dict) -> str:
    from django.urls import reverse

    query = urlencode(params, doseq=True)
    return reverse(name) + (f"?{query}" if query else "")


def prepare_database() -> dict:
    """Apply newer migrations to a reused database (then ANALYZE, and VACUUM on PostgreSQL), and make the admin user.
    Returns facts."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    applied_now = [f"{m.app_label}.{m.name}" for m, _ in plan]
    if plan:
        print(f"  applying {', '.join(applied_now)} to the cached database…", flush=True)
        started = time.perf_counter()
        call_command("migrate", database=DEFAULT_DB_ALIAS, verbosity=0, interactive=False)
        # PostgreSQL: VACUUM as well, as after a build: a migration that rewrote rows (0009) leaves their pages
        # not all-visible, and index-only scans then visit the table until autovacuum gets there.
        analyze = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(analyze)
        print(f"  …and {analyze}, in {time.perf_counter() - started:.0f} s", flush=True)
    if "django_cache" not in connection.introspection.table_names():
        call_command("createcachetable", verbosity=0)
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=ADMIN_USERNAME)
    user.is_staff = user.is_superuser = True
    user.save()
    return {"migrations_applied_now": applied_now}


def measure(*, runs: int) -> dict:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from statements.models import Statement, Topic

    facts = prepare_database()
    published = Statement.objects.published().count()
    client = Client(raise_request_exception=False)
    result = {"vendor": connection.vendor, "published": published, "total": Statement.objects.count(), **facts}
    result["database"] = database_facts(connection)

    print(f"  timeline matrix ({len(TIMELINE_MATRIX)} URLs × {runs} runs)…", flush=True)
    cpu_before = cpu_check_ms()
    timeline = [measure_url(client, label, url_for("statements:timeline", p), runs) for label, p in TIMELINE_MATRIX]
    result["timeline"] = summarise(timeline)
    result["cpu_check_ms"] = {"before_timeline": cpu_before, "after_timeline": cpu_check_ms()}
    slowest = max(timeline, key=lambda r: r["slowest_sql_ms"])
    result["slowest_sql"] = {
        "ms": slowest["slowest_sql_ms"],
        "url": slowest["url"],
        "sql": slowest["slowest_sql"],
        "params": slowest["slowest_params"],
    }

    print("  deep pages…", flush=True)
    from statements.planner import COUNT_CAP
    from statements.timeline.page import PAGE_SIZE

    # The deepest page the timeline serves (pages stop at COUNT_CAP matches; further is a 404 saying so).
    deepest = max(1, min(-(-published // PAGE_SIZE), COUNT_CAP // PAGE_SIZE))
    first = measure_url(client, "page 1", url_for("statements:timeline", {}), runs)
    deep = [
        measure_url(
            client, f"page {deepest} (deepest served)", url_for("statements:timeline", {"page": deepest}), runs
        ),
        measure_url(
            client,
            f"page {deepest} oldest first",
            url_for("statements:timeline", {"page": deepest, "sort": "oldest"}),
            runs,
        ),
        measure_url(client, "page 2000", url_for("statements:timeline", {"page": "2000"}), runs),
    ]
    served = [d for d in deep if d["status"] == [200]] or deep
    deep_p50 = max(d["p50_ms"] for d in served)
    result["deep_pages"] = {
        "first_p50_ms": first["p50_ms"],
        "deep_p50_ms": deep_p50,
        "ratio": round(deep_p50 / first["p50_ms"], 2),
        "urls": [first, *deep],
    }

    print("  the form's option lists…", flush=True)
    result["form_lists"] = measure_form_lists(runs)

    print(f"  search pages ({len(SEARCH_MATRIX)} URLs)…", flush=True)
    search = [measure_url(client, label, url_for("statements:timeline", p), runs) for label, p in SEARCH_MATRIX]
    result["search"] = summarise(search)

    print("  other public pages…", flush=True)
    pages = [measure_url(client, label, url, runs) for label, url in other_pages()]
    result["pages"] = summarise(pages)

    print(f"  compare and relations pages ({len(COMPARE_PAGES)} URLs)…", flush=True)
    compare = [measure_url(client, label, url, runs) for label, url in COMPARE_PAGES]
    result["compare"] = summarise(compare)
    counted = [measure_url(client, label, url, runs) for label, url in COMPARE_COUNTED_PAGES]
    result["compare_counted"] = summarise(counted)

    print("  admin changelist…", flush=True)
    admin_client = Client(raise_request_exception=False)
    admin_client.force_login(get_user_model().objects.get(username=ADMIN_USERNAME))
    topic = Topic.objects.get(slug="syrian-opposition")
    changelist = "/admin/statements/statement/"
    admin_urls = [
        ("changelist", changelist),
        ("changelist page 500", f"{changelist}?p=500"),
        ("status published", f"{changelist}?status__exact=published"),
        ("topic filter", f"{changelist}?topics__id__exact={topic.pk}"),
        ("search common word", f"{changelist}?q=cooperation"),
        ("search rare word", f"{changelist}?q=hotline"),
        # The year filter (statements/admin/scale.py) replaced the date hierarchy, whose `date__month=` lookup no link
        # produces any more (typed by hand it takes 0.7 s on SQLite: a Python month extraction per row of the year).
        ("year filter", f"{changelist}?year=2019"),
        # The sources behind the million statements (~300,000): their list, search, year, and the statement form's
        # source search (docs/admin.md).
        ("sources list", "/admin/statements/source/"),
        ("sources search", "/admin/statements/source/?q=syria"),
        ("sources of a year", "/admin/statements/source/?year=2019"),
        (
            "source search in the statement form",
            "/admin/autocomplete/?app_label=statements&model_name=statement&field_name=source&term=syria",
        ),
    ]
    admin = [measure_url(admin_client, label, url, runs) for label, url in admin_urls]
    result["admin"] = {
        "changelist_p50_ms": admin[0]["p50_ms"],
        "worst_p50_ms": max(a["p50_ms"] for a in admin),
        "urls": admin,
    }
    return result


def other_pages() -> list[tuple[str, str]]:
    """Every public page besides the timeline, at a million statements: permalinks, the entity pages (each a filtered
    timeline of its own; the permalink holds the report-an-error form), the indexes, the API, the feed, the about
    page and the readiness probe."""
    from django.urls import reverse

    from statements.models import Country, Official, Statement, StatementChange, Topic

    newest = Statement.objects.published().order_by("-date", "-id").values_list("pk", flat=True).first()
    # A mirror's first page (every change since long ago), and a page from the newest statement's last change on.
    since = StatementChange.objects.get(statement_id=newest).changed_at.isoformat()
    oldest = Statement.objects.published().order_by("date", "id").values_list("pk", flat=True).first()
    speaker = Official.objects.get(slug="ada-quillfeather-fictional")
    topic = Topic.objects.get(slug="russia-us-relations")
    country = Country.objects.get(code="US")
    return [
        ("permalink, newest", reverse("statements:statement_detail", args=[newest])),
        ("permalink, oldest", reverse("statements:statement_detail", args=[oldest])),
        ("official page (common speaker)", speaker.get_absolute_url()),
        ("topic page (common topic)", topic.get_absolute_url()),
        ("country page (US)", country.get_absolute_url()),
        ("officials index", reverse("statements:official_list")),
        ("topics index", reverse("statements:topic_list")),
        ("countries index", reverse("statements:country_list")),
        ("about page", reverse("statements:about")),
        ("API statements", reverse("api:statement-list")),
        ("API statements, filtered", reverse("api:statement-list") + "?topic=syria&country=ru"),
        ("API statement", reverse("api:statement-detail", args=[newest])),
        ("API officials", reverse("api:official-list")),
        ("API changes since 2000", reverse("api:statement-list") + "?updated_since=2000-01-01"),
        (
            "API changes since a statement's change",
            reverse("api:statement-list") + "?" + urlencode({"updated_since": since}),
        ),
        ("Atom corrections and retractions", reverse("statements:changes_feed")),
        ("Atom feed", reverse("statements:feed")),
        ("Atom feed, filtered", reverse("statements:feed") + "?speaker=ada-quillfeather-fictional&topic=syria"),
        ("readiness probe", "/readyz"),
        # The timeline's facets for codings, which its script fetches after the page (docs/performance.md).
        ("coding facets", reverse("statements:coding_facets")),
        ("coding facets, common topic", reverse("statements:coding_facets") + "?topic=russia-us-relations"),
        ("coding facets, target + stance", reverse("statements:coding_facets") + "?target=us&stance=-1"),
    ]


def measure_form_lists(runs: int) -> dict:
    """The timeline form's option lists alone, as the unfiltered timeline builds them: the counts read
    (statements/option_counts.py), the names read and every list's markup built afresh, as after a write changed a
    count (`option_tags` keeps a list's markup until then)."""
    from django.http import QueryDict

    from statements.filters import StatementFilter
    from statements.models import OptionCount, Statement, Topic
    from statements.timeline.form import FormLists, form_fields, option_tags, published_speakers

    timings, counts_ms, options = [], [], 0
    for _ in range(runs + 1):  # the first warms up
        option_tags.cache_clear()
        statement_filter = StatementFilter(QueryDict(""), queryset=Statement.objects.published())
        statement_filter.is_valid()  # the timeline has checked the filter before it builds the form
        started = time.perf_counter()
        counts = OptionCount.objects.counts()
        read = time.perf_counter()
        lists = FormLists(
            statement_filter.data, topics=Topic.objects.in_bulk(), speakers=published_speakers(counts), counts=counts
        )
        fields = form_fields(statement_filter, lists)
        timings.append((time.perf_counter() - started) * 1000)
        counts_ms.append((read - started) * 1000)
        options = sum(str(f.get("option_tags", "")).count("<option") + len(f.get("options", [])) for f in fields)
    return {
        "p50_ms": round(statistics.median(timings[1:]), 1),
        "counts_read_p50_ms": round(statistics.median(counts_ms[1:]), 1),
        "options": options,
        "count_rows": OptionCount.objects.count(),
    }


def database_facts(connection) -> dict:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version(), pg_database_size(current_database())")
            version, size = cursor.fetchone()
            # The server's memory settings, which decide how much of the database is read from PostgreSQL's own
            # buffers rather than copied from the operating system's cache, and the planner's page cost as this
            # app's connections see it (DATABASE_RANDOM_PAGE_COST; docs/performance.md).
            cursor.execute(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name IN"
                " ('shared_buffers', 'effective_cache_size', 'work_mem', 'jit', 'random_page_cost')"
            )
            settings = dict(cursor.fetchall())
            return {
                "version": version.split(" on ")[0],
                "name": connection.settings_dict["NAME"],
                "size_mb": round(size / 1e6),
                "settings": settings,
            }
        cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
        path = Path(connection.settings_dict["NAME"])
        size = path.stat().st_size + (Path(f"{path}-wal").stat().st_size if Path(f"{path}-wal").exists() else 0)
        return {"version": f"SQLite {version}", "name": path.name, "size_mb": round(size / 1e6)}


def measure_export() -> dict:
    """Stream /export.csv for every published statement; rows/s and the peak RSS growth over the idle process."""
    setup_django()
    from django.db import connection
    from django.test import Client

    from statements.models import Statement

    client = Client(raise_request_exception=False)
    client.get(url_for("statements:export_csv", {"topic": "us-elections"}))  # warm-up: imports, templates, caches
    baseline = rss_mb()
    recorder = Recorder()
    lines = total_bytes = 0
    with connection.execute_wrapper(recorder):
        started = time.perf_counter()
        response = client.get(url_for("statements:export_csv", {}))
        complete = True
        # The view streams chunks of many whole rows. Rows are counted by their CRLF line ends: the synthetic
        # statements contain no carriage return, so every CRLF ends a row (the export writes a cell's line breaks
        # as they are stored).
        first_chunk = None
        for chunk in response.streaming_content:
            if first_chunk is None:
                first_chunk = time.perf_counter() - started  # what a visitor waits before the download starts
            total_bytes += len(chunk)
            lines += chunk.count(b"\r\n")
            if time.perf_counter() - started > EXPORT_MAX_SECONDS:
                complete = False  # rows/s below is measured over the part streamed so far
                break
        seconds = time.perf_counter() - started
        response.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    rows = lines - 1  # the header line
    if complete and rows != Statement.objects.published().count():
        raise RuntimeError(f"the export streamed {rows} rows, not one per published statement: count them again")
    return {
        "status": response.status_code,
        "complete": complete,
        "max_seconds": EXPORT_MAX_SECONDS,
        "rows": rows,
        "bytes": total_bytes,
        "seconds": round(seconds, 2),
        "first_chunk_s": round(first_chunk or 0.0, 2),
        "rows_per_s": round(rows / seconds),
        "queries": len(recorder.queries),
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_rss_growth_mb": round(peak - baseline, 1),
    }


def measure_release() -> dict:
    """Write an open-data release of every published statement into a temporary folder, then remove it.

    The benchmark's statements are all synthetic, which a public release leaves out: they are included here, so the
    figure is the whole million's. The database is only read."""
    setup_django()
    from statements.models import Statement
    from statements.releases import released_statements, write_release

    baseline = rss_mb()
    folder = Path(tempfile.mkdtemp(prefix="bench-release-"))
    try:
        started = time.perf_counter()
        release = write_release(root=folder, site_url="http://testserver", include_synthetic=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
        total_bytes = release.total_bytes
        counts = release.counts
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if counts["statements"] != released_statements(include_synthetic=True).count():
        raise RuntimeError(f"the release holds {counts['statements']} statements, not every published one")
    return {
        "statements": counts["statements"],
        "codings": counts["codings"],
        "links": counts["links"],
        "published": Statement.objects.published().count(),
        "bytes": total_bytes,
        "seconds": round(seconds, 2),
        "rows_per_s": round(counts["statements"] / seconds),
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_rss_growth_mb": round(peak - baseline, 1),
    }


def measure_import(rows: int) -> dict:
    """Import `rows` generated rows (bench/import_file.py) with history and the duplicate check, then roll back.

    The shared benchmark databases are never changed: the import runs inside a transaction that is rolled back at
    the end, on both engines. Its own all-or-nothing transaction is a savepoint inside that one."""
    setup_django()
    from django.db import connection, transaction

    from bench.import_file import import_csv
    from statements.imports import import_statements
    from statements.models import Statement

    data = import_csv(rows)
    before = Statement.objects.count()
    baseline = rss_mb()
    queries = []  # counted only: a Recorder would keep every bulk insert's parameters, the whole file again

    def count(execute, sql, params, many, context):
        queries.append(None)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count), transaction.atomic():
        started = time.perf_counter()
        result = import_statements(file=data, create_missing=True)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    if not result.ok or result.statements != rows:
        raise RuntimeError(f"the import failed: {result.messages()[:5]}")
    if Statement.objects.count() != before:
        raise RuntimeError("the import was not rolled back")
    return {
        "rows": rows,
        "bytes": len(data),
        "statements": result.statements,
        "created": {kind: len(names) for kind, names in result.created.items()},
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "queries": len(queries),
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_rss_growth_mb": round(peak - baseline, 1),
    }


# The export's columns (statements/exports.py COLUMNS) as one SQL join, for the command-line reference.
_ROLE = (
    "(SELECT p.title FROM statements_position p WHERE p.official_id = s.speaker_id AND p.start_date <= s.date"
    " AND (p.end_date IS NULL OR p.end_date >= s.date) ORDER BY p.start_date DESC, p.id LIMIT 1)"
)


def _names(agg: str, link: str, table: str, column: str) -> str:
    return (
        f"(SELECT {agg} FROM (SELECT x.name FROM statements_statement_{link} l JOIN statements_{table} x"
        f" ON x.id = l.{column} WHERE l.statement_id = s.id ORDER BY x.name) names)"
    )


def _export_sql(agg: str, concat_id: str) -> str:
    return (
        f"SELECT s.id, {concat_id}, s.date, s.date_precision, o.name, {_ROLE}, c.code, c.name, s.kind, s.text,"
        f" s.original_text, s.original_language, {_names(agg, 'topics', 'topic', 'topic_id')},"
        f" {_names(agg, 'countries', 'country', 'country_id')},"
        f" {_names(agg, 'mentioned_officials', 'official', 'official_id')},"
        " ou.name, src.title, src.url, src.published_on, src.medium, s.updated_at"
        " FROM statements_statement s JOIN statements_official o ON o.id = s.speaker_id"
        " LEFT JOIN statements_country c ON c.id = o.country_id"
        " LEFT JOIN statements_source src ON src.id = s.source_id"
        " LEFT JOIN statements_outlet ou ON ou.id = src.outlet_id"
        " WHERE s.status = 'published' ORDER BY s.date DESC, s.id DESC"
    )


CLI_EXPORT_SQL = {
    "sqlite": _export_sql("group_concat(name, '; ')", "'http://testserver/statements/' || s.id || '/'"),
    "postgresql": _export_sql("string_agg(name, '; ')", "'http://testserver/statements/' || s.id || '/'"),
}


if __name__ == "__main__":
    if shutil.which("psql") is None:
        print("note: psql is not installed; the PostgreSQL reference export will fail", file=sys.stderr)
    main()
