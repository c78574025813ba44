"""The plumbing every request passes through, below the blueprints: caching, error pages, health, security headers,
static files, logs and request ids, warm-up, and running behind proxies.

create_app() installs these; nothing here imports a blueprint, a service or the app factory, so any blueprint may
use them (`problem`, `cached_page`, `conditional_read`) without an import running back up.
"""
