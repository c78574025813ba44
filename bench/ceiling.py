"""Ceiling benchmark: the dispatcher's own limit, with a Notify simulator that adds no latency and enforces no
limit, and our allowance set far above anything reachable. Prints one JSON line; `sustained_per_s` is the figure.

    python bench/ceiling.py --db postgresql --workers 2 --subscribers 20000

Everything else is as in bench/dispatch.py (same options), so the two are directly comparable.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # `python bench/ceiling.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dispatch

UNREACHABLE_RATE = 6_000_000  # a minute's allowance no machine of ours gets near: the allowance never waits


def main(argv: list[str] | None = None) -> int:
    parser = dispatch.build_parser()
    parser.set_defaults(latency_ms=0.0, rate=UNREACHABLE_RATE, unlimited=True, duration=120.0, workers=2,
                        concurrency=16)
    args = parser.parse_args(argv)
    figures = dispatch.run(args, benchmark="ceiling")
    figures.pop("utilisation", None)  # of an allowance set out of reach: meaningless here
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
