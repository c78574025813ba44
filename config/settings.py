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


def database_url(url: str, name: str = "DATABASE_URL") -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs as PaaS providers write them (postgres://, postgresql://), and
    read sqlite:///instance/… from the project folder, as the README writes it (Flask-SQLAlchemy reads a relative
    SQLite path inside instance/, which would put it in instance/instance/). Any other URL is refused in one line."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url.removeprefix(prefix)
    if url.startswith("sqlite:///instance/"):
        # Any other relative path is Flask-SQLAlchemy's own rule: inside instance/.
        url = f"sqlite:///{ROOT / url.removeprefix('sqlite:///')}"
    _check_database_url(url, name)
    return url


def _check_database_url(url: str, name: str) -> None:
    # The URL is never echoed: it may hold the database password.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise ConfigurationError(
            f"{name} is not a database URL: write it like postgresql://user:password@host/database or "
            "sqlite:///instance/alerts.sqlite3") from None
    if backend not in ("postgresql", "sqlite"):
        raise ConfigurationError(
            f"{name} names a database this service does not use ({backend}): use postgresql://… or sqlite:///…")


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
    # Retired keys, still accepted for everything signed or sealed while they age out (docs/production.md, "A leaked
    # key"); nothing is signed with them. Flask reads the list for sessions; alerts/links.py and the sealed second
    # factor secrets read it too.
    SECRET_KEY_FALLBACKS: list[str] = _list("SECRET_KEY_FALLBACKS") or []
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'alerts.sqlite3'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Database connections each process may hold (SQLAlchemy pool_size + max_overflow). Web processes and one-off
    # commands: gunicorn runs 4 threads per worker, so 5 + 5 covers them. Dispatchers (`dispatch`, `scheduler`): one
    # per send thread, NOTIFY_CONCURRENCY + 2 when unset. docs/production.md ("Database connections") adds them up.
    DB_POOL_SIZE = _int("DB_POOL_SIZE", 5)
    DB_MAX_OVERFLOW = _int("DB_MAX_OVERFLOW", 5)
    DISPATCHER_DB_POOL_SIZE = _int("DISPATCHER_DB_POOL_SIZE", 0) or None
    DISPATCHER_DB_MAX_OVERFLOW = _int("DISPATCHER_DB_MAX_OVERFLOW", 0)
    # The database's connection limit and how many dispatching processes run (the scheduler counts as one): with
    # DB_MAX_CONNECTIONS set, each process warns at start when the sum could pass it.
    DB_MAX_CONNECTIONS = _int("DB_MAX_CONNECTIONS", 0) or None
    DISPATCHER_PROCESSES = _int("DISPATCHER_PROCESSES", 1)
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
    # Old callback tokens still accepted while Notify's callback settings are being changed to the new one.
    NOTIFY_CALLBACK_TOKEN_FALLBACKS: list[str] = _list("NOTIFY_CALLBACK_TOKEN_FALLBACKS") or []
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
    # Wrong passwords and security codes one staff account may take in a day, from every address together; past
    # it nobody can sign in to it until the day's window ends, and the person and the admins are emailed.
    STAFF_SIGN_IN_ATTEMPTS_PER_DAY = _int("STAFF_SIGN_IN_ATTEMPTS_PER_DAY", 30)
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
    # Price per text fragment in pence, before VAT. Unset, estimates use Notify's price on the day of sending, from
    # the table of its rates in alerts/notify/pricing.py (2.4p from 1 April 2026). Set it only to fix a price the
    # table does not know, such as a rate agreed with Notify.
    NOTIFY_SMS_PRICE_PENCE = os.environ.get("NOTIFY_SMS_PRICE_PENCE") or None
    # The Notify service's name when its "Start text messages with service name" setting is on: Notify then puts
    # "<name>: " before every text and bills it, so layouts, fragment counts and costs count it. Empty when off.
    NOTIFY_SMS_PREFIX = os.environ.get("NOTIFY_SMS_PREFIX", "")
    # Free text fragments a year per Notify service: 10,000 for a local council from 1 April 2026 (notifications-api
    # migration 0547_new_sms_allowance_n_rate.py); it depends on the kind of organisation — set the council's own.
    NOTIFY_FREE_SMS_ALLOWANCE = _int("NOTIFY_FREE_SMS_ALLOWANCE", 10000)
    # /s/<code>: a resident taps it a few times; anyone walking codes is stopped long before a guess could land.
    SHORT_LINK_LIMITS_PER_IP = os.environ.get("SHORT_LINK_LIMITS_PER_IP", "30 per minute;300 per day")
    # "Was this useful?": a resident answers a few notices; a script pressing Yes all day is stopped early.
    FEEDBACK_LIMITS_PER_IP = os.environ.get("FEEDBACK_LIMITS_PER_IP", "10 per hour;30 per day")

    # Staff need a second factor (TOTP) before any staff page. On in production; development and tests
    # leave it off unless MFA_REQUIRED=true (tests switch it on where they need it).
    MFA_REQUIRED = _flag("MFA_REQUIRED", False)

    # Single sign-on (OpenID Connect, docs/staff.md "Single sign-on"): on when OIDC_ISSUER_URL is set. The button
    # reads "Sign in with <OIDC_PROVIDER_NAME>"; OIDC_ROLES_CLAIM names the ID token claim listing the person's roles
    # (Microsoft Entra ID app roles arrive in `roles`). With it on, passwords are for admins only (break-glass)
    # unless LOCAL_SIGN_IN=all.
    OIDC_ISSUER_URL = (os.environ.get("OIDC_ISSUER_URL") or "").rstrip("/") or None
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID") or None
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET") or None
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME") or "your council account"
    OIDC_ROLES_CLAIM = os.environ.get("OIDC_ROLES_CLAIM") or "roles"
    LOCAL_SIGN_IN = (os.environ.get("LOCAL_SIGN_IN") or "admins").strip().lower()

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
    # `make run PORT=5400` serves on that port: links in messages follow it unless BASE_URL says otherwise.
    BASE_URL = os.environ.get("BASE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or 5000}"
    # A recorded or local feed (http://127.0.0.1:…) can be tried by hand; production never fetches loopback.
    FEED_ALLOW_LOOPBACK = _flag("FEED_ALLOW_LOOPBACK", False)


class TestConfig(Config):
    ALERTS_ENV = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 — tests only
    SENTRY_DSN = None  # never report test errors, whatever the environment says
    # The test harness sets a file-backed SQLite database per run, or TEST_DATABASE_URL for PostgreSQL.
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"), "TEST_DATABASE_URL")
    BASE_URL = "http://localhost"
    NOTIFY_API_KEY = None
    NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"
    NOTIFY_CALLBACK_TOKEN = "test-callback-token"  # noqa: S105 — tests only
    NOTIFY_RATE_LIMIT_STORAGE = "database"
    RATELIMIT_STORAGE_URI = "memory://"
    MET_OFFICE_FEED_URL = "https://feeds.example.test/met-office/sw.xml"
    APPROVAL_THRESHOLD = 5000
    MFA_REQUIRED = False  # tests that need a second factor switch it on
    OIDC_ISSUER_URL = None  # tests that need single sign-on start a local provider and set it
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


def csrf_signing_keys(settings: dict) -> list[str]:
    """Flask reads SECRET_KEY_FALLBACKS for the session, but Flask-WTF signs CSRF tokens with one key. itsdangerous
    takes a list (the last signs, all verify), so a form opened before a key rotation can still be sent after it."""
    return [*reversed(settings.get("SECRET_KEY_FALLBACKS") or []), settings["SECRET_KEY"]]


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
    for fallback in settings.get("SECRET_KEY_FALLBACKS") or []:
        _check_secret_key(fallback, "SECRET_KEY_FALLBACKS")
        if fallback == settings.get("SECRET_KEY"):
            raise ConfigurationError("SECRET_KEY_FALLBACKS holds the current SECRET_KEY: list only retired keys")
    _check_callback_token(settings.get("NOTIFY_CALLBACK_TOKEN"))
    for fallback in settings.get("NOTIFY_CALLBACK_TOKEN_FALLBACKS") or []:
        _check_callback_token(fallback, "NOTIFY_CALLBACK_TOKEN_FALLBACKS")
        if fallback == settings.get("NOTIFY_CALLBACK_TOKEN"):
            raise ConfigurationError(
                "NOTIFY_CALLBACK_TOKEN_FALLBACKS holds the current NOTIFY_CALLBACK_TOKEN: list only retired tokens")
    if settings.get("NOTIFY_CALLBACK_TOKEN") and settings.get("NOTIFY_CALLBACK_TOKEN") == settings.get("SECRET_KEY"):
        # Notify (and whoever reads its settings) would then hold the key that signs staff sessions and links.
        raise ConfigurationError(
            f"NOTIFY_CALLBACK_TOKEN is the same value as SECRET_KEY: make each its own. {MAKE_A_KEY}")
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
    if int(settings.get("STAFF_SIGN_IN_ATTEMPTS_PER_DAY", 30)) < 1:
        # 0 would stop every password sign-in, with an email to every admin at each first attempt of the day.
        raise ConfigurationError("STAFF_SIGN_IN_ATTEMPTS_PER_DAY must be 1 or more")
    if int(settings.get("TRUSTED_PROXY_COUNT") or 0) < 0:
        raise ConfigurationError("TRUSTED_PROXY_COUNT must be 0 or more")
    _check_base_url(str(settings.get("BASE_URL") or ""))


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOCAL_SIGN_IN_CHOICES = ("admins", "all")


def check_single_sign_on_settings(settings: dict) -> None:
    """Single sign-on needs a client id, and an https issuer: the ID token's keys come from it. Development and
    tests may use http on loopback (a local provider); production never."""
    if settings.get("LOCAL_SIGN_IN") not in LOCAL_SIGN_IN_CHOICES:
        raise ConfigurationError(f"LOCAL_SIGN_IN must be one of {', '.join(LOCAL_SIGN_IN_CHOICES)}, "
                                 f"not {settings.get('LOCAL_SIGN_IN')!r}")
    issuer = settings.get("OIDC_ISSUER_URL")
    if not issuer:
        return
    parts = urlsplit(issuer)
    loopback_allowed = settings.get("ALERTS_ENV") != "production" and parts.hostname in LOOPBACK_HOSTS
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback_allowed):
        where = "" if settings.get("ALERTS_ENV") == "production" else " (http only on loopback outside production)"
        raise ConfigurationError(f"OIDC_ISSUER_URL must be an https:// address{where}, not {issuer!r}")
    if not settings.get("OIDC_CLIENT_ID"):
        raise ConfigurationError("OIDC_CLIENT_ID must be set when OIDC_ISSUER_URL is: the provider gives it when "
                                 "the app is registered")


