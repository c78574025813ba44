"""Load-test the public reads under gunicorn exactly as the Procfile runs it, beside a trivial Flask baseline.

    .venv/bin/python -m bench.load_http [--duration 15] [--connections 64] [--database-url postgresql://…]

Starts the Procfile's `web` command on 127.0.0.1 three times, A/B/A: bench/baseline_app.py, then the service in
production mode on a freshly migrated and seeded database, then the baseline again. Drives each URL with wrk
(Debian package `wrk`) and prints one JSON line per URL and a summary line with the targets: the notices page at
>= 80% of the baseline's requests per second, p99 < 100 ms, no errors, and the CSS and JavaScript sent compressed
with a year's max-age. A share of the baseline is given only when the two baseline runs agree within 10%: a
machine whose speed changed during the run (neighbours, a cold start after seeding) says so instead of flattering
or blaming the service. Traffic goes to loopback only and every run stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGETS = [
    ("start page", "/"),
    ("notices page", "/notices?postcode=DT4%207TA"),
    ("api notices", "/api/v1/notices"),
    ("atom feed", "/feeds/notices.atom"),
]
NOTICES_RPS_SHARE = 0.8
BASELINE_AGREEMENT = 0.10  # the two baseline runs may differ by at most this share of the larger
YEAR_SECONDS = 365 * 24 * 60 * 60
P99_LIMIT_MS = 100.0


def procfile_web_command(app_module: str, port: int) -> list[str]:
    """The Procfile's web line, bound to loopback, with its ${VAR:-default}s expanded from the environment."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    command = line.removeprefix("web:").strip().replace("0.0.0.0", "127.0.0.1")
    command = re.sub(r"\$\{PORT:-\d+\}", str(port), command)
    command = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: os.environ.get(m[1], m[2]), command)
    words = shlex.split(command.replace("wsgi:app", app_module))
    words[0] = str(BIN / words[0])
    return words


def baseline_rps(before: float, after: float) -> float | None:
    """The baseline's requests per second, the mean of the runs before and after the service; None when they differ
    by more than BASELINE_AGREEMENT of the larger, as a ratio against either would say more about the machine."""
    larger = max(before, after)
    if larger <= 0 or abs(before - after) / larger > BASELINE_AGREEMENT:
        return None
    return (before + after) / 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Gunicorn warms every worker before it answers; on a busy shared machine that took longer than 30 s.
STARTUP_SECONDS = 120.0


def wait_until_up(url: str, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 — loopback URL we built
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds}s")


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, duration: int, connections: int, headers: dict[str, str] | None = None) -> dict[str, Any]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True, timeout=duration + 30).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    requests = int(re.search(r"(\d+) requests in", output)[1])  # type: ignore[index]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx[1]) if non_2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)

    def percentile(key: str) -> float:
        value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", latency[key]).groups()  # type: ignore[union-attr]
        return round(_ms(value, unit), 2)

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),  # type: ignore[index]
            "p50_ms": percentile("50"), "p99_ms": percentile("99"), "requests": requests, "errors": errors}


