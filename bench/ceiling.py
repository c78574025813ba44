"""Ceiling benchmark: the dispatcher's own limit, with a Notify simulator that adds no latency and enforces no
limit, and our allowance set far above anything reachable. Prints one JSON line; `sustained_per_s` is the figure.

    python bench/ceiling.py --db postgresql --workers 2 --subscribers 20000

Everything else is as in bench/dispatch.py (same options), so the two are directly comparable. In the same run it
measures the raw client loop: one thread sending through our Notify gateway to the same kind of simulator, as fast
as it can, with no database at all (`raw_client_per_s`); `ratio_to_raw` is the dispatcher's figure over that.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # `python bench/ceiling.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dispatch, harness

RAW_SMS_TEMPLATE = harness.SIMULATOR_SMS_TEMPLATE_ID


def raw_client_loop(seconds: float) -> float:
    """Texts per second one thread gets from our gateway against a zero-latency, unlimited simulator."""
    import tempfile
    import time
    import uuid

    from alerts.notify import NotifyConfig, build_gateway

    logs = Path(tempfile.mkdtemp(prefix="bench-raw-"))
    simulator = harness.SimulatorProcess(log_path=logs / "simulator.log", rate_limit=None)
    try:
        gateway = build_gateway(NotifyConfig(api_key=harness.SIMULATOR_API_KEY, base_url=simulator.base_url,
                                             email_template_id=harness.SIMULATOR_EMAIL_TEMPLATE_ID,
                                             sms_template_id=RAW_SMS_TEMPLATE, timeout_seconds=10))
        sent, started = 0, time.monotonic()
        while time.monotonic() - started < seconds:
            gateway.send_sms(phone_number=harness.contact_for("sms", sent), body="Bin collections are suspended.",
                             reference=str(uuid.uuid4()))
            sent += 1
        return round(sent / (time.monotonic() - started), 1)
    finally:
        simulator.stop()

UNREACHABLE_RATE = 6_000_000  # a minute's allowance no machine of ours gets near: the allowance never waits


def main(argv: list[str] | None = None) -> int:
    parser = dispatch.build_parser()
    parser.set_defaults(latency_ms=0.0, rate=UNREACHABLE_RATE, unlimited=True, duration=120.0, workers=2)
    parser.add_argument("--raw-seconds", type=float, default=20.0, help="how long to run the raw client loop")
    args = parser.parse_args(argv)
    raw = raw_client_loop(args.raw_seconds)
    figures = dispatch.run(args, benchmark="ceiling")
    figures.pop("utilisation", None)  # of an allowance set out of reach: meaningless here
    figures["raw_client_per_s"] = raw
    if figures.get("sustained_per_s") and raw:
        figures["ratio_to_raw"] = round(figures["sustained_per_s"] / raw, 3)
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
