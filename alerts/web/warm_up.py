"""A web worker's first requests are as quick as its later ones.

A fresh process spends over a second of its first page compiling the page's templates (the GOV.UK macros are
large), and opens its first database connection. gunicorn calls `warm_up` in each worker after loading the app and
before it takes a request (`config/gunicorn.py`), so no resident or officer waits for that. With a template
bytecode cache (`TEMPLATE_BYTECODE_CACHE`), only the first worker on a machine compiles; the others load the
compiled code, so a worker boots in well under a second.

Last, everything the start-up made (~150,000 objects: the app, its templates, SQLAlchemy's mappers) is moved out
of the garbage collector's way (`gc.freeze`): otherwise a full collection now and then walks them all inside some
request, which measured ~200 ms on a loaded machine (bench/README.md "Insight").
"""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import text

from alerts.extensions import db

log = logging.getLogger(__name__)

TEMPLATE_EXTENSIONS = ("html", "txt", "xml")


@dataclass(frozen=True)
class WarmedUp:
    templates: int
    seconds: float


def warm_up(app: Flask) -> WarmedUp:
    """Compile every template the app can render and open a pooled database connection. Never raises: a worker that
    cannot warm up still serves (its first requests are just slower)."""
    began = time.perf_counter()
    compiled = 0
    for name in app.jinja_env.list_templates(extensions=TEMPLATE_EXTENSIONS):
        try:
            app.jinja_env.get_template(name)
            compiled += 1
        except Exception:  # a template that fails to compile fails the same way when a page renders it
            log.exception("warm-up: template %s did not compile", name)
    try:
        with app.app_context():
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
    except Exception:
        log.exception("warm-up: no database connection yet")
    gc.collect()
    gc.freeze()
    done = WarmedUp(templates=compiled, seconds=round(time.perf_counter() - began, 2))
    log.info("warm-up: %s templates compiled and a database connection opened in %s s", done.templates, done.seconds)
    return done
