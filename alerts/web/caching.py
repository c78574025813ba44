"""Conditional GETs, the one policy for Cache-Control, and a short in-process cache of rendered public reads.

A storm sends thousands of residents to the same few pages at once. Rendering a GOV.UK page or a feed costs
milliseconds; answering from a copy costs microseconds. So the hot public reads are served from a copy for as long
as nothing they show has changed, which `alerts.data.notices.read_state_marker` tells us with one cheap query per
request. The invariants, each relied on below:

1. A copy is keyed by the full URL (host, path and query: API links are built from the request's host) and is
   served only while the read state marker equals the one it was rendered under, so any change to a notice, an
   update or a warning is seen by the very next request. Copies also expire after READ_CACHE_SECONDS (default
   15) to bound what the marker leaves out (reference data changed by an import), and there are at most
   READ_CACHE_ENTRIES of them per process (least recently used go first), so odd query strings cannot fill memory.
2. `conditional_read` views (the API and the feeds) are the same for every visitor: they read no session, and
   their ETag comes from the marker, so a matching If-None-Match (or If-Modified-Since, for the feeds) gets a 304
   before anything is queried or rendered.
3. `cached_page` views (resident HTML pages) differ per visitor: a signed-in officer sees staff navigation, a
   session may carry flashed messages or a CSRF token. So a copy is read or written only for a request with no
   session and no remember-me cookie, and written only when the view left the session untouched (no flash, no CSRF
   token) and answered 200. Anyone with a session gets a fresh render, and it is never stored.
4. Who else may keep a copy (`register_cache_policy`, the one home of Cache-Control): a `cached_page` answer for a
   visitor without a session is the same for everyone (its one inline script is allowed by hash, not by a nonce:
   alerts/web/security_headers.py), so it is `public` with a short `s-maxage` (CDN_CACHE_SECONDS) and `max-age=0`:
   a CDN absorbs a storm while browsers still ask again. Reads that chose their own public caching
   (`conditional_read`, `cacheable`) keep it. Everything else — staff pages, the subscribe and manage journeys,
   any page for a visitor with a session or carrying a form token, errors, redirects — is `no-store`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Flask, Request, Response, current_app, make_response, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask_babel import get_locale
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import is_resource_modified, parse_date, unquote_etag

from alerts.data import notices as notice_data
from alerts.extensions import PUBLIC_READ
from alerts.web.observability import ROUTE_ENVIRON_KEY, log_access
from alerts.web.request_ids import REQUEST_ID_HEADER, request_id_for

# Settings that change what the same data renders to; SECRET_KEY and the like stay out of a public ETag.
RENDERING_SETTINGS = ("BASE_URL", "SERVICE_NAME", "COUNCIL_NAME", "API_PAGE_SIZE", "EMBED_FRAME_ANCESTORS",
                      "LOCAL_AUTHORITY_CODE")
# Headers a copy must not repeat: a cookie is for one visitor.
UNCACHED_HEADERS = {"set-cookie"}
STATE_ENVIRON_KEY = "alerts.read_state"  # the read state a public read was answered under, for PublicCopies


def cacheable(max_age: int = 60) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """Add a strong ETag from the body and a short public Cache-Control; answer 304 when it matches.

    For reads that no read state marker covers (areas, services, the OpenAPI document): hashing the body means any
    change shows in the ETag at once. If-None-Match wins over If-Modified-Since, as RFC 9110 says.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Response]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            response = make_response(view(*args, **kwargs))
            if request.method in ("GET", "HEAD") and response.status_code == 200:
                response.cache_control.public = True
                response.cache_control.max_age = max_age
                response.add_etag()
                response.make_conditional(request)
            return response

        return wrapper

    return decorate


@dataclass(frozen=True)
class Rendered:
    state: tuple[str, ...]
    expires_at: float  # time.monotonic()
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    route: str = ""  # the URL rule, for the access line of a copy served before Flask

    def response(self) -> Response:
        return Response(self.body, status=self.status, headers=list(self.headers))


