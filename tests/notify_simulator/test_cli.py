from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from notifications_python_client import NotificationsAPIClient

from bench.notify_simulator import ConfigError
from bench.notify_simulator.__main__ import build_parser, config_from_args

REPO_ROOT = Path(__file__).resolve().parents[2]
KEY = "dorset-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"


def test_flags_become_a_config() -> None:
    args = build_parser().parse_args(
        ["--api-key", KEY, "--rate-limit", "600", "--latency", "lognormal:20:120", "--error-rate", "0.05",
         "--daily-limit", "sms=100", "--template", "sms:0b8e2c1a-1111-4111-8111-111111111111", "--seed", "9"]
    )  # fmt: skip

    config = config_from_args(args)

    assert config.service_id == "26785a09-ab16-4eb0-8407-a37497a57506"
    assert config.api_keys[0].secret == "3d844edf-8d35-48ac-975b-e847b4f122b0"
    assert config.effective_bucket_size() == 201
    assert (config.faults.latency.kind, config.faults.latency.mean_ms) == ("lognormal", 20)
    assert config.faults.error_500_rate == 0.05
    assert config.daily_limits == {"sms": 100}
    assert list(config.templates) == ["0b8e2c1a-1111-4111-8111-111111111111"]


@pytest.mark.parametrize(
    "argv",
    [["--error-rate", "1.5"], ["--latency", "lognormal:10:500"], ["--callback-url", "http://127.0.0.1:1/x"]],
)
def test_bad_flags_are_refused(argv: list[str]) -> None:
    with pytest.raises(ConfigError):
        config_from_args(build_parser().parse_args(argv))


def test_the_module_runs_and_serves_on_loopback() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.notify_simulator", "--port", "0", "--api-key", KEY],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert first_line.startswith("Notify simulator on http://127.0.0.1:")
        base_url = first_line.split(" on ")[1].strip()
        client = NotificationsAPIClient(KEY, base_url=base_url, timeout=2)
        assert client.get_all_notifications() == {
            "notifications": [],
            "links": {"current": f"{base_url}/v2/notifications"},
        }
    finally:
        process.terminate()
        process.wait(timeout=5)
