"""A stand-in for the Docker SDK's client object, at the SDK boundary.

No Docker engine exists on the test machines, so `sae-pii container run` is driven against this
object instead of `docker.from_env()`. It records every call (the exact `containers.run` kwargs,
`stop(timeout=...)`, `kill()`, `remove()`) and raises the SDK's real exception classes. Nothing
else in the tests is faked: the entrypoint runs for real in test_entrypoint.py.
"""

from __future__ import annotations

import signal
import threading
import time

import docker.errors


class FakeContainer:
    def __init__(self, log_lines=(), exit_code=0, after_stop_lines=(), ctrl_c_on_wait=0, stop_exit_code=0):
        self.id = "c0ffee"
        self.name = "sae-pii-test"
        self.log_lines = list(log_lines)
        self.after_stop_lines = list(after_stop_lines)
        self.exit_code = exit_code
        self.stop_exit_code = stop_exit_code
        self.ctrl_c_on_wait = ctrl_c_on_wait  # how many wait() calls get a real SIGINT first
        self.calls: list[tuple] = []
        self.stopped = threading.Event()

    def logs(self, **kwargs):
        self.calls.append(("logs", kwargs))
        for line in self.log_lines:
            yield line.encode()
        if self.after_stop_lines:
            # Like `docker logs -f`: the stream stays open until the container exits.
            self.stopped.wait(timeout=10)
            for line in self.after_stop_lines:
                yield line.encode()

    def wait(self, **kwargs):
        self.calls.append(("wait", kwargs))
        if self.ctrl_c_on_wait > 0:
            self.ctrl_c_on_wait -= 1
            # A real Ctrl-C: the interpreter raises KeyboardInterrupt in the blocked main thread.
            # A process started in the background by a non-interactive shell (CI) inherits SIGINT
            # ignored, so Python's handler is put in place for the moment; and it runs at the main
            # thread's next check, so block here like a real wait() until it lands.
            previous = signal.signal(signal.SIGINT, signal.default_int_handler)
            try:
                signal.raise_signal(signal.SIGINT)
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline:
                    time.sleep(0.001)
            finally:
                signal.signal(signal.SIGINT, previous)
        code = self.stop_exit_code if self.stopped.is_set() else self.exit_code
        return {"StatusCode": code, "Error": None}

    def stop(self, **kwargs):
        self.calls.append(("stop", kwargs))
        self.stopped.set()

    def kill(self, **kwargs):
        self.calls.append(("kill", kwargs))
        self.stopped.set()

    def remove(self, **kwargs):
        self.calls.append(("remove", kwargs))


class FakeContainers:
    def __init__(self, container, run_error=None):
        self.container = container
        self.run_error = run_error
        self.run_kwargs: list[dict] = []
        self.list_calls: list[dict] = []

    def run(self, **kwargs):
        self.run_kwargs.append(kwargs)
        if self.run_error is not None:
            # Like the SDK: the container was created, then starting it failed.
            self.created_unstarted = {"labels": kwargs.get("labels", {}), "container": self.container}
            raise self.run_error
        return self.container

    def list(self, all=False, filters=None):
        self.list_calls.append({"all": all, "filters": filters})
        left = getattr(self, "created_unstarted", None)
        if left and filters and "label" in filters:
            key, _, value = filters["label"].partition("=")
            if left["labels"].get(key) == value:
                return [left["container"]]
        return []


class FakeImages:
    def __init__(self, present=True):
        self.present = present
        self.gets: list[str] = []

    def get(self, name):
        self.gets.append(name)
        if not self.present:
            raise docker.errors.ImageNotFound(f"No such image: {name}")
        return object()


class FakeAPI:
    def __init__(self, build_events=()):
        self.build_events = list(build_events)
        self.build_kwargs: list[dict] = []

    def build(self, **kwargs):
        self.build_kwargs.append(kwargs)
        yield from self.build_events


class FakeDockerClient:
    def __init__(self, container=None, run_error=None, image_present=True, build_events=()):
        self.containers = FakeContainers(container or FakeContainer(), run_error)
        self.images = FakeImages(image_present)
        self.api = FakeAPI(build_events)

    def ping(self):
        return True
