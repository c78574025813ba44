"""A GOV.UK Notify v2 API simulator for tests and benchmarks. See README.md in this folder."""

from .app import Simulator
from .config import (
    DEFAULT_EMAIL_TEMPLATE_ID,
    DEFAULT_SECRET,
    DEFAULT_SERVICE_ID,
    DEFAULT_SMS_TEMPLATE_ID,
    ApiKey,
    CallbackConfig,
    ConfigError,
    FaultConfig,
    LatencyConfig,
    SimulatorConfig,
    Template,
    api_key_from_string,
    full_key_string,
)
from .server import RunningSimulator, start_simulator
from .store import AcceptedNotification

__all__ = [
    "DEFAULT_EMAIL_TEMPLATE_ID",
    "DEFAULT_SECRET",
    "DEFAULT_SERVICE_ID",
    "DEFAULT_SMS_TEMPLATE_ID",
    "AcceptedNotification",
    "ApiKey",
    "CallbackConfig",
    "ConfigError",
    "FaultConfig",
    "LatencyConfig",
    "RunningSimulator",
    "Simulator",
    "SimulatorConfig",
    "Template",
    "api_key_from_string",
    "full_key_string",
    "start_simulator",
]
