"""A local, faithful stand-in for the Lambda Cloud API v1, over real HTTP on 127.0.0.1.

Same paths, JSON shapes, status codes and error codes as the reference (docs/infra.md), so the
client, the launcher and the Pulumi providers run unchanged against it without an account:

    lambda-launcher emulator --port 8787 --api-key mykey     # or, in tests:
    with run_emulator_in_thread(api_key="k", boot_seconds=0.05) as emu:
        LambdaClient(api_key="k", base_url=emu.url)

Instances go booting -> active (ip null until active) and terminating -> terminated on
configurable delays, computed from timestamps (no background threads). The `ip` handed out can be a
local sshd (`ssh_host`, plus an extra `ssh_port` field when it is not 22) so the deploy path runs end
to end. With `state_file` the world (instances, keys, filesystems, firewall rules) survives restarts.

Fault injection (Python: `emu.control`, HTTP: POST /api/v1/_emulator/<action> with the same key):
capacity shortages per region (hidden, or listed but failing), 429 bursts and rate limits, 5xx,
a launch accepted whose answer is lost (connection dropped, or answered after the client gave up),
an instance that turns `unhealthy` or never leaves `booting`, quota, an inactive account.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from . import errors as E
from .emulator_state import ApiError, EmulatorConfig, EmulatorState, RateLimitHit, invalid_parameters

__all__ = ["Emulator", "EmulatorConfig", "EmulatorControl", "EmulatorState", "run_emulator_in_thread"]

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class _DropConnection(Exception):
    """Close the socket without answering (a lost response)."""


class EmulatorControl:
    """Fault injection and settings, for tests (Python) and demos (HTTP: POST /api/v1/_emulator/<action>)."""

    ACTIONS = ("configure", "fail_next", "rate_limit_next", "lose_next_launch_response", "next_instance",
               "set_capacity", "summary")

    def __init__(self, state: EmulatorState) -> None:
        self._state = state

    def configure(self, **settings: Any) -> dict:
        """Change any EmulatorConfig field (delays, ssh_host/ssh_port, quota, capacity, regions...)."""
        with self._state.lock:
            self._state.config.update(**settings)
            return asdict(self._state.config)

    def fail_next(self, count: int = 1, status: int = 503, code: str = E.INTERNAL_UNAVAILABLE,
                  path: str | None = None, method: str | None = None, message: str | None = None,
                  after: int = 0) -> None:
        """The next `count` matching requests (after letting `after` through) answer `status` with
        `code`; nothing else happens for them."""
        with self._state.lock:
            self._state.pending_failures += [{"status": status, "code": code, "path": path, "method": method,
                                              "message": message, "skip": after if n == 0 else 0}
                                             for n in range(count)]

    def rate_limit_next(self, count: int = 1, path: str | None = None) -> None:
        """A 429 burst: the next `count` matching requests answer 429."""
        with self._state.lock:
            self._state.pending_429 += [path] * count

    def lose_next_launch_response(self, mode: str = "drop", seconds: float | None = None) -> None:
        """The next accepted launch creates its instance, then drops the connection ("drop"), answers
        only after `seconds` ("sleep"; pick more than the client's timeout) or answers 502 ("error")."""
        if mode not in ("drop", "sleep", "error"):
            raise ValueError("mode must be 'drop', 'sleep' or 'error'")
        with self._state.lock:
            self._state.lose_next_launch = mode
            if seconds is not None:
                self._state.config.lost_launch_sleep_s = seconds

    def next_instance(self, behaviour: str) -> None:
        """The next launched instance goes 'unhealthy' when it would be active, or is 'stuck_booting'."""
        if behaviour not in ("unhealthy", "stuck_booting", "normal"):
            raise ValueError("behaviour must be 'unhealthy', 'stuck_booting' or 'normal'")
        with self._state.lock:
            self._state.next_behaviours.append(behaviour)

    def set_capacity(self, instance_type: str, regions: dict[str, int]) -> None:
        with self._state.lock:
            self._state.config.capacity[instance_type] = dict(regions)

    def summary(self) -> dict:
        """Counts and the request log (method, path, status: never headers)."""
        with self._state.lock:
            self._state.advance()
            return {"instances": {i: v["status"] for i, v in self._state.instances.items()},
                    "requests": list(self._state.request_log)}

    # conveniences for tests
    def instances(self) -> list[dict]:
        with self._state.lock:
            self._state.advance()
            return self._state.list_instances()

    def requests(self, method: str | None = None, path: str | None = None) -> list[dict]:
        with self._state.lock:
            return [r for r in self._state.request_log
                    if (method is None or r["method"] == method) and (path is None or r["path"] == path)]


_ROUTES: list[tuple[str, re.Pattern, str]] = [
    ("GET", re.compile(r"^/instance-types$"), "instance_types"),
    ("POST", re.compile(r"^/instance-operations/launch$"), "launch"),
    ("POST", re.compile(r"^/instance-operations/terminate$"), "terminate"),
    ("POST", re.compile(r"^/instance-operations/restart$"), "restart"),
    ("GET", re.compile(r"^/instances$"), "list_instances"),
    ("GET", re.compile(r"^/instances/(?P<id>[^/]+)$"), "get_instance"),
    ("POST", re.compile(r"^/instances/(?P<id>[^/]+)$"), "rename"),
    ("GET", re.compile(r"^/ssh-keys$"), "list_ssh_keys"),
    ("POST", re.compile(r"^/ssh-keys$"), "add_ssh_key"),
    ("DELETE", re.compile(r"^/ssh-keys/(?P<id>[^/]+)$"), "delete_ssh_key"),
    ("GET", re.compile(r"^/file-systems$"), "list_filesystems"),
    ("POST", re.compile(r"^/filesystems$"), "create_filesystem"),
    ("DELETE", re.compile(r"^/filesystems/(?P<id>[^/]+)$"), "delete_filesystem"),
    ("GET", re.compile(r"^/images$"), "images"),
    ("GET", re.compile(r"^/firewall-rules$"), "get_firewall_rules"),
    ("PUT", re.compile(r"^/firewall-rules$"), "set_firewall_rules"),
]
_WITH_BODY = {"launch", "terminate", "restart", "rename", "add_ssh_key", "create_filesystem", "set_firewall_rules"}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: a dropped answer stays dropped
    server_version = "LambdaEmulator/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _send(self, status: int, payload: Any, content_type: str = "application/json") -> None:
        self._entry["status"] = status  # before the client can see the answer
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        given = ""
        if scheme.lower() == "bearer":
            given = value.strip()
        elif scheme.lower() == "basic":
            try:
                given = base64.b64decode(value.strip()).decode().split(":", 1)[0]
            except (ValueError, UnicodeDecodeError):
                given = ""
        return bool(given) and hmac.compare_digest(given.encode(), self.server.api_key.encode())

    def _handle(self, method: str) -> None:
        emu_state = self.server.state
        path = self.path.split("?", 1)[0]
        status = 500
        # Logged on arrival (status filled in at the end) so a held answer is already visible.
        entry = {"method": method, "path": path.removeprefix(API_PREFIX),
                 "status": None}
        self._entry = entry
        with emu_state.lock:
            emu_state.request_log.append(entry)
            del emu_state.request_log[:-2000]
        try:
            if not path.startswith(API_PREFIX + "/"):
                raise ApiError(404, E.OBJECT_DOES_NOT_EXIST, f"Unknown path {path!r}: the API lives under {API_PREFIX}")
            path = path[len(API_PREFIX):]
            if not self._authorized():
                raise ApiError(401, E.INVALID_API_KEY, "API key was invalid, expired, or deleted.",
                               "Check your API key or create a new one, then try again.")
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                raise invalid_parameters("request body is not valid JSON") from None
            if path.startswith("/_emulator/"):
                status, data = 200, self._control(path[len("/_emulator/"):], body)
                self._send(status, {"data": data})
                return
            with emu_state.lock:
                emu_state.check_rate_limit(method, path)
                emu_state.check_injected_failure(method, path)
                emu_state.advance()
                data, lost = self._route(method, path, body)
            if lost == "drop":
                status = entry["status"] = 0
                raise _DropConnection()
            if lost == "sleep":
                time.sleep(emu_state.config.lost_launch_sleep_s)
            if lost == "error":
                raise ApiError(502, E.INTERNAL_UNAVAILABLE, "Bad gateway", "try again shortly")
            status = 200
            self._send(200, {"data": data})
        except _DropConnection:
            self.close_connection = True
        except RateLimitHit:
            status = 429
            self._send(429, b"429 Too Many Requests", "text/plain")
        except ApiError as exc:
            status = exc.status
            self._send(exc.status, exc.body())
        except (BrokenPipeError, ConnectionResetError):
            status = 0
        except Exception as exc:  # a bug in the emulator: answer like Lambda's generic 500
            log.exception("emulator error")
            status = 500
            self._send(500, ApiError(500, E.UNKNOWN, f"emulator error: {type(exc).__name__}").body())
        finally:
            if entry["status"] is None:
                entry["status"] = status

    def _route(self, method: str, path: str, body: Any) -> tuple[Any, str | None]:
        st = self.server.state
        allowed = False
        for m, rx, name in _ROUTES:
            match = rx.match(path)
            if not match:
                continue
            allowed = True
            if m != method:
                continue
            if name in _WITH_BODY and not isinstance(body, dict):
                raise invalid_parameters("request body must be a JSON object")
            args = [match.group("id")] if "id" in rx.groupindex else []
            if name in _WITH_BODY:
                args.append(body)
            result = getattr(st, name)(*args)
            if name == "launch":
                return result
            return result, None
        if allowed:
            raise ApiError(405, E.INVALID_PARAMETERS, f"{method} is not allowed on {path}")
        raise ApiError(404, E.OBJECT_DOES_NOT_EXIST, f"Unknown endpoint {path!r}")

    def _control(self, action: str, body: dict) -> Any:
        if action not in EmulatorControl.ACTIONS:
            raise invalid_parameters(f"unknown emulator action {action!r}; actions: {', '.join(EmulatorControl.ACTIONS)}")
        try:
            return getattr(self.server.control, action)(**body)
        except (TypeError, ValueError) as exc:
            raise invalid_parameters(str(exc)) from None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler sleeping on a "lost" launch must not hold up shutdown
    api_key: str
    state: EmulatorState
    control: EmulatorControl


class Emulator:
    """The server. `url` ends in /api/v1 (give it to LambdaClient(base_url=...) or LAMBDA_API_URL)."""

    def __init__(self, api_key: str, host: str = "127.0.0.1", port: int = 0, state_file: str | Path | None = None,
                 config: EmulatorConfig | None = None, **settings: Any) -> None:
        if not api_key:
            raise ValueError("the emulator needs an API key to accept (any string you like)")
        if host not in LOOPBACK:
            raise ValueError(f"the emulator only listens on loopback (127.0.0.1), not {host!r}")
        cfg = config or EmulatorConfig()
        cfg.update(**settings)
        self.state = EmulatorState(cfg, state_file)
        self.control = EmulatorControl(self.state)
        self._server = _Server((host, port), _Handler)
        self._server.api_key = api_key
        self._server.state = self.state
        self._server.control = self.control
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    def __repr__(self) -> str:
        return f"Emulator(url={self.url!r}, api_key=***)"

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.1)

    def start(self) -> Emulator:
        self._thread = threading.Thread(target=self.serve_forever, name="lambda-emulator", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Release the port (after serve_forever returned)."""
        self._server.server_close()

    def stop(self) -> None:
        """Stop a server started with start()."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)


@contextlib.contextmanager
def run_emulator_in_thread(api_key: str = "test-key", state_file: str | Path | None = None, port: int = 0,
                           **settings: Any) -> Iterator[Emulator]:
    """Start an emulator on a free loopback port for the duration of a `with` block."""
    emu = Emulator(api_key, port=port, state_file=state_file, **settings).start()
    try:
        yield emu
    finally:
        emu.stop()
