"""Shared parts of the benchmarks and the fault tests: a database, a Notify simulator process, dispatcher worker
processes, a fast publish, and the exactly-once check that compares the simulator's record with the outbox.

Every process listens on or talks to 127.0.0.1 only. Every wait is bounded.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import MetaData, func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRESQL_URL = "postgresql://postgres@127.0.0.1:5432/bench_scale"
# A scratch database, recreated per run; BENCH_SQLITE_PATH moves it (two benchmarks at once must not share it).
DEFAULT_SQLITE_PATH = Path(os.environ.get("BENCH_SQLITE_PATH") or "/tmp/bench_scale.sqlite3")  # noqa: S108

# The simulator's default service key and templates (bench/notify_simulator/config.py).
SIMULATOR_SERVICE_ID = "d0e5e7a1-5c1b-4b5e-9d1f-000000000001"
SIMULATOR_SECRET = "5ec4e7a1-5c1b-4b5e-9d1f-000000000002"
SIMULATOR_API_KEY = f"bench-{SIMULATOR_SERVICE_ID}-{SIMULATOR_SECRET}"
SIMULATOR_SMS_TEMPLATE_ID = "a1a1a1a1-0000-4000-8000-000000000001"
SIMULATOR_EMAIL_TEMPLATE_ID = "e1e1e1e1-0000-4000-8000-000000000002"
# Notify refuses a one_click_unsubscribe_url that is not https, as the simulator does: links must be https.
PUBLIC_BASE_URL = "https://alerts.example.gov.uk"



# Timing --------------------------------------------------------------------------------------------------------

def timed(call: Callable[[], Any], repeat: int, *, digits: int = 1) -> dict[str, float]:
    """Run `call` `repeat` times: the median, 95th percentile and slowest, in milliseconds."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {"median_ms": round(statistics.median(ordered), digits), "p95_ms": round(p95, digits),
            "max_ms": round(ordered[-1], digits)}


# Machine -------------------------------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    """What the figures were measured on: they mean little without it."""
    cpu = "unknown"
    memory_gb = 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": memory_gb, "python": platform.python_version()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Database ------------------------------------------------------------------------------------------------------

def database_url(kind: str, *, sqlite_path: Path = DEFAULT_SQLITE_PATH) -> str:
    if kind == "sqlite":
        return f"sqlite:///{sqlite_path}"
    if kind == "postgresql":
        return os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRESQL_URL)
    raise ValueError(f"--db must be sqlite or postgresql, not {kind!r}")


def make_app(url: str) -> Flask:
    from alerts import create_app
    from config.settings import database_url as driver_url

    return create_app("development", {"SQLALCHEMY_DATABASE_URI": driver_url(url), "BASE_URL": PUBLIC_BASE_URL})


def reset_database(app: Flask) -> None:
    """An empty schema built by the real migrations, with the shipped reference data."""
    from flask_migrate import upgrade

    from alerts.data import reference
    from alerts.extensions import db

    with app.app_context():
        metadata = MetaData()
        metadata.reflect(bind=db.engine)
        metadata.drop_all(bind=db.engine)
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(directory=str(ROOT / "migrations"))
        reference.load_reference_data()
        db.session.commit()


def contact_for(channel: str, n: int) -> str:
    # 07400 numbers are valid UK mobiles, and none is one of Notify's special test numbers.
    return f"+447400{n:06d}" if channel == "sms" else f"resident{n}@example.com"


def _seed_in_sql(first_id: int, count: int, texts: int, area_id: str, now: Any) -> None:
    """PostgreSQL: the same rows as the chunked inserts, in two set-based statements (1,000,000 in ~20 s, not ~55 s).
    Contacts match `contact_for`; public ids are unique and opaque enough for a benchmark."""
    from alerts.data.kept_audience import rebuild_kept_audience
    from alerts.extensions import db

    # Triggers off for the load (the postgres role may), and the kept audience counts built once after it.
    db.session.execute(text("SET LOCAL session_replication_role = replica"))
    db.session.execute(text("""
        INSERT INTO subscribers (id, public_id, channel, contact, status, all_services, consent_source, digest,
                                 confirmed_at_utc, created_at_utc, updated_at_utc, permanent_failures, code_attempts,
                                 codes_sent, token_version)
        SELECT :first + n, 'bench' || to_hex(:first + n), CASE WHEN n < :texts THEN 'sms' ELSE 'email' END,
               CASE WHEN n < :texts  -- contacts follow the id, so a second seeding adds new people
                    THEN '+447400' || CASE WHEN n + :first - 1 < 1000000 THEN lpad((n + :first - 1)::text, 6, '0')
                                           ELSE (n + :first - 1)::text END
                    ELSE 'resident' || (n + :first - 1) || '@example.com' END,
               'confirmed', true, 'import', false, :now, :now, :now, 0, 0, 0, 1
        FROM generate_series(0, :count - 1) AS n
    """), {"first": first_id, "texts": texts, "count": count, "now": now})
    db.session.execute(text("""
        INSERT INTO subscriptions (subscriber_id, area_id, postcode, created_at_utc)
        SELECT id, :area, 'DT4 7TW', :now FROM subscribers WHERE id >= :first ORDER BY id
    """), {"first": first_id, "area": area_id, "now": now})
    db.session.commit()
    rebuild_kept_audience()
    db.session.commit()


