"""Where the benchmarks run: a scratch database per engine and a child process per step.

The command makes a scratch database per engine (a SQLite file under var/bench/, or a
`bench_<pid>` PostgreSQL database) and runs the measurements in a child process whose
DATABASE_URL points at it, so Django's settings, connection and migrations are exactly
those of a real installation, and no process's peak memory includes another's. The child
writes var/bench/<suite>-<db>.json; the parent prints one table for all engines and removes
the scratch databases, even when a step fails.
"""

import io
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.conf import settings
from django.core.management import call_command


def bench_dir() -> Path:
    path = Path(settings.VAR_DIR) / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def say(out, text: str) -> None:
    out.write(text)
    out.flush()


# --- parent: scratch databases and the child processes -------------------------------------

def _pg_scratch_url(maintenance_url: str, name: str) -> str:
    parts = urlsplit(maintenance_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _pg_admin(maintenance_url: str, sql: str) -> None:
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(sql)


class Scratch:
    """A throw-away database for one engine; `url` is its DATABASE_URL."""

    def __init__(self, engine: str, pg_url: str):
        self.engine, self.pg_url = engine, pg_url
        self.name = f"bench_{os.getpid()}"
        self.path = bench_dir() / f"{self.name}.sqlite3"
        if engine == "sqlite":
            self.url = f"sqlite:///{self.path}"
        elif engine == "postgres":
            self.url = _pg_scratch_url(pg_url, self.name)
        else:
            raise ValueError(f"unknown database {engine!r}: use sqlite or postgres")

    def __enter__(self) -> "Scratch":
        self.drop()
        if self.engine == "postgres":
            _pg_admin(self.pg_url, f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc) -> None:
        self.drop()

    def drop(self) -> None:
        if self.engine == "postgres":
            _pg_admin(self.pg_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            return
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def run_child(engine: str, url: str | None, lines: int, out, suite: str = "registry",
              step: str | None = None) -> Path:
    """Run the measurements for one engine in a child process; return its JSON path."""
    env = {**os.environ, "DEBUG": "false", **({"DATABASE_URL": url} if url else {})}
    command = [sys.executable, "-c", "from phaseout.cli import main; main()", "bench", suite,
               "--child", engine, "--lines", str(lines), *(["--step", step] if step else [])]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(f"  [{engine}] {line.rstrip()}")
        if proc.wait() != 0:
            raise RuntimeError(f"the {engine} benchmark failed (exit code {proc.returncode})")
    return bench_dir() / f"{suite}-{engine}.json"


def measure_engine(suite: str, engine: str, lines: int, pg_url: str | None, out,
                   steps: tuple[str | None, ...] = (None,)) -> Path:
    """The children of one engine, in turn, on one scratch database (the in-memory part,
    `memory`, has none); the path of the last one's results."""
    if engine == "memory":
        return run_child(engine, None, lines, out, suite, "memory")
    with Scratch(engine, pg_url) as scratch:
        for step in steps:
            path = run_child(engine, scratch.url, lines, out, suite, step)
    return path


# --- child: the scratch database made ready --------------------------------------------------

def prepare(out) -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference", stdout=io.StringIO())
    say(out, f"migrated and loaded reference data in {time.perf_counter() - started:.1f} s")


def server_version(connection) -> str:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
        else:
            cur.execute("SELECT 'SQLite ' || sqlite_version()")
        return cur.fetchone()[0]
