import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from alerts import create_app
from config.settings import PUBLISHED_SECRET_KEYS, ConfigurationError, config_for, database_url
from tests.production import production_app, production_settings

ROOT = Path(__file__).resolve().parents[1]


def test_production_is_the_environment_when_alerts_env_is_not_set() -> None:
    assert config_for(None).ALERTS_ENV == "production"
    assert config_for("").ALERTS_ENV == "production"


def test_a_production_app_with_every_setting_right_starts() -> None:
    assert production_app().config["ALERTS_ENV"] == "production"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("SECRET_KEY_FALLBACKS", [secrets.token_hex(8)], "SECRET_KEY_FALLBACKS is shorter than 32 characters"),
    ("SECRET_KEY_FALLBACKS", ["development-only-not-secret"], "SECRET_KEY_FALLBACKS is shorter"),
    ("SECRET_KEY_FALLBACKS", ["x" * 40], "SECRET_KEY_FALLBACKS is mostly one repeated character"),
    ("NOTIFY_CALLBACK_TOKEN_FALLBACKS", ["test-callback-token"], "NOTIFY_CALLBACK_TOKEN_FALLBACKS is shorter"),
])
def test_production_checks_retired_keys_like_current_ones(name: str, value: list[str], message: str) -> None:
    # A retired key still verifies sessions and links (or callbacks), so a weak one is as forgeable as a current one.
    with pytest.raises(ConfigurationError, match=message):
        production_app(**{name: value})


def test_production_refuses_the_current_key_listed_as_a_fallback() -> None:
    key = secrets.token_urlsafe(32)
    with pytest.raises(ConfigurationError, match="SECRET_KEY_FALLBACKS holds the current SECRET_KEY"):
        production_app(SECRET_KEY=key, SECRET_KEY_FALLBACKS=[key])


def test_retired_keys_come_from_the_environment_and_also_verify_csrf_tokens() -> None:
    old, older, current = (secrets.token_urlsafe(32) for _ in range(3))
    settings = _settings_in_a_fresh_process(
        {"SECRET_KEY_FALLBACKS": f"{old}, {older}", "NOTIFY_CALLBACK_TOKEN_FALLBACKS": old},
        ["SECRET_KEY_FALLBACKS", "NOTIFY_CALLBACK_TOKEN_FALLBACKS"])
    assert settings == {"SECRET_KEY_FALLBACKS": [old, older], "NOTIFY_CALLBACK_TOKEN_FALLBACKS": [old]}
    app = production_app(SECRET_KEY=current, SECRET_KEY_FALLBACKS=[old, older])
    assert app.config["WTF_CSRF_SECRET_KEY"] == [older, old, current], "itsdangerous signs with the last"
    assert "WTF_CSRF_SECRET_KEY" not in production_app().config or not production_app().config["WTF_CSRF_SECRET_KEY"]


def test_production_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY must be set"):
        production_app(SECRET_KEY="")


def test_production_refuses_a_secret_key_shorter_than_32_characters() -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY is shorter than 32 characters"):
        production_app(SECRET_KEY=secrets.token_hex(15))


@pytest.mark.parametrize("key", [*sorted(PUBLISHED_SECRET_KEYS), "development-only-not-secret-but-long-enough-now"])
def test_production_refuses_a_secret_key_published_in_the_repository(key: str) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        production_app(SECRET_KEY=key)


def test_production_refuses_a_long_key_made_of_one_repeated_character() -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY is mostly one repeated character"):
        production_app(SECRET_KEY="x" * 32)


def _secret_key_literals() -> set[str]:
    """Every string literal given to SECRET_KEY anywhere in the repository's code, docs and scripts."""
    pattern = re.compile(r"""SECRET_KEY["']?\s*(?:=|:|,)\s*(?:os\.environ\.get\([^,]+,\s*)?["']([^"'\s]+)["']""")
    found: set[str] = set()
    for path in ROOT.rglob("*"):
        if any(part in {".venv", "node_modules", ".git", "instance", "test-artifacts"} for part in path.parts):
            continue
        if path.is_file() and path.suffix in {".py", ".md", ".sh", ".toml", ".cfg", ".env", ".txt", ""}:
            try:
                text = path.read_text()
            except (UnicodeDecodeError, OSError):
                continue
            found.update(pattern.findall(text))
    return found


def test_every_secret_key_written_in_the_repository_is_refused_in_production() -> None:
    literals = _secret_key_literals()
    assert "development-only-not-secret" in literals, "the scan should see the development key"
    for literal in literals:
        with pytest.raises(ConfigurationError, match="SECRET_KEY"):
            production_app(SECRET_KEY=literal)