class Server:
    def __init__(self, app_module: str, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**env, "BASE_URL": self.url}
        self.process = subprocess.Popen(procfile_web_command(app_module, self.port), cwd=ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def __enter__(self) -> Server:
        try:
            wait_until_up(self.url + "/")
        except RuntimeError:
            self.__exit__()  # never leave a server behind that did not come up
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def static_assets_compressed_for_a_year(base_url: str) -> dict[str, Any]:
    """The page's stylesheet and module script, fetched as a browser would: Brotli or gzip, cached for a year."""
    with urllib.request.urlopen(base_url + "/", timeout=5) as response:  # noqa: S310 — loopback
        page = response.read().decode()
    found: dict[str, Any] = {}
    patterns = (("css", r'<link rel="stylesheet" href="([^"]+)"'), ("js", r'<script type="module" src="([^"]+)"'))
    for kind, pattern in patterns:
        match = re.search(pattern, page)
        if match is None:
            found[kind] = None
            continue
        request = urllib.request.Request(base_url + match[1], headers={"Accept-Encoding": "br, gzip"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 — loopback
            max_age = re.search(r"max-age=(\d+)", response.headers.get("Cache-Control", ""))
            found[kind] = {"url": match[1], "encoding": response.headers.get("Content-Encoding"),
                           "max_age": int(max_age[1]) if max_age else None}
    found["met"] = all(item and item["encoding"] in ("br", "gzip") and (item["max_age"] or 0) >= YEAR_SECONDS
                       for item in (found["css"], found["js"]))
    return found


def prepare_database(env: dict[str, str]) -> None:
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    seed_env = {**env, "ALERTS_ENV": "development"}  # seed-demo refuses production, rightly
    for args in (["db", "upgrade"], ["load-reference-data"], ["seed-demo"]):
        subprocess.run([*flask, *args], cwd=ROOT, env=seed_env, check=True, capture_output=True, timeout=120)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="alerts-bench-") as tmp:
        env = {**os.environ, "ALERTS_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(32),
               "DATABASE_URL": args.database_url or f"sqlite:///{tmp}/bench.sqlite3"}
        # Production refuses to start without a Notify key. The bench only reads, so nothing is ever sent; the
        # made-up key points at a closed loopback port all the same, so nothing could leave the machine.
        env["NOTIFY_API_KEY"] = "bench-" + "00000000-0000-0000-0000-000000000000-" * 2 + "x"
        env["NOTIFY_BASE_URL"] = "http://127.0.0.1:9"
        # Production refuses memory:// rate limits with several gunicorn workers. Reads are never counted
        # (alerts/web/caching.py exempts them) and Flask-Limiter connects lazily, so this Redis is never contacted.
        env.setdefault("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
        prepare_database(env)
        results: dict[str, dict[str, Any]] = {}
        with Server("bench.baseline_app:app", env) as baseline:
            results["baseline"] = run_wrk(baseline.url + "/", args.duration, args.connections)
        with Server("wsgi:app", env) as service:
            static = static_assets_compressed_for_a_year(service.url)
            for name, path in TARGETS:
                probe = urllib.request.Request(service.url + path, method="HEAD")  # noqa: S310 — loopback
                try:
                    urllib.request.urlopen(probe, timeout=5)  # noqa: S310
                except urllib.error.HTTPError as error:
                    results[name] = {"path": path, "skipped": f"{error.code} — not on this branch yet"}
                    continue
                results[name] = {"path": path, **run_wrk(service.url + path, args.duration, args.connections)}
            with urllib.request.urlopen(service.url + "/api/v1/notices", timeout=5) as response:  # noqa: S310
                etag = response.headers["ETag"]
            results["api notices, If-None-Match"] = {
                "path": "/api/v1/notices (304)",
                **run_wrk(service.url + "/api/v1/notices", args.duration, args.connections, {"If-None-Match": etag})}
        with Server("bench.baseline_app:app", env) as baseline:
            results["baseline after"] = run_wrk(baseline.url + "/", args.duration, args.connections)

    baselines = ("baseline", "baseline after")
    baseline = baseline_rps(results["baseline"]["rps"], results["baseline after"]["rps"])
    for name, figures in results.items():
        if "rps" in figures and name not in baselines:
            figures["share_of_baseline"] = round(figures["rps"] / baseline, 3) if baseline else None
        print(json.dumps({"url": name, **figures}))
    notices = results["notices page"]
    measured = [figures for name, figures in results.items() if "rps" in figures and name not in baselines]
    summary = {
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}",
        "connections": args.connections, "duration_s": args.duration,
        "database": "postgresql" if args.database_url else "sqlite",
        "baseline_rps_before_and_after": [results[name]["rps"] for name in baselines],
        "baselines_agree": baseline is not None,
        "notices_share_of_baseline": notices["share_of_baseline"],
        # Not met when the baselines disagree: the run cannot say, so run it again on a quieter machine.
        "target_notices_share_met": baseline is not None and notices["share_of_baseline"] >= NOTICES_RPS_SHARE,
        "target_p99_met": all(figures["p99_ms"] < P99_LIMIT_MS for figures in measured),
        "target_no_errors_met": all(figures["errors"] == 0
                                    for figures in [*measured, *(results[name] for name in baselines)]),
        "static_assets": {kind: static[kind] for kind in ("css", "js")},
        "target_static_compressed_for_a_year_met": static["met"],
    }
    print(json.dumps({"summary": summary}))
    if baseline is None:
        print(f"The baseline ran at {results['baseline']['rps']:,.0f} and then {results['baseline after']['rps']:,.0f} "
              f"requests a second, more than {BASELINE_AGREEMENT:.0%} apart: the machine changed speed during the run, "
              "so no share of the baseline is given. Run it again on a quieter machine.", file=sys.stderr)
    return 0 if all(value for key, value in summary.items() if key.startswith("target_")) else 1


if __name__ == "__main__":
    sys.exit(main())
