"""Ceiling benchmark: the dispatcher's own limit, with a Notify simulator that adds no latency and enforces no
limit, and our allowance set far above anything reachable. Prints one JSON line; `sustained_per_s` is the figure.

    python bench/ceiling.py --db postgresql --workers 2 --subscribers 20000

Everything else is as in bench/dispatch.py (same options), so the two are directly comparable. The messages are
made before anything is timed (`--premade`, on by default here; `--no-premade` renders the fan-out during the
run as production does): the raw loop has its bodies ready, so the dispatcher does too.

In the same run it measures the raw client loop: one thread posting through our Notify gateway (the dispatcher's
own `deliver`) to a simulator of its own, as fast as it can, with no database, no claim, no token, no record
(`raw_client_per_s`). It posts the very messages the dispatcher will send (the same mix of texts and emails, the
same rendered bodies), each under a fresh reference, once before the workers start and once after they stop
(`raw_client_before_per_s`, `raw_client_after_per_s`: the shared machine's load drifts); `raw_client_per_s` is the
mean of the two and `ratio_to_raw` the dispatcher's figure over that. `raw_client_cpu_s_per_1000` is the loop's own
CPU per 1,000 messages, to set beside the workers' `cpu_s_per_1000`. For comparison with earlier runs it also
measures the old raw loop, one short text over and over (`raw_text_only_per_s`, `ratio_to_raw_text_only`).
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

    from alerts.data.outbox_claims import _outgoing
    from alerts.extensions import db
    from alerts.models import Message

    with app.app_context():
        rows = db.session.scalars(select(Message).order_by(Message.id).limit(RAW_SAMPLE)).all()
        messages = [_outgoing(row) for row in rows]
        db.session.rollback()
    return messages


def raw_client_loop(seconds: float, messages: list[Any] | None = None, cpu: list[float] | None = None) -> float:
    """Messages per second one thread gets from our gateway against a zero-latency, unlimited simulator.

    With `messages`, posts those (in turn, each under a new reference) through the dispatcher's `deliver`;
    without, one short text over and over (the loop's old form). `cpu`, if given, gets the loop's own CPU seconds
    per 1,000 messages, then the simulator's.
    """
    import tempfile

    from alerts.delivery.sender import deliver
    from alerts.notify import NotifyConfig, build_gateway

    logs = Path(tempfile.mkdtemp(prefix="bench-raw-"))
    simulator = harness.SimulatorProcess(log_path=logs / "simulator.log", rate_limit=None)
    sent = 0
    try:
        gateway = build_gateway(NotifyConfig(api_key=harness.SIMULATOR_API_KEY, base_url=simulator.base_url,
                                             email_template_id=harness.SIMULATOR_EMAIL_TEMPLATE_ID,
                                             sms_template_id=RAW_SMS_TEMPLATE, timeout_seconds=10))
        sent, started, cpu_started = 0, time.monotonic(), time.process_time()
        while time.monotonic() - started < seconds:
            if messages:
                deliver(gateway, replace(messages[sent % len(messages)], id=str(uuid.uuid4())))
            else:
                gateway.send_sms(phone_number=harness.contact_for("sms", sent),
                                 body="Bin collections are suspended.", reference=str(uuid.uuid4()))
            sent += 1
        rate = round(sent / (time.monotonic() - started), 1)
        if cpu is not None:
            cpu.append(round((time.process_time() - cpu_started) / sent * 1000, 2))
        return rate
    finally:
        usage = simulator.stop()
        if cpu is not None and sent:
            cpu.append(round(usage.cpu_seconds / sent * 1000, 2))


def run_ceiling(argv: list[str]) -> dict[str, Any]:
    """One ceiling run (bench/ceiling.py's options): the dispatcher's figures with the raw loops' beside them."""
    parser = dispatch.build_parser()
    parser.set_defaults(latency_ms=0.0, rate=UNREACHABLE_RATE, unlimited=True, duration=120.0, workers=2,
                        premade=True)
    parser.add_argument("--no-premade", dest="premade", action="store_false",
                        help="render the fan-out during the run, as production does")
    parser.add_argument("--raw-seconds", type=float, default=15.0, help="how long to run each raw client loop")
    args = parser.parse_args(argv)

    messages: list[Any] = []

    def raw_loops(app: Flask) -> dict[str, Any]:
        messages.extend(_premade_messages(app))
        cpu: list[float] = []
        return {"raw_client_per_s": raw_client_loop(args.raw_seconds, messages or None, cpu),
                "raw_client_messages": "premade" if messages else "one text",
                "raw_client_cpu_s_per_1000": cpu[0], "raw_simulator_cpu_s_per_1000": cpu[1] if len(cpu) > 1 else None,
                "raw_text_only_per_s": raw_client_loop(args.raw_seconds)}

    def raw_loop_again(app: Flask) -> dict[str, Any]:
        # The machine's load drifts (the VM is shared): the raw loop again once the workers have stopped, and the
        # ratio taken to the mean of the two, so neither side gets the quieter minute.
        return {"raw_client_after_per_s": raw_client_loop(args.raw_seconds, messages or None)}

    figures = dispatch.run(args, benchmark="ceiling", before_workers=raw_loops, after_workers=raw_loop_again)
    figures.pop("utilisation", None)  # of an allowance set out of reach: meaningless here
    figures.pop("utilisation_to_last", None)
    figures["raw_client_before_per_s"] = figures["raw_client_per_s"]
    figures["raw_client_per_s"] = round((figures["raw_client_before_per_s"] + figures["raw_client_after_per_s"]) / 2, 1)
    for raw, ratio in (("raw_client_per_s", "ratio_to_raw"), ("raw_text_only_per_s", "ratio_to_raw_text_only")):
        if figures.get("sustained_per_s") and figures.get(raw):
            figures[ratio] = round(figures["sustained_per_s"] / figures[raw], 3)
    return figures


def main(argv: list[str] | None = None) -> int:
    print(json.dumps(run_ceiling(sys.argv[1:] if argv is None else argv)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
