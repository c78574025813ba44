"""Measure the simulator's send throughput with the official client from several threads.

python -m bench.notify_simulator.throughput [--threads 8] [--seconds 5] [--base-url http://127.0.0.1:9099 --api-key K]

Without --base-url it starts an in-process simulator (client and server then share one GIL, a pessimistic setup).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import uuid
from collections.abc import Sequence

from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

from .config import DEFAULT_SMS_TEMPLATE_ID, SimulatorConfig
from .server import start_simulator


def run_load(base_url: str, api_key: str, threads: int, seconds: float) -> dict[str, float]:
    deadline = time.monotonic() + seconds
    run_id = uuid.uuid4().hex[:8]
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads

    def worker(index: int) -> None:
        # One client per thread: the client is documented as not thread-safe.
        client = NotificationsAPIClient(api_key, base_url=base_url, timeout=10)
        n = 0
        while time.monotonic() < deadline:
            n += 1
            started = time.perf_counter()
            try:
                client.send_sms_notification(
                    "07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "Road closed"}, reference=f"{run_id}-t{index}-{n}"
                )
            except HTTPError:
                errors[index] += 1
            latencies[index].append(time.perf_counter() - started)

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.monotonic() - started
    flat = sorted(x for per_thread in latencies for x in per_thread)
    return {
        "requests": len(flat),
        "errors": sum(errors),
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(flat) / elapsed, 1),
        "p50_ms": round(statistics.median(flat) * 1000, 2),
        "p99_ms": round(flat[int(len(flat) * 0.99) - 1] * 1000, 2),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--base-url", default=None)
    parser.add_argument("--api-key", default=None)
    args = parser.parse_args(argv)
    if args.base_url:
        if not args.api_key:
            parser.error("--api-key is needed with --base-url")
        print(run_load(args.base_url, args.api_key, args.threads, args.seconds))
        return
    with start_simulator(SimulatorConfig(rate_limit_per_minute=None)) as simulator:
        print(run_load(simulator.base_url, simulator.api_key, args.threads, args.seconds))
        print({"accepted": simulator.stats(include_references=False)["accepted"]})


if __name__ == "__main__":
    main()
