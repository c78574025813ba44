"""Does the time a request takes tell whether a contact is signed up? For every page and API call that a known and
an unknown contact both reach, on PostgreSQL. Prints one JSON line; exits 1 if any ratio is over the limit.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<yours> python bench/enumeration.py --rounds 200

It DROPS EVERY TABLE in the database it is given. Confirmed subscribers are seeded in bulk
(harness.seed_subscribers). Each round sends one request for a known contact (a confirmed subscriber never asked
about before) and one for an unknown contact (never seen), in turn, through the real app (Flask's test client,
every request from its own address and a fresh browser session, so the per-address limits never refuse), and
times each. The surfaces:

- `subscribe`: the check-answers page's "Accept and send" (`POST /subscribe/check`) for an email address;
- `manage`: "get a link to manage your alerts" (`POST /manage`) for an email address;
- `manage_code`: a wrong security code (`POST /manage/code`) after asking for one by text;
- `api_sign_up`: `POST /api/v1/subscriptions` for an email address;
- `api_confirm`: a wrong code at `POST /api/v1/subscriptions/confirm` for a mobile number;
- `contact_centre_find`: an agent's "Find subscriber" (`POST /staff/lookup`).

For each: `known_ms` and `unknown_ms` (medians) and `ratio` (known : unknown). Work between the timed requests
(asking for the code, the job that sends what was asked for) is not timed. `--small` runs 5 rounds with no limit,
for the test that checks this script still runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/enumeration.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from flask.testing import FlaskClient

from bench import harness

PASSWORD = "bench-enumeration-password-1"
AGENT = "agent@bench.example"
WRONG_CODE = "000000"  # never issued: codes are random, and a run never reads one


@dataclass(frozen=True)
class Surface:
    name: str
    channel: str  # whose contacts it takes: "email" or "sms"
    prepare: Callable[[FlaskClient, str], None]  # untimed set-up for one request
    send: Callable[[FlaskClient, str], Any]  # the timed request; returns the response
    expect: int  # the status code both answers must have


def _app(url: str) -> Flask:
    from alerts import create_app
    from config.settings import database_url as driver_url

    return create_app("development", {
        "SQLALCHEMY_DATABASE_URI": driver_url(url), "BASE_URL": harness.PUBLIC_BASE_URL, "ACCESS_LOG": False,
        "MFA_REQUIRED": False, "WTF_CSRF_ENABLED": False,  # the same for both answers: no token to scrape
        # Seeded numbers share their first digits: counted alike, but never refused, for known and unknown.
        "SIGNUP_LIMITS_PER_NUMBER_PREFIX": "1000000 per day", "SMS_SIGNUP_DAILY_BUDGET": 10**9,
        "SIGNUP_MIN_FILL_SECONDS": 0})


class Contacts:
    """Known contacts are seeded confirmed subscribers, each used once; unknown ones are never seen before."""

    def __init__(self, seeded: int, texts: int) -> None:
        self._next = {"sms": 0, "email": texts}
        self._unknown = 0
        self._texts, self._seeded = texts, seeded

    def known(self, channel: str) -> str:
        n = self._next[channel]
        self._next[channel] += 1
        assert n < (self._texts if channel == "sms" else self._seeded), "seed more subscribers for this many rounds"
        return harness.contact_for(channel, n)

    def unknown(self, channel: str) -> str:
        self._unknown += 1
        return f"+447401{self._unknown:06d}" if channel == "sms" else f"nobody{self._unknown}@example.org"


def _run_jobs(app: Flask) -> None:
    """What the scheduler would do next: send what residents asked for (untimed)."""
    from alerts.services import signups

    with app.app_context():
        handle = getattr(signups, "send_requested_manage_access", None)
        if handle is not None:
            handle()


def _surfaces(app: Flask) -> list[Surface]:
    def nothing(_client: FlaskClient, _contact: str) -> None:
        return None

    def journey(client: FlaskClient, contact: str) -> None:
        with client.session_transaction() as session:
            session["subscribe"] = {"started_at": time.time() - 60, "areas": [["weymouth", "DT4 7TW"]],
                                    "services": None, "channel": "email", "digest": False, "contact": contact,
                                    "contact_typed": contact}

    def ask_for_code(client: FlaskClient, contact: str) -> None:
        answer = client.post("/manage", data={"contact": contact})
        assert answer.status_code == 302, answer.status_code
        _run_jobs(app)

    return [
        Surface("subscribe", "email", journey, lambda c, _: c.post("/subscribe/check", data={}), 302),
        Surface("manage", "email", nothing, lambda c, contact: c.post("/manage", data={"contact": contact}), 302),
        Surface("manage_code", "sms", ask_for_code, lambda c, _: c.post("/manage/code", data={"code": WRONG_CODE}),
                200),
        Surface("api_sign_up", "email", nothing, lambda c, contact: c.post(
            "/api/v1/subscriptions", json={"channel": "email", "contact": contact, "postcode": "DT4 7TW"}), 202),
        Surface("api_confirm", "sms", nothing, lambda c, contact: c.post(
            "/api/v1/subscriptions/confirm", json={"contact": contact, "code": WRONG_CODE}), 422),
        Surface("contact_centre_find", "email", nothing,
                lambda c, contact: c.post("/staff/lookup", data={"contact": contact}), 200),
    ]


class Addresses:
    """A new client address for every request, so per-address limits count each once."""

    def __init__(self) -> None:
        self._n = 0

    def next(self) -> str:
        self._n += 1
        return f"10.{(self._n >> 16) & 255}.{(self._n >> 8) & 255}.{self._n & 255}"


def _agent_cookies(app: Flask) -> list[Any]:
    from alerts.credentials.passwords import hash_password
    from alerts.extensions import db
    from alerts.models import Role, StaffUser

    with app.app_context():
        db.session.add(StaffUser(email=AGENT, role=Role.CONTACT_CENTRE, password_hash=hash_password(PASSWORD)))
        db.session.commit()
    signer = app.test_client()
    answer = signer.post("/staff/sign-in", data={"email": AGENT, "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code
    return list(signer._cookies.values())


def _client(app: Flask, address: str, cookies: list[Any]) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    for cookie in cookies:
        client.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return client


def measure(app: Flask, surface: Surface, contacts: Contacts, addresses: Addresses, rounds: int,
            cookies: list[Any]) -> dict[str, Any]:
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    staff = surface.name == "contact_centre_find"
    for n in range(rounds + 2):  # the first two of each are warm-up
        order = ("known", "unknown") if n % 2 == 0 else ("unknown", "known")
        for which in order:
            contact = contacts.known(surface.channel) if which == "known" else contacts.unknown(surface.channel)
            client = _client(app, addresses.next(), cookies if staff else [])
            surface.prepare(client, contact)
            gc.collect()
            began = time.perf_counter()
            answer = surface.send(client, contact)
            elapsed = (time.perf_counter() - began) * 1000
            assert answer.status_code == surface.expect, (surface.name, which, answer.status_code)
            if n >= 2:
                times[which].append(elapsed)
    known, unknown = statistics.median(times["known"]), statistics.median(times["unknown"])
    return {"known_ms": round(known, 2), "unknown_ms": round(unknown, 2), "ratio": round(known / unknown, 3)}


def run(url: str, rounds: int, only: list[str] | None = None) -> dict[str, Any]:
    app = _app(url)
    harness.reset_database(app)
    surfaces = [surface for surface in _surfaces(app) if not only or surface.name in only]
    per_channel = {"sms": 0, "email": 0}
    for surface in surfaces:
        per_channel[surface.channel] += rounds + 2
    seeded = 2 * max(per_channel.values()) + 10
    harness.seed_subscribers(app, seeded)
    contacts = Contacts(seeded, round(seeded * 0.5))
    cookies = _agent_cookies(app)
    addresses = Addresses()
    figures = {}
    for surface in surfaces:
        figures[surface.name] = measure(app, surface, contacts, addresses, rounds, cookies)
        print(surface.name, figures[surface.name], file=sys.stderr)
    return {"bench": "enumeration", "machine": harness.machine(), "database": "postgresql", "rounds": rounds,
            "surfaces": figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="timed requests for each of known and unknown")
    parser.add_argument("--limit", type=float, default=1.15, help="the most known : unknown may be")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL to use (its tables are dropped); default BENCH_DATABASE_URL")
    parser.add_argument("--small", action="store_true", help="5 rounds and no limit: does it still run")
    parser.add_argument("--only", nargs="*", help="time only these surfaces (names as printed)")
    args = parser.parse_args()
    url = args.database_url or harness.database_url("postgresql")
    figures = run(url, 5 if args.small else args.rounds, args.only)
    print(json.dumps(figures))
    over = {name: f["ratio"] for name, f in figures["surfaces"].items() if f["ratio"] > args.limit}
    if over and not args.small:
        print(f"known : unknown over {args.limit}: {over}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