def seed_subscribers(app: Flask, count: int, *, sms_share: float = 0.5, area_id: str = "weymouth",
                     chunk: int = 10_000) -> None:
    """`count` confirmed subscribers following one area, all services: inserted in bulk, not one by one (in SQL on
    PostgreSQL)."""
    from alerts.extensions import db
    from alerts.models import Subscriber, Subscription, utc_now

    texts = round(count * sms_share)
    now = utc_now()
    with app.app_context():
        first_id = (db.session.scalar(select(func.max(Subscriber.id))) or 0) + 1
        if db.engine.dialect.name == "postgresql":
            _seed_in_sql(first_id, count, texts, area_id, now)
        for start in range(0, count if db.engine.dialect.name != "postgresql" else 0, chunk):
            rows = []
            for n in range(start, min(start + chunk, count)):
                channel = "sms" if n < texts else "email"
                rows.append({"id": first_id + n, "channel": channel, "contact": contact_for(channel, first_id - 1 + n),
                             "status": "confirmed", "all_services": True, "consent_source": "import",
                             "confirmed_at_utc": now, "created_at_utc": now, "updated_at_utc": now,
                             "permanent_failures": 0, "code_attempts": 0, "codes_sent": 0, "token_version": 1})
            db.session.execute(insert(Subscriber), rows)
            db.session.execute(insert(Subscription), [
                {"subscriber_id": row["id"], "area_id": area_id, "postcode": "DT4 7TW", "created_at_utc": now}
                for row in rows
            ])
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SELECT setval(pg_get_serial_sequence('subscribers', 'id'), "
                                    "(SELECT max(id) FROM subscribers))"))
            db.session.commit()
        # Planner statistics, as a live database has: without them a bulk load is planned as an empty table.
        db.session.execute(text("ANALYZE"))
        db.session.commit()


@dataclass(frozen=True)
class Published:
    notice_id: int
    at: float  # time.time() when the publishing transaction committed
    messages: int
    seconds: float  # how long the officer's publish took: request_publication and its commit


def publish(app: Flask, *, area_id: str = "weymouth") -> Published:
    """One officer's publish to every confirmed subscriber of `area_id`, through the real publishing code.

    Publishing records a fan-out in the notice's transaction and returns; the dispatch workers (or the
    scheduler) expand it into messages. `messages` is the audience the publish will reach.
    """
    from alerts.data import fanouts, notice_lifecycle
    from alerts.extensions import db
    from alerts.models import Impact

    with app.app_context():
        draft = notice_lifecycle.NoticeDraft(title="Bin collections suspended in Weymouth",
                                             service_id="bins-and-recycling", area_ids=[area_id], impact=Impact.SEVERE,
                                             summary="High winds.", advice="Leave your bins out.")
        notice = notice_lifecycle.create_draft(draft, created_by_id=None)
        db.session.commit()
        audience = fanouts.audience_for(notice, with_areas=False).total
        began = time.perf_counter()
        notice_lifecycle.request_publication(notice, by_user_id=None, threshold=10**9)
        db.session.commit()
        seconds = time.perf_counter() - began
        published_at = time.time()
        notice_id = notice.id
    return Published(notice_id=notice_id, at=published_at, messages=audience, seconds=seconds)


def expand(app: Flask) -> int:
    """Expand every pending fan-out now, as the scheduler would."""
    from alerts.data import fanouts

    with app.app_context():
        return fanouts.expand_pending_fanouts()


