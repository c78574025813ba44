"""Configuration classes, chosen by ALERTS_ENV. Secrets come only from the environment."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from config import ConfigurationError
from config.council import council_id_from_environment

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / "data"  # files every council shares


def database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs as PaaS providers write them (postgres://, postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from None


def _flag(name: str, default: bool) -> bool:
    """An on/off setting; "0", "false", "no" and "off" (any case) turn it off."""
    raw = os.environ.get(name, "").strip().lower()
    return default if not raw else raw not in {"0", "false", "no", "off"}


def _list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


class Config:
    ALERTS_ENV = "development"
    DEBUG = False
    TESTING = False
    # The council profile (config/councils/<COUNCIL>/) this deployment serves. create_app() reads it
    # and fills the settings below that are left empty from it (config/council.py council_settings()).
    COUNCIL = council_id_from_environment(os.environ.get("COUNCIL"))
    SERVICE_NAME: str | None = None
    COUNCIL_NAME: str | None = None
    # ONS local authority code: rows for other councils are skipped on import. Unset: the profile's.
    LOCAL_AUTHORITY_CODE = os.environ.get("LOCAL_AUTHORITY_CODE") or None

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'alerts.sqlite3'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Host names this service answers to; any other Host header gets 400, so a forged one can never end up in an
    # absolute URL we build. Unset: BASE_URL's host (and, outside production, localhost). See trusted_hosts().
    TRUSTED_HOSTS = _list("TRUSTED_HOSTS")
    # No form or API body we accept comes near this; refusing larger ones early keeps a flood of junk cheap.
    MAX_CONTENT_LENGTH = 64 * 1024

    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY") or None
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", "00000000-0000-4000-8000-000000000001")
    NOTIFY_SMS_TEMPLATE_ID = os.environ.get("NOTIFY_SMS_TEMPLATE_ID", "00000000-0000-4000-8000-000000000002")
    NOTIFY_CALLBACK_TOKEN = os.environ.get("NOTIFY_CALLBACK_TOKEN") or None
    # Notify allows 3,000 a minute per key type; staying under it leaves room for clock drift between buckets.
    NOTIFY_RATE_LIMIT_PER_MINUTE = _int("NOTIFY_RATE_LIMIT_PER_MINUTE", 2900)
    # A cap only. The dispatcher keeps as many sends in flight as the allowance and Notify's measured
    # latency need (Little's law), up to this.
    NOTIFY_CONCURRENCY = _int("NOTIFY_CONCURRENCY", 64)
    # "database" (one row every worker updates atomically) or a redis:// URL for the shared token bucket.
    NOTIFY_RATE_LIMIT_STORAGE = os.environ.get("NOTIFY_RATE_LIMIT_STORAGE") or "database"
    # Tries per message for retryable errors (429 RateLimitError, 5xx, timeouts) before it is marked failed.
    NOTIFY_MAX_ATTEMPTS = _int("NOTIFY_MAX_ATTEMPTS", 10)
    # How long a worker holds claimed messages before another may take them back (a crashed worker's rows return
    # after this), and how long one request to Notify may take. Tests shorten both to stay quick.
    NOTIFY_LEASE_SECONDS = _int("NOTIFY_LEASE_SECONDS", 300)
    NOTIFY_TIMEOUT_SECONDS = float(os.environ.get("NOTIFY_TIMEOUT_SECONDS") or 10)
    # After a send whose outcome is unknown (timeout, cut connection, 5xx), wait this long before looking
    # it up by reference: Notify can store a request up to about a minute after it was sent (its 30 s serve timeout
    # behind a load balancer with a 60 s idle timeout; see alerts/delivery/dispatcher.py SETTLE).
    NOTIFY_SETTLE_SECONDS = float(os.environ.get("NOTIFY_SETTLE_SECONDS") or 75)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # The Met Office regional warnings feed, and the name of the local authority whose warnings become weather
    # warnings. Unset: the profile's (met_office.feed_url, met_office.area_name).
    MET_OFFICE_FEED_URL = os.environ.get("MET_OFFICE_FEED_URL")
    WARNING_AREA_NAME = os.environ.get("WARNING_AREA_NAME") or None
    FEED_TIMEOUT_SECONDS = float(os.environ.get("FEED_TIMEOUT_SECONDS") or 10)
    FEED_MAX_BYTES = _int("FEED_MAX_BYTES", 2_000_000)
    # Who may frame /embed/ pages (CSP frame-ancestors): "*" lets any partner site show the banner.
    EMBED_FRAME_ANCESTORS = os.environ.get("EMBED_FRAME_ANCESTORS", "*")
    APPROVAL_THRESHOLD = _int("APPROVAL_THRESHOLD", 5000)
    # One person's sends without a second officer within this many hours count against the threshold together.
    APPROVAL_WINDOW_HOURS = _int("APPROVAL_WINDOW_HOURS", 24)
    NOTICE_EXPIRY_GRACE_HOURS = _int("NOTICE_EXPIRY_GRACE_HOURS", 12)

    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token; a long form must not fail at 6am
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    API_PAGE_SIZE = 50

    # Sign-up defences (docs/residents.md, "Signing up for alerts"). Limits use Flask-Limiter's notation, ";" between
    # several.
    SIGNUP_LIMITS_PER_IP = os.environ.get("SIGNUP_LIMITS_PER_IP", "10 per hour;30 per day")
    SIGNUP_LIMITS_PER_CONTACT = os.environ.get("SIGNUP_LIMITS_PER_CONTACT", "3 per 15 minutes;6 per day")
    # Pumping fraud walks through a number range: count every number that shares all but its last 4 digits.
    SIGNUP_LIMITS_PER_NUMBER_PREFIX = os.environ.get("SIGNUP_LIMITS_PER_NUMBER_PREFIX", "10 per hour;20 per day")
    CODE_ATTEMPT_LIMITS_PER_IP = os.environ.get("CODE_ATTEMPT_LIMITS_PER_IP", "30 per hour")
    # Confirmation and security-code texts per day (Europe/London); past it, sign-up by text pauses.
    SMS_SIGNUP_DAILY_BUDGET = _int("SMS_SIGNUP_DAILY_BUDGET", 1000)
    SIGNUP_MIN_FILL_SECONDS = _int("SIGNUP_MIN_FILL_SECONDS", 5)
    # Residents' privacy. The privacy notice renders these same values (templates/public/privacy.html),
    # and the links and the nightly purge (alerts/data/retention.py) enforce them.
    # A fresh manage link goes in every message; an old one stops working after this.
    MANAGE_LINK_DAYS = _int("MANAGE_LINK_DAYS", 14)
    # RFC 8058 sets no period: a mail client sends the one-click POST whenever its reader acts on a message still in
    # their inbox. Kept working for two months, beyond the 30 days that mailbox providers' bulk-sender rules (after
    # US CAN-SPAM) expect an unsubscribe link to keep working after sending.
    UNSUBSCRIBE_LINK_DAYS = _int("UNSUBSCRIBE_LINK_DAYS", 60)
    UNCONFIRMED_SIGN_UP_HOURS = _int("UNCONFIRMED_SIGN_UP_HOURS", 24)
    # Unsubscribed and suspended contacts alike: once no alert can go to them, the contact goes after this.
    ENDED_CONTACT_DAYS = _int("ENDED_CONTACT_DAYS", 28)
    MESSAGE_RECIPIENT_DAYS = _int("MESSAGE_RECIPIENT_DAYS", 7)
    # Staff audit records: the client address is cut to its network (/24, /48) after this, dropped after the next.
    AUDIT_ADDRESS_TRUNCATE_DAYS = _int("AUDIT_ADDRESS_TRUNCATE_DAYS", 30)
    AUDIT_ADDRESS_DROP_DAYS = _int("AUDIT_ADDRESS_DROP_DAYS", 365)
    AUDIT_RECORD_DAYS = _int("AUDIT_RECORD_DAYS", 730)
    # Wrong codes: each code has its own tries (MAX_CODE_ATTEMPTS); guesses also count per contact, whoever sends
    # them and whether or not the contact exists, so the answer never tells which limit was reached.
    CODE_ATTEMPT_LIMITS_PER_CONTACT = os.environ.get("CODE_ATTEMPT_LIMITS_PER_CONTACT", "10 per hour")
    # Copies of rendered public reads (alerts/web/caching.py): how long one may live, and how many a process keeps.
    READ_CACHE_SECONDS = _int("READ_CACHE_SECONDS", 15)
    READ_CACHE_ENTRIES = _int("READ_CACHE_ENTRIES", 500)

    # Replies from residents. The number Notify gave the service for replies: texts say "Reply STOP to stop" only
    # when it is set, as a reply to a sender with none goes nowhere. Text pricing reads the same setting.
    NOTIFY_INBOUND_NUMBER = os.environ.get("NOTIFY_INBOUND_NUMBER") or None
    # How often the scheduler asks Notify for replies, in case the inbound callback is down.
    INBOUND_POLL_SECONDS = _int("INBOUND_POLL_SECONDS", 300)
    # When the daily email digest goes (UK time): shown to the resident who chooses it.
    DIGEST_HOUR = _int("DIGEST_HOUR", 18)

    # Texts, cost and insight.
    # Price per text fragment in pence, before VAT: the rate GOV.UK Notify publishes on its pricing page
    # (https://www.notifications.service.gov.uk/pricing), 2.27p from 1 April 2025 — the same sms_rate the project's
    # Notify simulator returns (bench/notify_simulator/store.py). shared/reference/notify.md gives the fragment rules
    # and `cost_in_pounds` but no price, so check the page each April.
    NOTIFY_SMS_PRICE_PENCE = os.environ.get("NOTIFY_SMS_PRICE_PENCE", "2.27")
    # Free text fragments a year per Notify service (same page, same date; the allowance depends on the kind of
    # organisation — set the council's own).
    NOTIFY_FREE_SMS_ALLOWANCE = _int("NOTIFY_FREE_SMS_ALLOWANCE", 10000)
    # /s/<code>: a resident taps it a few times; anyone walking codes is stopped long before a guess could land.
    SHORT_LINK_LIMITS_PER_IP = os.environ.get("SHORT_LINK_LIMITS_PER_IP", "30 per minute;300 per day")

    # Staff need a second factor (TOTP) before any staff page. On in production; development and tests
    # leave it off unless MFA_REQUIRED=true (tests switch it on where they need it).
    MFA_REQUIRED = _flag("MFA_REQUIRED", False)

    # Deployment safety. How many proxies in front (a PaaS router, a CDN) whose X-Forwarded-* headers
    # are believed; 0 believes none. docs/production.md ("Behind proxies") says what to set on common platforms.
    TRUSTED_PROXY_COUNT = _int("TRUSTED_PROXY_COUNT", 0)
    # How many processes serve web requests: what the Procfile passes to gunicorn --workers (and what gunicorn
    # itself reads), 2 when unset. With more than one, memory:// rate limits would be counted per process.
    WEB_CONCURRENCY = _int("WEB_CONCURRENCY", 2)
    # Feed sources never resolve to private, link-local or reserved addresses; loopback is allowed only where a
    # test says so (a local HTTP server). Production fetches https:// only.
    FEED_ALLOW_LOOPBACK = False
    FEED_MAX_REDIRECTS = _int("FEED_MAX_REDIRECTS", 5)

    # Operations: how long a CDN may keep an anonymous public page (`s-maxage`; 0: never); errors to Sentry when
    # SENTRY_DSN is set; one JSON access line per request (off: ACCESS_LOG=0).
    CDN_CACHE_SECONDS = _int("CDN_CACHE_SECONDS", 60)
    SENTRY_DSN = os.environ.get("SENTRY_DSN") or None
    SENTRY_TRACES_SAMPLE_RATE = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE") or 0)
    ACCESS_LOG = os.environ.get("ACCESS_LOG", "1") not in ("0", "false", "no", "")
    # Compiled templates kept on local disk, so only a machine's first web worker compiles them (see
    # alerts/web/warm_up.py). Jinja checks each template's source, so a deploy never serves stale code. "" turns it off.
    TEMPLATE_BYTECODE_CACHE = os.environ.get(
        "TEMPLATE_BYTECODE_CACHE", str(Path(tempfile.gettempdir()) / f"alerts-templates-{os.getuid()}"))


class DevelopmentConfig(Config):
    ALERTS_ENV = "development"
    # A fixed development key keeps sessions across restarts of `make run`; production must set its own.
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-not-secret")


class TestConfig(Config):
    ALERTS_ENV = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 — tests only
    SENTRY_DSN = None  # never report test errors, whatever the environment says
    # The test harness sets a file-backed SQLite database per run, or TEST_DATABASE_URL for PostgreSQL.
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    BASE_URL = "http://localhost"
    NOTIFY_API_KEY = None
    NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"
    NOTIFY_CALLBACK_TOKEN = "test-callback-token"  # noqa: S105 — tests only
    NOTIFY_RATE_LIMIT_STORAGE = "database"
    RATELIMIT_STORAGE_URI = "memory://"
    MET_OFFICE_FEED_URL = "https://feeds.example.test/met-office/sw.xml"
    APPROVAL_THRESHOLD = 5000
    MFA_REQUIRED = False  # tests that need a second factor switch it on
    TEMPLATE_BYTECODE_CACHE = ""  # every test app compiles its own


class ProductionConfig(Config):
    ALERTS_ENV = "production"
    MFA_REQUIRED = _flag("MFA_REQUIRED", True)  # on in production unless MFA_REQUIRED=false
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_for(env: str | None) -> type[Config]:
    name = env or "production"  # a deployment that forgets ALERTS_ENV gets every production check
    if name not in CONFIGS:
        raise ConfigurationError(f"ALERTS_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]


def trusted_hosts(settings: dict) -> list[str]:
    """TRUSTED_HOSTS if set, otherwise BASE_URL's host name, plus loopback names outside production."""
    if settings.get("TRUSTED_HOSTS"):
        return list(settings["TRUSTED_HOSTS"])
    hosts = [urlsplit(settings["BASE_URL"]).hostname or "localhost"]
    if settings.get("ALERTS_ENV") != "production":
        hosts += ["localhost", "127.0.0.1"]
    return list(dict.fromkeys(hosts))


