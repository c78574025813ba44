"""A lean threaded HTTP/1.1 server on loopback, and the in-process API for tests and benchmarks."""

from __future__ import annotations

import json
import logging
import socket
import socketserver
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from .app import Reply, Request, Simulator
from .config import SimulatorConfig, full_key_string
from .inbound import ReceivedText
from .store import AcceptedNotification

logger = logging.getLogger(__name__)

# Serving anywhere but loopback would expose an unauthenticated control API; the address is not configurable.
LOOPBACK = "127.0.0.1"
_INTERNAL_ERROR = json.dumps(
    {"status_code": 500, "errors": [{"error": "Exception", "message": "Internal server error"}]}
).encode()


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive matters: the Notify client reuses one requests.Session per instance.
    protocol_version = "HTTP/1.1"
    server_version = "notify-simulator"
    disable_nagle_algorithm = True
    server: _SimulatorHTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        path, _, query = self.path.partition("?")
        try:
            reply = self.server.simulator.handle(Request(self.command, path, query, self.headers, body))
            payload = b"" if reply.payload is None else json.dumps(reply.payload).encode()
        except Exception:
            logger.exception("simulator failed on %s %s", self.command, path)
            reply, payload = Reply(500), _INTERNAL_ERROR
        if reply.drop:
            self._drop_connection()
            return
        try:
            reason = HTTPStatus(reply.status).phrase
        except ValueError:
            reason = "Unknown"
        connection = "Connection: close\r\n" if self.close_connection else ""
        head = (
            f"HTTP/1.1 {reply.status} {reason}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n{connection}\r\n"
        )
        try:
            # One write per response: header and body in separate packets would cost a delayed-ACK round trip.
            self.wfile.write(head.encode("latin-1") + payload)
        except OSError:
            # The client gave up (e.g. it timed out during an injected delay); nothing left to tell it.
            self.close_connection = True

    def _drop_connection(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _SimulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512

    def __init__(self, port: int, simulator: Simulator) -> None:
        self.simulator = simulator
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((LOOPBACK, port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse-DNS lookup (getfqdn) that can stall for seconds; skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_all_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class RunningSimulator:
    """A simulator serving on 127.0.0.1 in a background thread. Use as a context manager or call `stop()`."""

    def __init__(self, simulator: Simulator, server: _SimulatorHTTPServer) -> None:
        self.simulator = simulator
        self._server = server
        self.port = server.server_port
        self.base_url = f"http://{LOOPBACK}:{self.port}"
        simulator.base_url = self.base_url
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="notify-simulator", daemon=True
        )
        self._thread.start()

    @property
    def config(self) -> SimulatorConfig:
        return self.simulator.config

    @property
    def service_id(self) -> str:
        return self.simulator.config.service_id

    @property
    def api_key(self) -> str:
        """The first configured key as a full Notify key string, ready for NotificationsAPIClient."""
        return full_key_string(self.service_id, self.simulator.config.api_keys[0])

    def accepted(self) -> list[AcceptedNotification]:
        return self.simulator.accepted()

    def stats(self, include_references: bool = True) -> dict[str, Any]:
        return self.simulator.stats(include_references)

    def receive_text(self, phone_number: str, message: str, *, deliver_callback: bool = True) -> ReceivedText:
        """A resident replies to the service's inbound number."""
        return self.simulator.receive_text(phone_number, message, deliver_callback=deliver_callback)

    def reset(self) -> None:
        self.simulator.reset()

    def update_config(self, **changes: Any) -> dict[str, Any]:
        return self.simulator.update_config(changes)

    def wait_for_callbacks(self, timeout_s: float = 5.0) -> bool:
        receipts = self.simulator.receipts
        return True if receipts is None else receipts.wait_idle(timeout_s)

    def stop(self) -> None:
        self.simulator.stop()
        self._server.shutdown()
        self._server.close_all_connections()
        self._server.server_close()
        self._thread.join(timeout=2)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start_simulator(config: SimulatorConfig | None = None) -> RunningSimulator:
    """Start serving on 127.0.0.1 (port 0 picks a free one) and return once it accepts connections."""
    config = config if config is not None else SimulatorConfig()
    simulator = Simulator(config)
    server = _SimulatorHTTPServer(config.port, simulator)
    return RunningSimulator(simulator, server)