def _check_secret_key(key: str, name: str = "SECRET_KEY") -> None:
    # A fallback still verifies sessions and links, so a weak or published one is as forgeable as a current one.
    if not key:
        raise ConfigurationError(f"{name} must be set in production: {MAKE_A_KEY}")
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(
            f"{name} is shorter than {MIN_SECRET_KEY_LENGTH} characters ({len(key)}): {MAKE_A_KEY}"
        )
    if key in PUBLISHED_SECRET_KEYS or key.lower().startswith(("development-only", "test-", "bench-")):
        raise ConfigurationError(f"{name} is a value published in this repository: {MAKE_A_KEY}")
    if max(key.count(character) for character in set(key)) * 2 > len(key):
        # "x" * 32 and its kin: long enough, but guessable at once.
        raise ConfigurationError(f"{name} is mostly one repeated character: {MAKE_A_KEY}")
    _check_guessable(name, key)


# Few enough different characters that a key is a pattern, not a random value ("ab" * 16). A made key of 32 hex
# characters has about 14; of token_urlsafe(32), about 30.
MIN_DISTINCT_CHARACTERS = 8
# What is left of a key once these are taken out must still be this many letters and digits: a key made of words
# ("passwordletmeinchangemesecret123") is one a dictionary attack tries early. Longest first, so "password" goes
# before "pass".
GUESSABLE_WORDS = sorted((
    "password", "passw0rd", "changeme", "secret", "letmein", "welcome", "default", "example", "admin", "council",
    "alerts", "alert", "service", "notify", "token", "key", "test", "qwerty", "asdfgh", "monkey", "dragon",
    "master", "flask", "production", "development", "staging", "sunshine", "iloveyou", "0123456789", "1234567890",
    "abcdefghijklmnopqrstuvwxyz", "abc", "123",
), key=len, reverse=True)
MIN_LEFT_AFTER_WORDS = 16