# Signing keys that anyone can read in this repository (config, tests, docs). A session or link signed
# with one of them is forgeable by anyone, so production refuses them; tests/test_config.py checks every
# SECRET_KEY literal in the repository is caught by this list or the rules in check_production_settings().
PUBLISHED_SECRET_KEYS = frozenset({
    "development-only-not-secret",  # DevelopmentConfig
    "test-secret-key",  # TestConfig
    "test",
    "secret",
    "changeme",
    "change-me",
})
MIN_SECRET_KEY_LENGTH = 32
MAKE_A_KEY = "make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"


def check_production_settings(settings: dict) -> None:
    """Refuse to start a production process that would be unsafe: the message is one line naming the variable."""
    if settings.get("ALERTS_ENV") != "production":
        return
    _check_secret_key(settings.get("SECRET_KEY") or "")
    _check_callback_token(settings.get("NOTIFY_CALLBACK_TOKEN"))
    if settings.get("DEBUG"):
        raise ConfigurationError("DEBUG must be off in production")
    if not settings.get("NOTIFY_API_KEY"):
        # Without a key every message would go to the local outbox, which logs confirmation codes: never live.
        raise ConfigurationError("NOTIFY_API_KEY must be set in production")
    storage = str(settings.get("RATELIMIT_STORAGE_URI") or "memory://")
    processes = int(settings.get("WEB_CONCURRENCY") or 1)
    if storage.startswith("memory://") and processes > 1:
        raise ConfigurationError(
            f"RATELIMIT_STORAGE_URI is memory://, so each of the {processes} web processes (WEB_CONCURRENCY) would "
            "count rate limits alone: set RATELIMIT_STORAGE_URI=redis://... (or WEB_CONCURRENCY=1)"
        )
    if int(settings.get("APPROVAL_WINDOW_HOURS", 24)) < 1:
        # 0 would forget every send at once: many small sends would add up to one big one nobody checked.
        raise ConfigurationError("APPROVAL_WINDOW_HOURS must be 1 or more")
    if int(settings.get("TRUSTED_PROXY_COUNT") or 0) < 0:
        raise ConfigurationError("TRUSTED_PROXY_COUNT must be 0 or more")