class RenderedCache:
    """Rendered responses by URL, each valid for one read state and a few seconds. Shared by a worker's threads."""

    def __init__(self, seconds: float, max_entries: int) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[str, Rendered] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, state: tuple[str, ...]) -> Rendered | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.state != state or entry.expires_at <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, state: tuple[str, ...], response: Response) -> None:
        if self.seconds <= 0 or self.max_entries <= 0:
            return
        headers = tuple((name, value) for name, value in response.headers if name.lower() not in UNCACHED_HEADERS)
        entry = Rendered(state, time.monotonic() + self.seconds, response.status_code, headers, response.get_data())
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def has(self, key: str) -> bool:
        return key in self._entries

    def keep(self, key: str, entry: Rendered) -> None:
        """Keep an answer made elsewhere (PublicCopies), under the same time and size bounds."""
        if self.seconds <= 0 or self.max_entries <= 0:
            return
        entry = replace(entry, expires_at=time.monotonic() + self.seconds)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def rendered_cache(app: Flask) -> RenderedCache:
    cache = app.extensions.get("alerts.rendered_cache")
    if cache is None:
        cache = app.extensions.setdefault("alerts.rendered_cache", RenderedCache(
            float(app.config.get("READ_CACHE_SECONDS", 15)), int(app.config.get("READ_CACHE_ENTRIES", 500))))
    return cache


def release_fingerprint(app: Flask) -> str:
    """A hash of the code, templates and rendering settings, the same in every worker of one release.

    It goes into ETags so that a deploy which changes how the same data renders does not answer 304 to a copy made
    by the old code.
    """
    fingerprint = app.extensions.get("alerts.release_fingerprint")
    if fingerprint is None:
        digest = hashlib.sha256()
        root = Path(app.root_path).parent
        for folder, pattern in (("alerts", "*.py"), ("templates", "*"), ("config", "*")):
            for path in sorted((root / folder).rglob(pattern)):
                if path.is_file() and "__pycache__" not in path.parts:
                    digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        digest.update(repr([app.config.get(name) for name in RENDERING_SETTINGS]).encode())
        fingerprint = app.extensions.setdefault("alerts.release_fingerprint", digest.hexdigest())
    return fingerprint


def _state_etag(url: str, state: notice_data.ReadState) -> str:
    parts = [release_fingerprint(current_app), url, *state.values]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _read_key() -> str:
    """What a read's copy and ETag are kept under: its URL (worked out afresh on every access) and, for a council
    with several languages, the language it is answered in, which Accept-Language may choose for the same URL."""
    url = request.url
    languages = current_app.config["COUNCIL_PROFILE"].languages
    return url if len(languages) < 2 else f"{url}\0{get_locale()}"


