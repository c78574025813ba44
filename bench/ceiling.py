"""Ceiling benchmark: the dispatcher's own limit, with a Notify simulator that adds no latency and enforces no
limit, and our allowance set far above anything reachable. Prints one JSON line; `sustained_per_s` is the figure.

    python bench/ceiling.py --db postgresql --workers 2 --subscribers 20000

Everything else is as in bench/dispatch.py (same options), so the two are directly comparable. The messages are
made before anything is timed (`--premade`, on by default here; `--no-premade` renders the fan-out during the
run as production does): the raw loop has its bodies ready, so the dispatcher does too.

In the same run it measures the raw client loop: one thread posting through our Notify gateway (the dispatcher's
own `deliver`) to a simulator of its own, as fast as it can, with no database, no claim, no token, no record
(`raw_client_per_s`). It posts the very messages the dispatcher will send (the same mix of texts and emails, the
same rendered bodies), each under a fresh reference; `ratio_to_raw` is the dispatcher's figure over that. For
comparison with earlier runs it also measures the old raw loop, one short text over and over
(`raw_text_only_per_s`, `ratio_to_raw_text_only`).
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/ceiling.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask

from bench import dispatch, harness

RAW_SMS_TEMPLATE = harness.SIMULATOR_SMS_TEMPLATE_ID
UNREACHABLE_RATE = 6_000_000  # a minute's allowance no machine of ours gets near: the allowance never waits


RAW_SAMPLE = 4_000  # more than enough to cycle through; by id (random UUIDs), so texts and emails are mixed as queued


def _premade_messages(app: Flask) -> list[Any]:
    """A sample of the queued messages as the dispatcher's threads get them (plain values)."""
    from sqlalchemy import select

    from alerts.data.messages import _outgoing
    from alerts.extensions import db
    from alerts.models import Message

    with app.app_context():
        rows = db.session.scalars(select(Message).order_by(Message.id).limit(RAW_SAMPLE)).all()
        messages = [_outgoing(row) for row in rows]
        db.session.rollback()
    return messages


def raw_client_loop(seconds: float, messages: list[Any] | None = None) -> float:
    """Messages per second one thread gets from our gateway against a zero-latency, unlimited simulator.

    With `messages`, posts those (in turn, each under a new reference) through the dispatcher's `deliver`;
    without, one short text over and over (the loop's old form).
    """
    import tempfile

    from alerts.delivery.dispatcher import deliver
    from alerts.notify import NotifyConfig, build_gateway

    logs = Path(tempfile.mkdtemp(prefix="bench-raw-"))
    simulator = harness.SimulatorProcess(log_path=logs / "simulator.log", rate_limit=None)
    try:
        gateway = build_gateway(NotifyConfig(api_key=harness.SIMULATOR_API_KEY, base_url=simulator.base_url,
                                             email_template_id=harness.SIMULATOR_EMAIL_TEMPLATE_ID,
                                             sms_template_id=RAW_SMS_TEMPLATE, timeout_seconds=10))
        sent, started = 0, time.monotonic()
        while time.monotonic() - started < seconds:
            if messages:
                deliver(gateway, replace(messages[sent % len(messages)], id=str(uuid.uuid4())))
            else:
                gateway.send_sms(phone_number=harness.contact_for("sms", sent),
                                 body="Bin collections are suspended.", reference=str(uuid.uuid4()))
            sent += 1
        return round(sent / (time.monotonic() - started), 1)
    finally:
        simulator.stop()


def run_ceiling(argv: list[str]) -> dict[str, Any]:
    """One ceiling run (bench/ceiling.py's options): the dispatcher's figures with the raw loops' beside them."""
    parser = dispatch.build_parser()
    parser.set_defaults(latency_ms=0.0, rate=UNREACHABLE_RATE, unlimited=True, duration=120.0, workers=2,
                        premade=True)
    parser.add_argument("--no-premade", dest="premade", action="store_false",
                        help="render the fan-out during the run, as production does")
    parser.add_argument("--raw-seconds", type=float, default=15.0, help="how long to run each raw client loop")
    args = parser.parse_args(argv)

    def raw_loops(app: Flask) -> dict[str, Any]:
        messages = _premade_messages(app)
        return {"raw_client_per_s": raw_client_loop(args.raw_seconds, messages or None),
                "raw_client_messages": "premade" if messages else "one text",
                "raw_text_only_per_s": raw_client_loop(args.raw_seconds)}

    figures = dispatch.run(args, benchmark="ceiling", before_workers=raw_loops)
    figures.pop("utilisation", None)  # of an allowance set out of reach: meaningless here
    for raw, ratio in (("raw_client_per_s", "ratio_to_raw"), ("raw_text_only_per_s", "ratio_to_raw_text_only")):
        if figures.get("sustained_per_s") and figures.get(raw):
            figures[ratio] = round(figures["sustained_per_s"] / figures[raw], 3)
    return figures


def main(argv: list[str] | None = None) -> int:
    print(json.dumps(run_ceiling(sys.argv[1:] if argv is None else argv)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
