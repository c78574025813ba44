from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from notifications_python_client import NotificationsAPIClient

from bench.notify_simulator import RunningSimulator, SimulatorConfig, start_simulator

StartSimulator = Callable[..., RunningSimulator]


@pytest.fixture
def start() -> Iterator[StartSimulator]:
    """Start simulators with SimulatorConfig overrides; all are stopped after the test."""
    running: list[RunningSimulator] = []

    def _start(**overrides: Any) -> RunningSimulator:
        simulator = start_simulator(SimulatorConfig(**overrides))
        running.append(simulator)
        return simulator

    yield _start
    for simulator in running:
        simulator.stop()


@pytest.fixture
def simulator(start: StartSimulator) -> RunningSimulator:
    return start()


MakeClient = Callable[..., NotificationsAPIClient]


@pytest.fixture
def make_client() -> MakeClient:
    """The official client pointed at a simulator; the default timeout keeps a hung test bounded."""

    def _make(simulator: RunningSimulator, timeout: float = 2.0, api_key: str | None = None) -> NotificationsAPIClient:
        return NotificationsAPIClient(api_key or simulator.api_key, base_url=simulator.base_url, timeout=timeout)

    return _make


@pytest.fixture
def client(simulator: RunningSimulator, make_client: MakeClient) -> NotificationsAPIClient:
    return make_client(simulator)


@dataclass
class ReceivedCallback:
    headers: dict[str, str]
    payload: dict[str, Any]


@dataclass
class CallbackReceiver:
    url: str
    received: list[ReceivedCallback] = field(default_factory=list)
    status_code: int = 200
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout_s: float = 2.0) -> list[ReceivedCallback]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout=timeout_s)
            return list(self.received)


@pytest.fixture
def callback_receiver() -> Iterator[CallbackReceiver]:
    """A tiny HTTP endpoint on loopback that records every delivery receipt POSTed to it."""
    receiver = CallbackReceiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with receiver.arrived:
                receiver.received.append(ReceivedCallback(dict(self.headers.items()), json.loads(body)))
                receiver.arrived.notify_all()
            self.send_response(receiver.status_code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/notify-receipts"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()