@pytest.mark.parametrize("token", ["test-callback-token", "local-callback-token", "short-token"])
def test_production_refuses_a_published_or_short_notify_callback_token(token: str) -> None:
    # Whoever holds the token can mark messages delivered and, through a forged STOP reply, end residents' texts.
    with pytest.raises(ConfigurationError, match="NOTIFY_CALLBACK_TOKEN"):
        production_app(NOTIFY_CALLBACK_TOKEN=token)


def test_production_accepts_a_made_callback_token_or_none() -> None:
    assert production_app(NOTIFY_CALLBACK_TOKEN="p2Q9xv7Lr0aZkW4mB8nT1cY6uE3sH5dJ-fG_oI")
    assert production_app(NOTIFY_CALLBACK_TOKEN=None)


def test_production_refuses_to_start_with_debug_on() -> None:
    with pytest.raises(ConfigurationError, match="DEBUG must be off"):
        production_app(DEBUG=True)


def test_production_refuses_to_start_without_a_notify_key_so_nothing_is_silently_unsent() -> None:
    with pytest.raises(ConfigurationError, match="NOTIFY_API_KEY must be set"):
        production_app(NOTIFY_API_KEY=None)


def test_production_refuses_rate_limits_in_memory_when_several_processes_serve() -> None:
    with pytest.raises(ConfigurationError, match=r"RATELIMIT_STORAGE_URI is memory://.*2 web processes"):
        production_app(RATELIMIT_STORAGE_URI="memory://", WEB_CONCURRENCY=2)


def test_rate_limits_in_memory_are_allowed_for_a_single_web_process() -> None:
    assert production_app(RATELIMIT_STORAGE_URI="memory://", WEB_CONCURRENCY=1)


def test_an_unknown_environment_name_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="ALERTS_ENV must be one of"):
        create_app("staging")


def _start(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items()
             if key not in {"ALERTS_ENV", "SECRET_KEY", "NOTIFY_API_KEY", "RATELIMIT_STORAGE_URI", "WEB_CONCURRENCY",
                            "TRUSTED_PROXY_COUNT"}
             and not key.startswith("FLASK_")}
    return subprocess.run([sys.executable, *argv], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
                          timeout=120, check=False)


def _settings_in_a_fresh_process(env: dict[str, str], names: list[str], alerts_env: str = "development") -> dict:
    """Settings are read from the environment when config.settings is imported: a fresh interpreter reads them."""
    code = ("import json, sys; from config.settings import config_for; "
            f"c = config_for({alerts_env!r}); print(json.dumps({{n: getattr(c, n) for n in sys.argv[1:]}}))")
    started = _start(env, "-c", code, *names)
    assert started.returncode == 0, started.stderr
    return json.loads(started.stdout)