def _check_secret_key(key: str) -> None:
    if not key:
        raise ConfigurationError(f"SECRET_KEY must be set in production: {MAKE_A_KEY}")
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(
            f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters ({len(key)}): {MAKE_A_KEY}"
        )
    if key in PUBLISHED_SECRET_KEYS or key.lower().startswith(("development-only", "test-", "bench-")):
        raise ConfigurationError(f"SECRET_KEY is a value published in this repository: {MAKE_A_KEY}")
    if max(key.count(character) for character in set(key)) * 2 > len(key):
        # "x" * 32 and its kin: long enough, but guessable at once.
        raise ConfigurationError(f"SECRET_KEY is mostly one repeated character: {MAKE_A_KEY}")


def _check_callback_token(token: str | None) -> None:
    """Whoever holds the callback token can mark messages delivered and end residents' texts with a forged STOP
    reply: the ones written in this repository (tests, README examples) and short ones are refused."""
    if token is None:
        return  # receipts and replies are then refused, and the scheduler polls for replies instead
    if len(token) < MIN_SECRET_KEY_LENGTH or token.lower().startswith(("test-", "local-", "development", "bench-")):
        raise ConfigurationError(
            f"NOTIFY_CALLBACK_TOKEN is shorter than {MIN_SECRET_KEY_LENGTH} characters or a value published in this "
            f"repository: {MAKE_A_KEY}"
        )
