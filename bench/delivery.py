"""Delivery benchmarks side by side in one run: the allowance reached with latency that varies like
Notify's, on SQLite and PostgreSQL, then the dispatcher's ceiling beside the raw client loop. Prints one JSON line
per run, then a Markdown table for bench/README.md. Takes about a quarter of an hour with the defaults.

    python bench/delivery.py [--dbs sqlite postgresql] [--rates 2900 5800] [--seconds 60]

Each dispatch run seeds enough subscribers for `--seconds` of sending at its rate (half texts, half emails) and
uses the default settings (NOTIFY_CONCURRENCY, settle time, lease) with one worker, as SQLite allows one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/delivery.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import ceiling, dispatch

LATENCIES = {
    "uniform 75–225 ms": "uniform:75:225",
    # A long tail: mean 150 ms, p99 1 s (lognormal).
    "long tail, p99 1 s": "lognormal:150:1000",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dbs", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--rates", nargs="+", type=int, default=[2900, 5800])
    parser.add_argument("--latencies", nargs="+", default=list(LATENCIES), choices=list(LATENCIES))
    parser.add_argument("--seconds", type=float, default=60.0, help="sending time each dispatch run is seeded for")
    parser.add_argument("--ceiling-db", default="postgresql")
    parser.add_argument("--ceiling-subscribers", type=int, default=20_000)
    parser.add_argument("--no-ceiling", action="store_true")
    args = parser.parse_args(argv)

    rows: list[dict[str, Any]] = []
    for db in args.dbs:
        for rate in args.rates:
            for name in args.latencies:
                subscribers = int(rate / 60 * args.seconds) + 500
                run_args = dispatch.build_parser().parse_args([
                    "--db", db, "--subscribers", str(subscribers), "--rate", str(rate),
                    "--latency", LATENCIES[name], "--duration", str(args.seconds * 2 + 30)])
                figures = dispatch.run(run_args)
                figures["latency_name"] = name
                print(json.dumps(figures), flush=True)
                rows.append(figures)
    ceiling_figures = None
    if not args.no_ceiling:
        ceiling_figures = ceiling.run_ceiling(["--db", args.ceiling_db, "--subscribers",
                                               str(args.ceiling_subscribers)])
        print(json.dumps(ceiling_figures), flush=True)

    print("\n| Database | Allowance | Latency | Reached (steady window) | To the last acceptance | 429s | Duplicates "
          "| Losses | First send | Messages |")
    print("|---|---|---|---|---|---|---|---|---|---|")

    def share(value: float | None) -> str:
        return f"{value * 100:.1f}%" if value is not None else "—"

    for row in rows:
        print(f"| {row['db']} | {row['rate_per_minute']:,}/min | {row['latency_name']} | "
              f"{share(row.get('utilisation'))} ({row.get('sustained_per_s')}/s) | "
              f"{share(row.get('utilisation_to_last'))} | {row['notify_429s']} | {row['duplicates']} | "
              f"{row['losses']} | {row['first_send_s']} s | {row['sent']:,} of {row['messages']:,} |")
    if ceiling_figures is not None:
        print(f"\nCeiling ({ceiling_figures['db']}, {ceiling_figures['workers']} workers, zero latency): "
              f"{ceiling_figures.get('sustained_per_s')}/s; raw client loop (one thread): "
              f"{ceiling_figures['raw_client_per_s']}/s (before {ceiling_figures.get('raw_client_before_per_s')}, "
              f"after {ceiling_figures.get('raw_client_after_per_s')}); ratio {ceiling_figures.get('ratio_to_raw')}; "
              f"CPU per 1,000: workers {ceiling_figures.get('cpu_s_per_1000')} s, raw loop "
              f"{ceiling_figures.get('raw_client_cpu_s_per_1000')} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