def test_a_deployment_that_sets_nothing_refuses_to_start_with_one_line_naming_the_variable() -> None:
    started = _start({}, "-c", "import wsgi")
    assert started.returncode == 3  # gunicorn's "worker failed to boot": the arbiter stops, it doesn't respawn
    assert started.stderr.strip().splitlines() == [
        "Refusing to start: SECRET_KEY must be set in production: "
        "make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    ]


def test_the_flask_command_refuses_the_same_way() -> None:
    settings = {"SECRET_KEY": secrets.token_urlsafe(32), "NOTIFY_API_KEY": "k", "WEB_CONCURRENCY": "4"}
    started = _start(settings, "-m", "flask", "--app", "wsgi", "routes")
    assert started.returncode == 3
    lines = started.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Refusing to start: RATELIMIT_STORAGE_URI is memory://, so each of the 4 web")


def test_a_malformed_number_in_the_environment_is_refused_in_one_line_too() -> None:
    started = _start({"TRUSTED_PROXY_COUNT": "one"}, "-c", "import wsgi")
    assert started.returncode == 3
    assert started.stderr.strip().splitlines() == [
        "Refusing to start: TRUSTED_PROXY_COUNT must be a whole number, not 'one'"]


def test_postgres_urls_from_a_paas_use_the_psycopg_driver() -> None:
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x") == "sqlite:///x"


def test_a_relative_sqlite_path_is_read_from_the_project_folder_as_the_readme_writes_it() -> None:
    # Flask-SQLAlchemy reads a relative SQLite path inside instance/: "instance/x" would become instance/instance/x.
    assert database_url("sqlite:///instance/bcp.sqlite3") == f"sqlite:///{ROOT / 'instance' / 'bcp.sqlite3'}"
    assert database_url("sqlite:////tmp/x.sqlite3") == "sqlite:////tmp/x.sqlite3"
    assert database_url("sqlite://") == "sqlite://"


@pytest.mark.parametrize(("url", "message"), [
    ("not a url", "DATABASE_URL is not a database URL: write it like postgresql://user:password@host/database or "
                  "sqlite:///instance/alerts.sqlite3"),
    ("mysql://u:hunter2@host/db", "DATABASE_URL names a database this service does not use (mysql): use "
                                  "postgresql://… or sqlite:///…"),
])
def test_a_bad_database_url_is_refused_in_one_line_without_echoing_it(url: str, message: str) -> None:
    started = _start({"ALERTS_ENV": "development", "DATABASE_URL": url}, "-m", "flask", "--app", "wsgi", "routes")
    assert started.returncode == 3
    assert started.stderr.strip().splitlines() == [f"Refusing to start: {message}"]


def test_in_development_base_url_follows_the_port_unless_it_is_set() -> None:
    assert _settings_in_a_fresh_process({"PORT": "5400"}, ["BASE_URL"]) == {"BASE_URL": "http://127.0.0.1:5400"}
    assert _settings_in_a_fresh_process({}, ["BASE_URL"]) == {"BASE_URL": "http://127.0.0.1:5000"}
    assert _settings_in_a_fresh_process({"PORT": "5400", "BASE_URL": "https://alerts.example"}, ["BASE_URL"]) == {
        "BASE_URL": "https://alerts.example"}
    # A PaaS sets PORT for the router: production links come from BASE_URL alone.
    assert _settings_in_a_fresh_process({"PORT": "5400"}, ["BASE_URL"], "production") == {
        "BASE_URL": "http://127.0.0.1:5000"}


def test_feed_allow_loopback_comes_from_the_environment_outside_production_only() -> None:
    on = {"FEED_ALLOW_LOOPBACK": "1"}
    assert _settings_in_a_fresh_process(on, ["FEED_ALLOW_LOOPBACK"]) == {"FEED_ALLOW_LOOPBACK": True}
    assert _settings_in_a_fresh_process({}, ["FEED_ALLOW_LOOPBACK"]) == {"FEED_ALLOW_LOOPBACK": False}
    assert _settings_in_a_fresh_process(on, ["FEED_ALLOW_LOOPBACK"], "production") == {"FEED_ALLOW_LOOPBACK": False}


def test_production_settings_in_tests_pass_every_check() -> None:
    assert production_settings()["SECRET_KEY"] not in PUBLISHED_SECRET_KEYS


@pytest.mark.parametrize(("key", "reason"), [
    ("ab" * 16, "SECRET_KEY has too few different characters"),
    ("changeme" * 4, "SECRET_KEY has too few different characters"),
    ("password" * 4, "SECRET_KEY has too few different characters"),
    ("Pa55w0rd!" * 4, "SECRET_KEY is a short piece repeated"),
    ("0123456789" * 4, "SECRET_KEY is a short piece repeated"),
    ("passwordletmeinchangemesecret123", "SECRET_KEY is made of dictionary words"),
    ("Council-alerts-secret-key-password", "SECRET_KEY is made of dictionary words"),
])
def test_production_refuses_a_long_secret_key_that_is_easy_to_guess(key: str, reason: str) -> None:
    with pytest.raises(ConfigurationError, match=reason):
        production_app(SECRET_KEY=key)


@pytest.mark.parametrize("token", ["a" * 32, "ab" * 16, "password" * 4])
def test_production_refuses_a_callback_token_that_is_easy_to_guess(token: str) -> None:
    with pytest.raises(ConfigurationError, match=r"^NOTIFY_CALLBACK_TOKEN "):
        production_app(NOTIFY_CALLBACK_TOKEN=token)


def test_production_refuses_one_value_for_two_secrets() -> None:
    key = secrets.token_urlsafe(32)
    with pytest.raises(ConfigurationError, match="NOTIFY_CALLBACK_TOKEN is the same value as SECRET_KEY"):
        production_app(SECRET_KEY=key, NOTIFY_CALLBACK_TOKEN=key)


def test_production_refuses_a_plain_http_base_url_on_a_public_host() -> None:
    with pytest.raises(ConfigurationError, match="BASE_URL must be an https:// address in production"):
        production_app(BASE_URL="http://alerts.dorsetcouncil.example")


@pytest.mark.parametrize("_run", range(20))
def test_production_accepts_made_keys_of_every_usual_kind(_run: int) -> None:
    for key in (secrets.token_urlsafe(32), secrets.token_hex(16), secrets.token_hex(32)):
        assert production_app(SECRET_KEY=key, NOTIFY_CALLBACK_TOKEN=secrets.token_urlsafe(32))
