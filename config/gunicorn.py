"""gunicorn settings for the Procfile's web process (`gunicorn wsgi:app --config config/gunicorn.py ...`)."""

from typing import Any


def post_worker_init(worker: Any) -> None:
    """Warm each worker up (templates compiled, a database connection open) before its first request."""
    from alerts.web.warm_up import warm_up

    warm_up(worker.wsgi)