def outbox_counts(app: Flask) -> Counter[str]:
    from alerts.extensions import db
    from alerts.models import Message

    with app.app_context():
        rows = db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all()
        db.session.commit()
    return Counter({str(status): int(count) for status, count in rows})


def outbox_rows(app: Flask) -> list[tuple[str, str, str | None, bool]]:
    """(id, status, notify id, outcome unknown) of every message."""
    from alerts.extensions import db
    from alerts.models import Message

    with app.app_context():
        rows = db.session.execute(
            select(Message.id, Message.status, Message.notify_id, Message.outcome_unknown)
        ).all()
        db.session.commit()
    return [(row.id, str(row.status), row.notify_id, bool(row.outcome_unknown)) for row in rows]


def database_size_bytes(app: Flask) -> int:
    from alerts.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            return int(db.session.scalar(text("SELECT pg_database_size(current_database())")) or 0)
        page_count = db.session.scalar(text("PRAGMA page_count")) or 0
        page_size = db.session.scalar(text("PRAGMA page_size")) or 0
        return int(page_count) * int(page_size)


# Processes -----------------------------------------------------------------------------------------------------

@dataclass
class Usage:
    cpu_seconds: float
    peak_rss_mb: float
    exit_code: int | None


class Process:
    """A child process whose CPU time and peak RSS are read from the kernel when it is reaped (wait4)."""

    def __init__(self, argv: list[str], *, env: Mapping[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.popen = subprocess.Popen(argv, cwd=ROOT, env=dict(env), stdout=self._log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL)
        self.usage: Usage | None = None

    @property
    def pid(self) -> int:
        return self.popen.pid

    def rss_mb(self) -> float:
        """Resident memory now (0 once it has exited)."""
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def alive(self) -> bool:
        return self.usage is None and self.popen.poll() is None

    def signal(self, signum: int) -> None:
        if self.usage is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 30.0) -> Usage:
        """SIGTERM, then SIGKILL if it has not exited within `timeout`; returns its resource usage."""
        if self.usage is None:
            self.signal(signal.SIGTERM)
            self.wait(timeout)
        if self.usage is None:
            self.signal(signal.SIGKILL)
            self.wait(10.0)
        assert self.usage is not None
        return self.usage

    def kill(self) -> Usage:
        self.signal(signal.SIGKILL)
        self.wait(10.0)
        assert self.usage is not None
        return self.usage

    def wait(self, timeout: float) -> Usage | None:
        deadline = time.monotonic() + timeout
        while self.usage is None and time.monotonic() < deadline:
            pid, status, rusage = os.wait4(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.usage = Usage(cpu_seconds=rusage.ru_utime + rusage.ru_stime,
                                   peak_rss_mb=round(rusage.ru_maxrss / 1024, 1),
                                   exit_code=os.waitstatus_to_exitcode(status))
                self.popen.returncode = self.usage.exit_code
                self._log.close()
                break
            time.sleep(0.05)
        return self.usage


def _python_env(extra: Mapping[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NOTIFY_", "FLASK_"))}
    env.update({"PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)})
    env.update(extra)
    return env


class SimulatorProcess(Process):
    """`python -m bench.notify_simulator` in its own process, driven through its control endpoints."""

    def __init__(self, *, log_path: Path, latency_ms: float = 0.0, rate_limit: int | None = 3000,
                 extra_args: Iterable[str] = (), seed: int = 1, port: int | None = None) -> None:
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        argv = [sys.executable, "-m", "bench.notify_simulator", "--port", str(self.port), "--seed", str(seed),
                "--api-key", SIMULATOR_API_KEY, "--receipt-delay-ms", "0"]
        argv += ["--unlimited"] if rate_limit is None else ["--rate-limit", str(rate_limit)]
        if latency_ms:
            argv += ["--latency-ms", str(latency_ms)]
        argv += list(extra_args)
        super().__init__(argv, env=_python_env({}), log_path=log_path)
        self._wait_until_serving()

    def _wait_until_serving(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"the Notify simulator exited; see {self.log_path}")
            try:
                self.stats()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the Notify simulator did not start within {timeout} s; see {self.log_path}")

    def _get(self, path: str) -> Any:
        with urllib.request.urlopen(self.base_url + path, timeout=30) as response:  # noqa: S310 — loopback only
            return json.load(response)

    def stats(self) -> dict[str, Any]:
        return self._get("/_simulator/stats?per_reference=0")

    def notifications(self) -> list[dict[str, Any]]:
        return self._get("/_simulator/notifications")["notifications"]


def worker_env(database: str, simulator_url: str, *, rate_per_minute: int, concurrency: int,
               extra: Mapping[str, str] | None = None) -> dict[str, str]:
    return _python_env({
        "ALERTS_ENV": "development",
        "DATABASE_URL": database,
        "BASE_URL": PUBLIC_BASE_URL,
        "NOTIFY_API_KEY": SIMULATOR_API_KEY,
        "NOTIFY_BASE_URL": simulator_url,
        "NOTIFY_SMS_TEMPLATE_ID": SIMULATOR_SMS_TEMPLATE_ID,
        "NOTIFY_EMAIL_TEMPLATE_ID": SIMULATOR_EMAIL_TEMPLATE_ID,
        "NOTIFY_RATE_LIMIT_PER_MINUTE": str(rate_per_minute),
        "NOTIFY_CONCURRENCY": str(concurrency),
        **(extra or {}),
    })


class WorkerProcess(Process):
    """One `flask --app wsgi dispatch` worker: the scale-out process of the Procfile."""

    def __init__(self, env: Mapping[str, str], *, log_path: Path, once: bool = False) -> None:
        argv = [sys.executable, "-m", "flask", "--app", "wsgi", "dispatch", *(["--once"] if once else [])]
        super().__init__(argv, env=env, log_path=log_path)

    def wait_until_polling(self, timeout: float = 30.0) -> None:
        """Until it has logged that its dispatcher started (the app is imported and the pool is up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b"started:" in self.log_path.read_bytes():
                return
            if not self.alive():
                raise RuntimeError(f"dispatch worker {self.pid} exited; see {self.log_path}")
            time.sleep(0.05)
        raise RuntimeError(f"dispatch worker {self.pid} did not start within {timeout} s; see {self.log_path}")


# Exactly once --------------------------------------------------------------------------------------------------

@dataclass
class Reconciliation:
    """The simulator's record of what Notify accepted, set against the outbox."""

    messages: int
    accepted: int
    duplicates: int  # extra acceptances of a reference already accepted
    lost: int  # recorded as sent, but Notify never accepted it
    unrecorded: int  # Notify accepted it, but the outbox neither records it nor will look it up before resending
    strays: int  # accepted references that are not messages of ours
    unfinished: int  # still queued or sending (a bounded run stopped first)
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def exactly_once(self) -> bool:
        return not (self.duplicates or self.lost or self.unrecorded or self.strays or self.unfinished)


def reconcile(rows: list[tuple[str, str, str | None, bool]], accepted: list[dict[str, Any]]) -> Reconciliation:
    """Every message sent is accepted exactly once, under the Notify id the outbox holds; nothing else is.

    A message still queued that Notify did accept is fine only if it is marked outcome-unknown: its next attempt
    looks it up by reference instead of sending it again.
    """
    per_reference: Counter[str] = Counter(record["reference"] for record in accepted)
    ids_by_reference: dict[str, set[str]] = {}
    for record in accepted:
        ids_by_reference.setdefault(record["reference"], set()).add(record["id"])
    known = {row[0] for row in rows}
    lost = unrecorded = unfinished = 0
    for message_id, status, notify_id, outcome_unknown in rows:
        if status in ("sent", "delivered"):
            if per_reference[message_id] == 0 or notify_id not in ids_by_reference.get(message_id, set()):
                lost += 1
        elif status in ("queued", "sending"):
            unfinished += 1
            if per_reference[message_id] and not outcome_unknown and status == "queued":
                unrecorded += 1
        elif per_reference[message_id]:
            unrecorded += 1  # failed (or not sent) here, yet Notify has it
    return Reconciliation(
        messages=len(rows),
        accepted=len(accepted),
        duplicates=sum(count - 1 for count in per_reference.values() if count > 1),
        lost=lost,
        unrecorded=unrecorded,
        strays=sum(1 for reference in per_reference if reference not in known),
        unfinished=unfinished,
        by_status=dict(Counter(row[1] for row in rows)),
    )


def accepted_times(accepted: list[dict[str, Any]]) -> list[float]:
    """When the simulator accepted each notification, as sorted Unix times."""
    return sorted(dt.datetime.fromisoformat(record["created_at"]).replace(tzinfo=dt.UTC).timestamp()
                  for record in accepted)
