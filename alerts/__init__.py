"""Service disruption alerts for a council: create_app() wires configuration, extensions, blueprints and commands."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from flask import Flask, abort, request
from jinja2 import ChoiceLoader, FileSystemBytecodeCache, FileSystemLoader, PackageLoader, PrefixLoader

from config.council import council_id_from_environment, council_settings, load_council
from config.settings import (
    ROOT,
    check_production_settings,
    check_single_sign_on_settings,
    config_for,
    csrf_signing_keys,
    trusted_hosts,
)


def create_app(env: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    from alerts.web.static_files import serve_static_files, versioned_static_path

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        static_url_path=versioned_static_path(ROOT / "static"),  # /assets/<hash of the files>: cached for a year
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_for(env or os.environ.get("ALERTS_ENV")))
    app.config.update(overrides or {})
    council = load_council(council_id_from_environment(app.config.get("COUNCIL")))  # config/councils/<COUNCIL>/
    app.config["COUNCIL_PROFILE"] = council
    for key, value in council_settings(council).items():
        if app.config.get(key) is None:
            app.config[key] = value
    check_production_settings(app.config)
    check_single_sign_on_settings(app.config)
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    _accept_retired_keys_for_csrf(app)
    _prepare_sqlite_folder(app)
    _size_connection_pool(app)
    from alerts.web.observability import configure_logging, init_sentry, register_request_ids

    configure_logging()
    _warn_past_the_connection_limit(app.config)
    init_sentry(app)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            PrefixLoader({"govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf")}),
        ]
    )
    app.jinja_env.trim_blocks = True
    if app.config.get("TEMPLATE_BYTECODE_CACHE"):  # see alerts/web/warm_up.py
        app.jinja_env.bytecode_cache = FileSystemBytecodeCache(_cache_folder(app.config["TEMPLATE_BYTECODE_CACHE"]))
    app.jinja_env.lstrip_blocks = True
    from alerts.formatting import FILTERS

    app.jinja_env.filters.update(FILTERS)

    from alerts.web.caching import PublicCacheSessionInterface

    app.session_interface = PublicCacheSessionInterface()
    _init_extensions(app)
    _register_blueprints(app)
    _register_request_hooks(app)
    from alerts.web.caching import register_cache_policy, serve_public_copies
    from alerts.web.security_headers import register_security_headers

    register_cache_policy(app)
    register_security_headers(app)
    register_request_ids(app)
    serve_public_copies(app)
    serve_static_files(app)
    from alerts.web.languages import init_languages

    init_languages(app)  # outside the static files: a Welsh page's /cy/assets/… are the same files

    from alerts.web.errors import register_error_handlers

    register_error_handlers(app)

    from alerts.web.deployment import install_deployment_plumbing

    install_deployment_plumbing(app)  # proxies, health checks by IP, HTTPS redirect

    from alerts.cli import register_commands

    register_commands(app)
    return app


def _cache_folder(path: str) -> str:
    """The template bytecode cache's folder, made private to this user: compiled code is loaded from it."""
    Path(path).mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _accept_retired_keys_for_csrf(app: Flask) -> None:
    if app.config.get("SECRET_KEY_FALLBACKS") and not app.config.get("WTF_CSRF_SECRET_KEY"):
        app.config["WTF_CSRF_SECRET_KEY"] = csrf_signing_keys(app.config)


def _prepare_sqlite_folder(app: Flask) -> None:
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


DISPATCHING_COMMANDS = frozenset({"dispatch", "scheduler"})


def is_dispatching_process(argv: list[str]) -> bool:
    """`flask --app wsgi dispatch` or `scheduler`: the engine is made with the app, before the command runs, so the
    command line says which pool this process needs."""
    return any(arg in DISPATCHING_COMMANDS for arg in argv[1:])


def connection_budget(config: dict) -> tuple[int, int]:
    """The most connections (pool + overflow) a web process and a dispatching process each may open."""
    web = int(config["DB_POOL_SIZE"]) + int(config["DB_MAX_OVERFLOW"])
    dispatcher = _dispatcher_pool_size(config) + int(config["DISPATCHER_DB_MAX_OVERFLOW"])
    return web, dispatcher


