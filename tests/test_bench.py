"""The benchmark's plumbing, without its million rows."""

import subprocess
from pathlib import Path

import pytest

from bench import run as bench


def test_a_measuring_child_can_write_its_result_without_the_cache_directory(tmp_path, monkeypatch):
    """`--engines postgresql` on a fresh clone: nothing built bench/cache/, and the child's result still arrives."""
    cache = tmp_path / "cache"
    monkeypatch.setattr(bench, "CACHE", cache)
    commands = []

    def run_child(command, **kwargs):
        # The child process as bench.run runs it (`bench.run measure --out FILE`), in this process: it writes its
        # figures with the same function, to the path it was given.
        commands.append(command)
        bench.write_json(Path(command[command.index("--out") + 1]), {"mode": command[3], "runs": command[5]})
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(bench.subprocess, "run", run_child)
    assert not cache.exists()
    assert bench.child("postgres://postgres@127.0.0.1:5432/st_bench", "measure", 3) == {"mode": "measure", "runs": "3"}
    assert commands[0][1:4] == ["-m", "bench.run", "measure"]
    assert list(cache.iterdir()) == []  # the result file is read, then removed


@pytest.mark.parametrize(
    "count, url",
    [
        (bench.DEFAULT_COUNT, "postgres://postgres@127.0.0.1:5432/st_bench"),
        (5000, "postgres://postgres@127.0.0.1:5432/st_bench_5000"),
    ],
)
def test_another_count_has_a_postgresql_database_of_its_own(monkeypatch, count, url):
    """A quick try with --count never drops the million's database: each count is built in its own."""
    monkeypatch.setattr(bench, "POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/st_bench")
    assert bench.postgres_url(count) == url
