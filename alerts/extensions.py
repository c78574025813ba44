"""Flask extensions, created here and bound to the app in create_app()."""

from flask import current_app, request
from flask_limiter import Limiter as _Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from alerts.addresses import client_network
from alerts.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
# Views marked with this attribute (alerts.web.caching marks the public reads) have no rate limit: a storm is what they
# are for.
PUBLIC_READ = "public_read"


class Limiter(_Limiter):
    """Flask-Limiter, skipping its per-request search for limits on the public reads.

    Its request filters only run after the search (an exemption scope over every blueprint, the request's limit
    context), which cost more than serving a public read from its copy: so the check itself is skipped for them.
    """

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if in_middleware and getattr(current_app.view_functions.get(request.endpoint or ""), PUBLIC_READ, False):
            return
        super()._check_request_limit(callable_name, in_middleware)


def client_key() -> str:
    """Flask-Limiter's key for the client sending this request: its address, or its /64 if IPv6."""
    return client_network(get_remote_address())


limiter = Limiter(key_func=client_key, default_limits=[])
