"""The WSGI entry point: `gunicorn wsgi:app` and `flask --app wsgi <command>`."""

import sys

from config import ConfigurationError

try:
    from alerts import create_app

    app = create_app()
except ConfigurationError as refusal:
    # One line naming the variable, not a traceback. Exit code 3 is gunicorn's "worker failed to boot": the
    # arbiter stops instead of respawning workers that would fail the same way.
    print(f"Refusing to start: {refusal}", file=sys.stderr)
    raise SystemExit(3) from None