def conditional_read(
    max_age: int = 60, *, last_modified: bool = False, finish: Callable[[Response], None] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """A public read that is the same for every visitor: ETag from the read state, 304 before any work, a copy.

    `last_modified`: send the latest notice change as Last-Modified (a view may set an earlier one of its own) and
    honour If-Modified-Since. `finish` adds headers every answer needs, 304s and copies included (CORS, a CSP).
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Response]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            url = _read_key()
            state = notice_data.read_state_marker()
            request.environ[STATE_ENVIRON_KEY] = state.values
            etag = _state_etag(url, state)
            latest = state.latest_notice_change if last_modified else None
            if not is_resource_modified(request.environ, etag=etag, last_modified=latest):
                response = Response(status=304)
                if latest is not None:
                    response.last_modified = latest
            else:
                cache = rendered_cache(current_app)
                entry = cache.get(url, state.values)
                if entry is not None:
                    response = entry.response()
                else:
                    response = make_response(view(*args, **kwargs))
                    if response.status_code == 200:
                        if latest is not None and response.last_modified is None:
                            response.last_modified = latest
                        cache.put(url, state.values, response)
            if response.status_code in (200, 304):
                response.set_etag(etag)
                response.cache_control.public = True
                response.cache_control.max_age = max_age
            if finish is not None:
                finish(response)
            return response

        return _unlimited(wrapper)

    return decorate


def _unlimited(view: Callable[..., Response]) -> Callable[..., Response]:
    setattr(view, PUBLIC_READ, True)  # no rate limit applies (alerts.extensions.Limiter)
    return view


def _has_session(app: Flask) -> bool:
    if "HTTP_COOKIE" not in request.environ:
        return False
    names = (app.config["SESSION_COOKIE_NAME"], app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    return any(name in request.cookies for name in names)


def is_public(response: Response) -> bool:
    """Whether the response says any cache may keep it. Reads the header's text: parsing it into a CacheControl
    object on every response cost more than the rest of the policy."""
    return "public" in response.headers.get("Cache-Control", "")


def _copy_key() -> str:
    """The URL a copy is kept under, from the raw WSGI values (by now the Host has passed TRUSTED_HOSTS): building
    request.url costs more than serving the copy."""
    return _copy_key_of(request.environ)


def cached_page(view: Callable[..., Any]) -> Callable[..., Response]:
    """A resident HTML page served from a copy to visitors without a session, and cacheable by a CDN for them
    (see the module's invariants 3 and 4)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        if _has_session(app):
            response = make_response(view(*args, **kwargs))
            response.vary.add("Cookie")
            return response
        url = _copy_key()
        state = notice_data.read_state_marker()
        request.environ[STATE_ENVIRON_KEY] = state.values
        cache = rendered_cache(app)
        entry = cache.get(url, state.values)
        if entry is not None:
            return entry.response()  # made as below, Vary and all
        response = make_response(view(*args, **kwargs))
        # The page differs for a visitor with a session (staff navigation), so a shared cache must tell them apart.
        response.vary.add("Cookie")
        if _same_for_everyone(response):
            cache.put(url, state.values, response)
        return response

    wrapper.public_page = True  # type: ignore[attr-defined]
    return _unlimited(wrapper)


def _same_for_everyone(response: Response) -> bool:
    """A 200 that left the session untouched (no flash, no CSRF token) and sets no cookie: nothing in it is personal."""
    return response.status_code == 200 and not session.modified and "Set-Cookie" not in response.headers


def register_cache_policy(app: Flask) -> None:
    """Cache-Control for every response the app makes (static files have their own: alerts/web/static_files.py)."""
    seconds = int(app.config.get("CDN_CACHE_SECONDS", 60))
    public_page = f"public, max-age=0, s-maxage={seconds}"

    @app.after_request
    def _cache_policy(response: Response) -> Response:
        if is_public(response):
            return response  # a read that chose its own public caching, the same for every visitor
        view = app.view_functions.get(request.endpoint or "")
        if (seconds > 0 and getattr(view, "public_page", False) and request.method in ("GET", "HEAD")
                and not _has_session(app) and _same_for_everyone(response)):
            response.headers["Cache-Control"] = public_page
        else:
            response.headers["Cache-Control"] = "no-store"
        return response


class PublicCacheSessionInterface(SecureCookieSessionInterface):
    """Leaves public, cacheable responses free of the session.

    Flask-Login looks at the session after every request, which makes Flask add `Vary: Cookie` (so a CDN would
    keep one copy per visitor, or none) and could add a Set-Cookie that a CDN then serves to everyone. A response
    marked `Cache-Control: public` is by definition the same for every visitor, so its session is neither saved nor
    varied on.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # Most public requests carry no cookie: an empty session needs no signing serializer (the costly part), and
        # no cookie header needs parsing either.
        if app.secret_key and ("HTTP_COOKIE" not in request.environ
                               or app.config["SESSION_COOKIE_NAME"] not in request.cookies):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if is_public(response):
            return
        super().save_session(app, session, response)


# Request headers that change what a public answer looks like (links, scheme) when a proxy is trusted: part of the
# key of a copy served before Flask, so a copy made for one is never served for another.
_FORWARDED = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX")
# Headers a copy keeps out: set afresh per response (the request id) or meaningless without a body (on a 304).
_PER_RESPONSE = {"x-request-id", "set-cookie"}
_NOT_ON_304 = {"content-length", "content-type"}
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


class PublicCopies:
    """Answers anonymous public reads from a copy of the app's own finished answer, before Flask runs at all.

    Under a storm the answer was already a copy (`cached_page`, `conditional_read`); what remained was Flask's
    per-request work around it — request context, routing, sessions, a dozen hooks — several times the cost of the
    copy. So the finished response (security and cache headers included) is kept too, on the same rules, and handed
    out here:
    - only for a GET or HEAD with no Cookie and no Authorization header (anyone who may see something personal goes
      through Flask), and only responses the app itself marked `Cache-Control: public` — by the cache policy's
      definition the same for every visitor — with status 200 and no Set-Cookie;
    - keyed by scheme, Host, path, query and the forwarded headers: a copy exists only for a Host that passed
      TRUSTED_HOSTS when it was made;
    - valid for one read state (the next request after any change renders afresh) and READ_CACHE_SECONDS at most,
      in the same bounded store as the other copies;
    - each answer gets its own request id and access line; If-None-Match / If-Modified-Since get a 304 from the
      copy's ETag and Last-Modified.
    """

    def __init__(self, app: Flask, wsgi_app: Callable[..., Any]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.trusted_proxies = int(app.config.get("TRUSTED_PROXY_COUNT", 0) or 0)
        self.access_log = bool(app.config.get("ACCESS_LOG", True))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or "HTTP_COOKIE" in environ or "HTTP_AUTHORIZATION" in environ:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        key = "served:" + _copy_key_of(environ) + "\0".join(environ.get(name, "") for name in _FORWARDED)
        cache = rendered_cache(self.app)
        entry = None
        if cache.has(key):  # only then is the read state worth asking for
            try:
                with self.app.app_context():
                    state = notice_data.read_state_marker()
            except SQLAlchemyError:
                return self.wsgi_app(environ, start_response)  # the app answers as it does when the database is down
            entry = cache.get(key, state.values)
        if entry is None:
            return self._answer_and_keep(environ, start_response, key, cache)
        request_id = request_id_for(environ, self.trusted_proxies)
        headers = [*entry.headers, (REQUEST_ID_HEADER, request_id)]
        status, body = f"{entry.status} OK", [b""] if method == "HEAD" else [entry.body]
        if any(name in environ for name in _CONDITIONAL):
            header_map = {name.lower(): value for name, value in entry.headers}
            last_modified = header_map.get("last-modified")
            if not is_resource_modified(environ, etag=unquote_etag(header_map.get("etag"))[0],
                                        last_modified=parse_date(last_modified) if last_modified else None):
                status, body = "304 Not Modified", [b""]
                headers = [(name, value) for name, value in headers if name.lower() not in _NOT_ON_304]
        start_response(status, headers)
        if self.access_log:
            log_access(method, entry.route, int(status[:3]), round((time.perf_counter() - started) * 1000, 2),
                       request_id)
        return body

    def _answer_and_keep(self, environ: dict[str, Any], start_response: Callable[..., Any], key: str,
                         cache: RenderedCache) -> Any:
        answered: list[Any] = []

        def record(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answered[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, record)
        state = environ.get(STATE_ENVIRON_KEY)  # the read state the app rendered this under, if it used one
        if state is None or not answered or environ["REQUEST_METHOD"] != "GET" or not answered[0].startswith("200"):
            return body
        headers: list[tuple[str, str]] = answered[1]
        names = {name.lower() for name, _ in headers}
        vary = {part.strip().lower() for name, value in headers if name.lower() == "vary" for part in value.split(",")}
        cache_control = next((value for name, value in headers if name.lower() == "cache-control"), "")
        if "public" not in cache_control or "set-cookie" in names or not vary <= {"cookie", "accept-encoding"}:
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        kept = tuple((name, value) for name, value in headers if name.lower() not in _PER_RESPONSE)
        cache.keep(key, Rendered(state, 0.0, 200, kept, data, environ.get(ROUTE_ENVIRON_KEY, "(no route)")))
        return [data]


def _copy_key_of(environ: dict[str, Any]) -> str:
    return (f"{environ['wsgi.url_scheme']}://{environ.get('HTTP_HOST', '')}{environ.get('SCRIPT_NAME', '')}"
            f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}")


def serve_public_copies(app: Flask) -> None:
    """Put PublicCopies in front of the app (inside the static files, which need none of this)."""
    if float(app.config.get("READ_CACHE_SECONDS", 15)) > 0:
        app.wsgi_app = PublicCopies(app, app.wsgi_app)  # type: ignore[method-assign]
