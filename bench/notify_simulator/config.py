"""Configuration for the Notify simulator: plain dataclasses, buildable from CLI flags or JSON."""

from __future__ import annotations

import dataclasses
import math
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

KeyType = Literal["normal", "team", "test"]
TemplateType = Literal["sms", "email"]
LatencyKind = Literal["none", "fixed", "uniform", "lognormal"]

# Fixed defaults so a simulator started with no options can be driven with a known key.
DEFAULT_SERVICE_ID = "d0e5e7a1-5c1b-4b5e-9d1f-000000000001"
DEFAULT_SECRET = "5ec4e7a1-5c1b-4b5e-9d1f-000000000002"
DEFAULT_SMS_TEMPLATE_ID = "a1a1a1a1-0000-4000-8000-000000000001"
DEFAULT_EMAIL_TEMPLATE_ID = "e1e1e1e1-0000-4000-8000-000000000002"

# Notify caps the burst of its token bucket (API app/config.py TOKEN_BUCKET_MAX).
TOKEN_BUCKET_MAX = 1000

_KEY_RE = re.compile(r"^(?P<name>.+)-(?P<service>[0-9a-f-]{36})-(?P<secret>[0-9a-f-]{36})$", re.IGNORECASE)


class ConfigError(ValueError):
    """A simulator option is malformed; the message says which and why."""


@dataclass(frozen=True)
class ApiKey:
    secret: str
    key_type: KeyType = "test"
    name: str = "simulator"
    revoked: bool = False


@dataclass(frozen=True)
class Template:
    id: str
    type: TemplateType
    body: str
    subject: str | None = None
    version: int = 1


@dataclass
class LatencyConfig:
    kind: LatencyKind = "none"
    rate: float = 1.0
    fixed_ms: float = 0.0
    min_ms: float = 0.0
    max_ms: float = 0.0
    mean_ms: float = 0.0
    p99_ms: float = 0.0


@dataclass
class FaultConfig:
    latency: LatencyConfig = field(default_factory=LatencyConfig)
    error_500_rate: float = 0.0
    persist_before_500: bool = False
    timeout_rate: float = 0.0
    timeout_sleep_s: float = 35.0
    # Stored only after the client's timeout: the request is held `late_store_delay_s`, then stored and answered.
    # Notify can store a request up to about a minute after it was sent (its 30 s serve timeout, the load
    # balancer's 60 s idle timeout), so a lookup by reference made sooner can miss it.
    late_store_rate: float = 0.0
    late_store_delay_s: float = 35.0
    drop_rate: float = 0.0
    persist_before_drop: bool = False
    burst_429_rate: float = 0.0
    burst_429_duration_ms: float = 0.0
    # Accepted, then lost between Notify and its provider: the notification ends "technical-failure", with no
    # fragments billed and no callback (Notify calls back only on a provider's receipt).
    technical_failure_rate: float = 0.0


@dataclass
class CallbackConfig:
    url: str
    bearer_token: str
    lost_rate: float = 0.0
    duplicate_rate: float = 0.0
    workers: int = 4
    timeout_s: float = 5.0
    max_retries: int = 5
    retry_delay_s: float = 300.0


def default_templates() -> dict[str, Template]:
    return {
        DEFAULT_SMS_TEMPLATE_ID: Template(DEFAULT_SMS_TEMPLATE_ID, "sms", "((body))"),
        DEFAULT_EMAIL_TEMPLATE_ID: Template(DEFAULT_EMAIL_TEMPLATE_ID, "email", "((body))", subject="((subject))"),
    }