def _check_guessable(name: str, value: str) -> None:
    """Long enough is not random enough: refuse a secret with few different characters, one that is a short piece
    repeated ("changeme" * 4, "0123456789" * 4), or one made of dictionary words."""
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        raise ConfigurationError(
            f"{name} has too few different characters ({len(set(value))}) to be random: {MAKE_A_KEY}")
    for period in range(1, len(value) // 2 + 1):
        if all(value[index] == value[index - period] for index in range(period, len(value))):
            raise ConfigurationError(f"{name} is a short piece repeated ({period} characters): {MAKE_A_KEY}")
    left = value.lower()
    for word in GUESSABLE_WORDS:
        left = left.replace(word, "")
    if sum(character.isalnum() for character in left) < MIN_LEFT_AFTER_WORDS:
        raise ConfigurationError(f"{name} is made of dictionary words: {MAKE_A_KEY}")


def _check_base_url(base_url: str) -> None:
    """Links in every email and text start with BASE_URL: over plain HTTP a manage or unsubscribe link (a credential
    for that resident) crosses the network readable. Plain HTTP on loopback is a local benchmark, never residents."""
    parts = urlsplit(base_url)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        raise ConfigurationError(
            f"BASE_URL must be an https:// address in production, not {base_url!r} (plain http:// only on loopback)")


def _check_callback_token(token: str | None, name: str = "NOTIFY_CALLBACK_TOKEN") -> None:
    """Whoever holds the callback token can mark messages delivered and end residents' texts with a forged STOP
    reply: the ones written in this repository (tests, README examples) and short ones are refused."""
    if token is None:
        return  # receipts and replies are then refused, and the scheduler polls for replies instead
    if len(token) < MIN_SECRET_KEY_LENGTH or token.lower().startswith(("test-", "local-", "development", "bench-")):
        raise ConfigurationError(
            f"{name} is shorter than {MIN_SECRET_KEY_LENGTH} characters or a value published in this "
            f"repository: {MAKE_A_KEY}"
        )
    _check_guessable("NOTIFY_CALLBACK_TOKEN", token)
