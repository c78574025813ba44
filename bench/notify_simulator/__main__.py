"""Command line: python -m bench.notify_simulator --port 9099 [options]. Serves on 127.0.0.1 only."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .config import (
    DEFAULT_SECRET,
    DEFAULT_SERVICE_ID,
    ApiKey,
    CallbackConfig,
    ConfigError,
    FaultConfig,
    LatencyConfig,
    SimulatorConfig,
    Template,
    api_key_from_string,
    default_templates,
    full_key_string,
)
from .server import start_simulator


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.notify_simulator", description=__doc__)
    parser.add_argument("--port", type=int, default=9099, help="port on 127.0.0.1 (0 picks a free one)")
    parser.add_argument("--seed", type=int, default=0, help="seed for fault, receipt and jitter decisions")

    auth = parser.add_argument_group("service and keys")
    auth.add_argument("--api-key", action="append", default=[], help="full key name-<service>-<secret>; repeatable")
    auth.add_argument("--service-id", default=None, help=f"service id (default {DEFAULT_SERVICE_ID})")
    auth.add_argument("--secret", default=None, help=f"key secret (default {DEFAULT_SECRET})")
    auth.add_argument("--key-type", choices=("test", "team", "normal"), default="test")

    templates = parser.add_argument_group("templates")
    templates.add_argument(
        "--template", action="append", default=[], metavar="TYPE:UUID",
        help="known template, e.g. sms:<uuid>; sms body ((body)), email ((subject)) / ((body)); replaces the defaults",
    )  # fmt: skip
    templates.add_argument("--any-template", action="store_true", help="accept any template id as a default template")

    limits = parser.add_argument_group("limits")
    limits.add_argument("--rate-limit", type=int, default=3000, help="requests per minute per key type")
    limits.add_argument("--unlimited", action="store_true", help="no per-minute limit")
    limits.add_argument("--bucket-size", type=int, default=None, help="burst size (default min(ceil(rate/3)+1, 1000))")
    limits.add_argument("--daily-limit", action="append", default=[], metavar="CHANNEL=N", help="e.g. sms=250000")

    faults = parser.add_argument_group("faults (each an independent per-request probability)")
    faults.add_argument("--latency-ms", type=float, default=None, help="fixed added latency")
    faults.add_argument("--latency", default=None, metavar="SPEC", help="uniform:MIN:MAX or lognormal:MEAN:P99 (ms)")
    faults.add_argument("--latency-rate", type=float, default=1.0, help="fraction of sends that get the latency")
    faults.add_argument("--error-rate", type=float, default=0.0, help="500 Internal server error")
    faults.add_argument("--persist-before-500", action="store_true")
    faults.add_argument("--timeout-rate", type=float, default=0.0, help="persist, then answer after --timeout-sleep")
    faults.add_argument("--timeout-sleep", type=float, default=35.0, help="seconds (beyond the client's timeout)")
    faults.add_argument("--late-store-rate", type=float, default=0.0,
                        help="hold for --late-store-delay, then store and answer: stored after the client gave up")
    faults.add_argument("--late-store-delay", type=float, default=35.0, help="seconds before a late request is stored")
    faults.add_argument("--drop-rate", type=float, default=0.0, help="close the connection without a response")
    faults.add_argument("--persist-before-drop", action="store_true")
    faults.add_argument("--burst-429-rate", type=float, default=0.0, help="start a burst of extra 429s")
    faults.add_argument("--burst-429-ms", type=float, default=0.0, help="burst length (0: just that request)")

    receipts = parser.add_argument_group("delivery receipts")
    receipts.add_argument("--callback-url", default=None)
    receipts.add_argument("--callback-token", default=None)
    receipts.add_argument("--receipt-delay-ms", type=float, default=100.0)
    receipts.add_argument("--receipt-jitter-ms", type=float, default=0.0)
    receipts.add_argument("--lost-receipt-rate", type=float, default=0.0)
    receipts.add_argument("--duplicate-receipt-rate", type=float, default=0.0)
    receipts.add_argument("--callback-workers", type=int, default=4)
    receipts.add_argument("--callback-retry-delay", type=float, default=300.0, help="seconds between retries")
    receipts.add_argument("--no-smoke-test-recipients", action="store_true", help="persist smoke-test recipients too")
    return parser


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    service_id = args.service_id or DEFAULT_SERVICE_ID
    keys: list[ApiKey] = []
    for key_string in args.api_key:
        key_service, key = api_key_from_string(key_string, args.key_type)
        if args.service_id is not None and key_service.lower() != service_id.lower():
            raise ConfigError("every --api-key must belong to --service-id")
        service_id, keys = key_service, [*keys, key]
    if args.secret is not None or not keys:
        keys.append(ApiKey(args.secret or DEFAULT_SECRET, args.key_type))
    if len({k.secret for k in keys}) != len(keys):
        raise ConfigError("duplicate API key secrets")

    templates = default_templates()
    if args.template:
        templates = {}
        for spec in args.template:
            kind, _, template_id = spec.partition(":")
            if kind == "sms":
                templates[template_id] = Template(template_id, "sms", "((body))")
            elif kind == "email":
                templates[template_id] = Template(template_id, "email", "((body))", subject="((subject))")
            else:
                raise ConfigError(f"--template must be sms:<uuid> or email:<uuid>, not {spec!r}")

    daily: dict[str, int] = {}
    for spec in args.daily_limit:
        channel, _, value = spec.partition("=")
        if not value.isdigit():
            raise ConfigError(f"--daily-limit must be CHANNEL=N, not {spec!r}")
        daily[channel] = int(value)

    callback = None
    if args.callback_url or args.callback_token:
        if not (args.callback_url and args.callback_token):
            raise ConfigError("--callback-url and --callback-token go together")
        callback = CallbackConfig(
            url=args.callback_url,
            bearer_token=args.callback_token,
            lost_rate=args.lost_receipt_rate,
            duplicate_rate=args.duplicate_receipt_rate,
            workers=args.callback_workers,
            retry_delay_s=args.callback_retry_delay,
        )

    config = SimulatorConfig(
        port=args.port,
        service_id=service_id,
        api_keys=keys,
        templates=templates,
        accept_unknown_templates=args.any_template,
        rate_limit_per_minute=None if args.unlimited else args.rate_limit,
        bucket_size=args.bucket_size,
        daily_limits=daily,
        faults=FaultConfig(
            latency=parse_latency(args.latency_ms, args.latency, args.latency_rate),
            error_500_rate=args.error_rate,
            persist_before_500=args.persist_before_500,
            timeout_rate=args.timeout_rate,
            timeout_sleep_s=args.timeout_sleep,
            late_store_rate=args.late_store_rate,
            late_store_delay_s=args.late_store_delay,
            drop_rate=args.drop_rate,
            persist_before_drop=args.persist_before_drop,
            burst_429_rate=args.burst_429_rate,
            burst_429_duration_ms=args.burst_429_ms,
        ),
        callback=callback,
        receipt_delay_ms=args.receipt_delay_ms,
        receipt_jitter_ms=args.receipt_jitter_ms,
        seed=args.seed,
        honour_smoke_test_recipients=not args.no_smoke_test_recipients,
    )
    config.validate()
    return config


def parse_latency(fixed_ms: float | None, spec: str | None, rate: float) -> LatencyConfig:
    if fixed_ms is not None and spec is not None:
        raise ConfigError("use --latency-ms or --latency, not both")
    if fixed_ms is not None:
        return LatencyConfig(kind="fixed", rate=rate, fixed_ms=fixed_ms)
    if spec is None:
        return LatencyConfig()
    kind, *numbers = spec.split(":")
    try:
        low, high = (float(n) for n in numbers)
    except ValueError as exc:
        raise ConfigError("--latency must be uniform:MIN:MAX or lognormal:MEAN:P99") from exc
    if kind == "uniform":
        return LatencyConfig(kind="uniform", rate=rate, min_ms=low, max_ms=high)
    if kind == "lognormal":
        return LatencyConfig(kind="lognormal", rate=rate, mean_ms=low, p99_ms=high)
    raise ConfigError("--latency must be uniform:MIN:MAX or lognormal:MEAN:P99")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
    except ConfigError as exc:
        parser.error(str(exc))
    running = start_simulator(config)
    print(f"Notify simulator on {running.base_url}", flush=True)
    for key in config.api_keys:
        print(f"  API key ({key.key_type}): {full_key_string(config.service_id, key)}", flush=True)
    for template in config.templates.values():
        print(f"  {template.type} template: {template.id}", flush=True)
    stopped = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    stopped.wait()
    running.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
