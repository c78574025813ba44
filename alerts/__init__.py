"""Dorset service disruption alerts: create_app() wires configuration, extensions, blueprints and commands."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, abort, has_request_context, request
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from config.settings import ROOT, check_production_settings, config_for, trusted_hosts

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)


def create_app(env: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        static_url_path="/assets",
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_for(env or os.environ.get("ALERTS_ENV")))
    app.config.update(overrides or {})
    check_production_settings(app.config)
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    _prepare_sqlite_folder(app)
    _size_connection_pool(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            PrefixLoader({"govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf")}),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from alerts.formatting import FILTERS

    app.jinja_env.filters.update(FILTERS)

    from alerts.caching import PublicCacheSessionInterface

    app.session_interface = PublicCacheSessionInterface()
    _init_extensions(app)
    _register_blueprints(app)
    _register_request_hooks(app)

    from alerts.errors import register_error_handlers

    register_error_handlers(app)

    from alerts.deployment import install_deployment_plumbing

    install_deployment_plumbing(app)  # issue 13: proxies, health checks by IP, HTTPS redirect

    from alerts.cli import register_commands

    register_commands(app)
    return app


def _prepare_sqlite_folder(app: Flask) -> None:
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _size_connection_pool(app: Flask) -> None:
    """Each of the dispatcher's NOTIFY_CONCURRENCY threads runs its own short transactions. With a smaller pool
    SQLAlchemy opens and closes a connection for nearly every send (a new PostgreSQL backend each time)."""
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri in ("sqlite://", "sqlite:///:memory:"):
        return  # one shared in-memory connection: no pool to size
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_size", max(5, int(app.config["NOTIFY_CONCURRENCY"]) + 2))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _init_extensions(app: Flask) -> None:
    from alerts.extensions import csrf, db, limiter, login_manager, migrate

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A SQLite connection is a file handle that cannot go stale: a pre-ping would be a wasted query per request.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"], "pool_pre_ping": False}
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    from alerts.data.staff import load_user_from_session

    login_manager.user_loader(load_user_from_session)
    login_manager.login_view = "staff.sign_in"
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event

        with app.app_context():

            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
                # Foreign keys are off by default in SQLite; WAL lets the web process read while the worker writes.
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                # Issue 13: WAL (kept in the file, so every process sees it), and a writer waits up to 5 s for another.
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=5000")
                cursor.close()


def _register_blueprints(app: Flask) -> None:
    from alerts.api import api
    from alerts.callbacks import callbacks
    from alerts.feeds import feeds
    from alerts.health import health
    from alerts.public import public
    from alerts.staff import staff
    from alerts.subscribe import subscribe

    app.register_blueprint(public)
    app.register_blueprint(subscribe)
    app.register_blueprint(staff)
    app.register_blueprint(api)
    app.register_blueprint(health)
    app.register_blueprint(callbacks)
    app.register_blueprint(feeds)


def csp_nonce() -> str:
    """This request's CSP nonce, made on first use: an error raised before any view (a 413 while CSRF reads
    the form) still renders a page whose script matches the header. Kept in the request's environ, which is
    never shared between requests (an app context can be)."""
    if not has_request_context():
        return ""
    return request.environ.setdefault("alerts.csp_nonce", secrets.token_urlsafe(16))


def _register_request_hooks(app: Flask) -> None:

    @app.before_request
    def _refuse_nul_characters() -> None:
        # No real postcode, id or contact contains NUL, and PostgreSQL refuses it in text (a 500 if it got there).
        values = [*request.args.values(), *request.args.keys()]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += [*request.form.values(), *request.form.keys()]
        if any("\x00" in value for value in values):
            abort(400, "The request contains a NUL character.")

    @app.before_request
    def _refuse_oversized_bodies() -> None:
        # Werkzeug only refuses a large body when a view reads it; refuse it before any view runs instead.
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit is not None and (request.content_length or 0) > limit:
            abort(413)

    @app.context_processor
    def _layout_context() -> dict[str, Any]:
        return {
            "csp_nonce": csp_nonce(),
            "service_name": app.config["SERVICE_NAME"],
            "council_name": app.config["COUNCIL_NAME"],
            "has_endpoint": lambda name: name in app.view_functions,
        }

    @app.after_request
    def _security_headers(response: Any) -> Any:
        nonce = csp_nonce()
        if not request.path.startswith("/embed/"):
            response.headers.setdefault(
                "Content-Security-Policy",
                f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
                "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            )
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        # The service needs no device features; saying so stops an injected or third-party script asking for them.
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if app.config["ALERTS_ENV"] == "production":
            # Production is served over HTTPS only (ProductionConfig sets secure cookies); a year, as GOV.UK advises.
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
