"""The baseline for bench/load_http.py: the least a Flask app can do, served by the gunicorn command of the service.

A separate module so that production has no benchmark route. `gunicorn bench.baseline_app:app`.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def baseline() -> str:
    return "ok"
