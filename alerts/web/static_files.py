"""Static files through WhiteNoise: compressed, and cached for a year under a URL that changes with their content.

Every file in static/ is served twice:
- at `/assets/<version>/<file>`, where <version> is a hash of the whole static folder: what `url_for("static")` gives
  (the app's static URL path is this one), cached for a year as immutable. A release that changes any file changes
  the version, so no browser or CDN ever keeps a stale copy. The CSS and our module script refer to their neighbours
  by relative URLs (`url(images/…)`, `./govuk-frontend.min.js`), so those are versioned too.
- at `/assets/<file>`, for anything that has the plain path (an old page still in a cache, a partner's link), cached
  for an hour.

WhiteNoise answers before Flask (no session, no routing, no database) and sends the Brotli or gzip copy committed
beside each text file (`python -m whitenoise.compress static`; a test checks they match). Its answers get the same
security headers as the app's own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from whitenoise import WhiteNoise

from alerts.web.security_headers import add_security_headers

ASSETS_PREFIX = "/assets"
YEAR_SECONDS = 365 * 24 * 60 * 60
UNVERSIONED_MAX_AGE = 60 * 60
COMPRESSED_SUFFIXES = (".gz", ".br")


def static_version(folder: Path) -> str:
    """A short hash of every file's path and content (the compressed copies follow from the originals)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix not in COMPRESSED_SUFFIXES:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def versioned_static_path(folder: Path) -> str:
    """The app's static URL path: `/assets/<version>`."""
    return f"{ASSETS_PREFIX}/{static_version(folder)}"


class _StaticFiles(WhiteNoise):
    def __init__(self, application: Callable[..., Any], folder: Path, versioned_prefix: str, production: bool) -> None:
        self.versioned_prefix = versioned_prefix.rstrip("/") + "/"
        self.production = production
        super().__init__(application, max_age=UNVERSIONED_MAX_AGE)
        self.add_files(str(folder), prefix=ASSETS_PREFIX)
        self.add_files(str(folder), prefix=self.versioned_prefix)

    def add_cache_headers(self, headers: Any, path: str, url: str) -> None:
        if url.startswith(self.versioned_prefix):
            headers["Cache-Control"] = f"public, max-age={YEAR_SECONDS}, immutable"
        else:
            headers["Cache-Control"] = f"public, max-age={UNVERSIONED_MAX_AGE}"
        add_security_headers(headers, url, self.production)


def serve_static_files(app: Flask) -> None:
    """Put WhiteNoise in front of the app for its static folder (set up with `versioned_static_path`)."""
    assert app.static_folder is not None and app.static_url_path is not None
    app.wsgi_app = _StaticFiles(  # type: ignore[method-assign]
        app.wsgi_app, Path(app.static_folder), app.static_url_path, app.config["ALERTS_ENV"] == "production")