@dataclass
class SimulatorConfig:
    port: int = 0
    service_id: str = DEFAULT_SERVICE_ID
    api_keys: list[ApiKey] = field(default_factory=lambda: [ApiKey(DEFAULT_SECRET)])
    templates: dict[str, Template] = field(default_factory=default_templates)
    # Treat any well-formed unknown template id as the default template of the requested channel.
    accept_unknown_templates: bool = False
    rate_limit_per_minute: int | None = 3000
    bucket_size: int | None = None
    daily_limits: dict[str, int] = field(default_factory=dict)
    faults: FaultConfig = field(default_factory=FaultConfig)
    callback: CallbackConfig | None = None
    # Where residents' replies are posted (Notify's inbound callback), and the number they text.
    inbound_callback: CallbackConfig | None = None
    inbound_number: str = "07700900456"
    # Time from acceptance to the final (simulated provider) status, whether or not a callback is configured.
    receipt_delay_ms: float = 100.0
    # Notify's stages before the receipt, both counted within the receipt delay: "created" for `created_ms`
    # (queued for a worker), then "sending"; a text then "pending" from `pending_after_ms` after that, as its
    # provider reports. The defaults go straight to "sending", as the fastest Notify does.
    created_ms: float = 0.0
    pending_after_ms: float | None = None
    receipt_jitter_ms: float = 0.0
    seed: int = 0
    sms_sender: str = "GOVUK"
    from_email: str = "dorset.alerts@notifications.service.gov.uk"
    # Notify answers 201 for its smoke-test recipients but never stores them (notify.md §4).
    honour_smoke_test_recipients: bool = True
    # What the rate-limit buckets read the time from; tests stop it so a slow machine cannot refill a bucket.
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)

    def effective_bucket_size(self) -> int | None:
        if self.rate_limit_per_minute is None:
            return None
        if self.bucket_size is not None:
            return self.bucket_size
        return min(math.ceil(self.rate_limit_per_minute / 3) + 1, TOKEN_BUCKET_MAX)

    def validate(self) -> None:
        _require_uuid("service_id", self.service_id)
        if not self.api_keys:
            raise ConfigError("at least one API key is needed")
        for template_id, template in self.templates.items():
            _require_uuid("template id", template_id)
            if template.type not in ("sms", "email"):
                raise ConfigError(f"template {template_id}: type must be sms or email")
        if self.rate_limit_per_minute is not None and self.rate_limit_per_minute <= 0:
            raise ConfigError("rate_limit_per_minute must be positive (or None for unlimited)")
        if self.bucket_size is not None and self.bucket_size <= 0:
            raise ConfigError("bucket_size must be positive")
        for channel in self.daily_limits:
            if channel not in ("sms", "email"):
                raise ConfigError(f"daily limit channel must be sms or email, not {channel!r}")
        validate_faults(self.faults)
        if self.receipt_delay_ms < 0 or self.receipt_jitter_ms < 0:
            raise ConfigError("receipt delay and jitter must not be negative")
        if self.callback is not None:
            for name in ("lost_rate", "duplicate_rate"):
                _require_rate(f"callback.{name}", getattr(self.callback, name))
            if self.callback.workers < 1:
                raise ConfigError("callback.workers must be at least 1")


def api_key_from_string(key: str, key_type: KeyType = "test") -> tuple[str, ApiKey]:
    """Split a Notify key string `name-<service uuid>-<secret uuid>` into (service id, ApiKey)."""
    match = _KEY_RE.match(key)
    if match is None:
        raise ConfigError("API key must look like name-<service uuid>-<secret uuid>")
    _require_uuid("service id in key", match["service"])
    _require_uuid("secret in key", match["secret"])
    return match["service"], ApiKey(match["secret"], key_type, match["name"])


def full_key_string(service_id: str, key: ApiKey) -> str:
    return f"{key.name}-{service_id}-{key.secret}"


def validate_faults(faults: FaultConfig) -> None:
    for name in ("error_500_rate", "timeout_rate", "late_store_rate", "drop_rate", "burst_429_rate",
                 "technical_failure_rate"):
        _require_rate(name, getattr(faults, name))
    latency = faults.latency
    _require_rate("latency.rate", latency.rate)
    if latency.kind == "uniform" and latency.max_ms < latency.min_ms:
        raise ConfigError("latency.max_ms must be at least latency.min_ms")
    if latency.kind == "lognormal":
        if latency.mean_ms <= 0 or latency.p99_ms <= latency.mean_ms:
            raise ConfigError("lognormal latency needs 0 < mean_ms < p99_ms")
        # Beyond this ratio no lognormal has the requested mean and p99 (the quadratic for sigma has no root).
        if math.log(latency.p99_ms / latency.mean_ms) > 2.3263478740408408**2 / 2:
            raise ConfigError("lognormal latency: p99_ms may be at most ~14.9x mean_ms")
    if latency.kind not in ("none", "fixed", "uniform", "lognormal"):
        raise ConfigError(f"unknown latency kind {latency.kind!r}")
    if faults.timeout_sleep_s < 0 or faults.late_store_delay_s < 0 or faults.burst_429_duration_ms < 0:
        raise ConfigError("durations must not be negative")


def update_faults(faults: FaultConfig, changes: dict[str, Any]) -> FaultConfig:
    """Return a copy of `faults` with `changes` applied; `latency` may be a partial dict."""
    known = {f.name for f in dataclasses.fields(FaultConfig)}
    unknown = set(changes) - known
    if unknown:
        raise ConfigError(f"unknown fault settings: {', '.join(sorted(unknown))}")
    updated = dataclasses.replace(faults, latency=dataclasses.replace(faults.latency))
    for name, value in changes.items():
        if name == "latency":
            if not isinstance(value, dict):
                raise ConfigError("latency must be an object")
            latency_fields = {f.name for f in dataclasses.fields(LatencyConfig)}
            bad = set(value) - latency_fields
            if bad:
                raise ConfigError(f"unknown latency settings: {', '.join(sorted(bad))}")
            updated.latency = dataclasses.replace(updated.latency, **value)
        else:
            setattr(updated, name, value)
    validate_faults(updated)
    return updated


def _require_rate(name: str, value: float) -> None:
    if not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ConfigError(f"{name} must be a fraction between 0 and 1")


def _require_uuid(name: str, value: str) -> None:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError) as exc:
        raise ConfigError(f"{name} must be a UUID, not {value!r}") from exc