def _dispatcher_pool_size(config: dict) -> int:
    # Each of the dispatcher's NOTIFY_CONCURRENCY threads runs its own short transactions. With a smaller pool
    # SQLAlchemy opens and closes a connection for nearly every send (a new PostgreSQL backend each time).
    return int(config.get("DISPATCHER_DB_POOL_SIZE") or int(config["NOTIFY_CONCURRENCY"]) + 2)


def _size_connection_pool(app: Flask, argv: list[str] | None = None) -> None:
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri in ("sqlite://", "sqlite:///:memory:"):
        return  # one shared in-memory connection: no pool to size
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if is_dispatching_process(sys.argv if argv is None else argv):
        options.setdefault("pool_size", _dispatcher_pool_size(app.config))
        options.setdefault("max_overflow", int(app.config["DISPATCHER_DB_MAX_OVERFLOW"]))
    else:
        options.setdefault("pool_size", int(app.config["DB_POOL_SIZE"]))
        options.setdefault("max_overflow", int(app.config["DB_MAX_OVERFLOW"]))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _warn_past_the_connection_limit(config: dict) -> None:
    limit = config.get("DB_MAX_CONNECTIONS")
    if not limit:
        return
    web, dispatcher = connection_budget(config)
    workers, dispatchers = int(config["WEB_CONCURRENCY"]), int(config["DISPATCHER_PROCESSES"])
    wanted = workers * web + dispatchers * dispatcher
    if wanted > int(limit):
        logging.getLogger("alerts").warning(
            "Database connections could reach %s, past DB_MAX_CONNECTIONS=%s: %s web workers (WEB_CONCURRENCY) x %s "
            "(DB_POOL_SIZE + DB_MAX_OVERFLOW) + %s dispatchers (DISPATCHER_PROCESSES) x %s "
            "(DISPATCHER_DB_POOL_SIZE + DISPATCHER_DB_MAX_OVERFLOW); see docs/production.md, 'Database connections'",
            wanted, limit, workers, web, dispatchers, dispatcher)


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
                # WAL (kept in the file, so every process sees it), and a writer waits up to 5 s for another.
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=5000")
                cursor.close()


def _register_blueprints(app: Flask) -> None:
    from alerts.api import api
    from alerts.callbacks import callbacks
    from alerts.feeds import feeds
    from alerts.public import public
    from alerts.staff import staff
    from alerts.subscribe import subscribe
    from alerts.web.health import health

    app.register_blueprint(public)
    app.register_blueprint(subscribe)
    app.register_blueprint(staff)
    app.register_blueprint(api)
    app.register_blueprint(health)
    app.register_blueprint(callbacks)
    app.register_blueprint(feeds)


def _register_request_hooks(app: Flask) -> None:

    @app.before_request
    def _refuse_nul_characters_and_oversized_bodies() -> None:
        # No real postcode, id or contact contains NUL, and PostgreSQL refuses it in text (a 500 if it got there).
        # In a query string NUL can only arrive as %00 (or raw): looking at the text spares parsing it on every read.
        query = request.environ.get("QUERY_STRING", "")
        nul = "%00" in query or "\x00" in query
        if not nul and request.environ.get("CONTENT_LENGTH"):
            # Werkzeug only refuses a large body when a view reads it; refuse it before any view runs instead.
            limit = app.config.get("MAX_CONTENT_LENGTH")
            if limit is not None and (request.content_length or 0) > limit:
                abort(413)
        if not nul and request.environ.get("CONTENT_TYPE") and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            nul = any("\x00" in value for value in [*request.form.values(), *request.form.keys()])
        if nul:
            abort(400, "The request contains a NUL character.")

    @app.context_processor
    def _layout_context() -> dict[str, Any]:
        from alerts.web.languages import in_page_language

        return {
            "service_name": in_page_language(app.config["SERVICE_NAME"], app.config["COUNCIL_PROFILE"], "service_name"),
            "council_name": in_page_language(app.config["COUNCIL_NAME"], app.config["COUNCIL_PROFILE"], "name"),
            "council": app.config["COUNCIL_PROFILE"],
            "has_endpoint": lambda name: name in app.view_functions,
        }
