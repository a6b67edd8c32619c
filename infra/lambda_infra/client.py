"""The only code that talks HTTP to Lambda Cloud (API v1).

- Auth: `Authorization: Bearer <key>` from `api_key=` or `LAMBDA_API_KEY`; base URL from `base_url=`,
  `LAMBDA_API_URL` or https://cloud.lambda.ai/api/v1. Every call has a timeout.
- The key lives only inside a `requests` auth hook: it is not in reprs, exception texts or logs
  (any text that comes back is scrubbed of it too), and nothing here writes it to a file.
- Idempotent calls retry on 429, 5xx and connection errors with exponential backoff and jitter
  (SkyPilot's schedule: 10 s x1.6, +/-40 %, cap 100 s, 6 tries). Other calls retry only when the
  request provably did not run (429, or the connection never opened).
- `launch` is never retried blindly (SkyPilot issue 2261: a crash after an accepted launch left a
  paid instance): after a timeout, a lost answer or a 5xx it lists instances by the unique name it
  launched with and returns the instance it finds, so one call never yields two paid instances.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests
import urllib3

from . import errors
from .errors import (
    InstanceFailed,
    InsufficientCapacity,
    LambdaAPIError,
    LambdaError,
    MissingAPIKey,
    NotFound,
    WaitTimeout,
    error_for,
)
from .models import GONE_STATUSES, Filesystem, FirewallRule, Image, Instance, InstanceType, SshKey

__all__ = [
    "DEFAULT_BASE_URL",
    "GONE_STATUSES",
    "Filesystem",
    "FirewallRule",
    "Image",
    "Instance",
    "InstanceFailed",
    "InstanceType",
    "InsufficientCapacity",
    "LambdaAPIError",
    "LambdaClient",
    "LambdaError",
    "NotFound",
    "RetryPolicy",
    "SshKey",
    "WaitTimeout",
]

DEFAULT_BASE_URL = "https://cloud.lambda.ai/api/v1"
LOCAL_REFUSED_TRIES = 3  # tries when nothing listens on a loopback URL (0.25 s, 0.5 s apart)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff schedule for retried calls. Tests shrink `base_delay`; the CLI reads LAMBDA_RETRY_BASE_DELAY."""

    base_delay: float = 10.0
    multiplier: float = 1.6
    jitter: float = 0.4  # +/- fraction of the delay
    max_delay: float = 100.0
    max_attempts: int = 6  # tries in all, the first included

    def delay(self, retry_index: int) -> float:
        d = min(self.max_delay, self.base_delay * self.multiplier ** retry_index)
        return max(0.0, d * random.uniform(1 - self.jitter, 1 + self.jitter))

    @classmethod
    def from_env(cls) -> RetryPolicy:
        raw = os.environ.get("LAMBDA_RETRY_BASE_DELAY")
        if not raw:
            return cls()
        try:
            base = float(raw)
        except ValueError:
            raise ValueError(f"LAMBDA_RETRY_BASE_DELAY must be a number of seconds, got {raw!r}") from None
        return cls(base_delay=base, max_delay=max(base, min(100.0, base * 10)))


class _BearerAuth(requests.auth.AuthBase):
    """Adds the key at send time so it never sits in Session.headers; repr hides it."""

    __slots__ = ("_key",)

    def __init__(self, key: str) -> None:
        self._key = key

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self._key}"
        return r

    def scrub(self, text: str) -> str:
        # Real keys are long; scrubbing a toy key like "x" would mangle every message instead.
        return text.replace(self._key, "***") if len(self._key) >= 8 else text

    def __repr__(self) -> str:
        return "<BearerAuth ***>"


def _q(path_part: str) -> str:
    """An id as one URL path segment (ids come from users too: `show a/b` must not change the path)."""
    return quote(str(path_part), safe="")


def _never_sent(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the server (safe to resend anything)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


class LambdaClient:
    """Typed client for the Lambda Cloud API v1. See module docstring for the retry rules."""

    def __init__(self, api_key: str | None = None, base_url: str | None = None, timeout: float = 30.0,
                 retry: RetryPolicy | None = None, sleep: Callable[[float], None] = time.sleep,
                 reconcile_polls: int = 3, user_agent: str = "sae-pii-lambda-infra/0.1",
                 on_retry: Callable[[str, str, float], None] | None = None) -> None:
        key = api_key if api_key is not None else os.environ.get("LAMBDA_API_KEY")
        if not key:
            raise MissingAPIKey()
        self.base_url = (base_url or os.environ.get("LAMBDA_API_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = (min(10.0, timeout), timeout)  # (connect, read) for every call
        self.retry = retry or RetryPolicy.from_env()
        self.reconcile_polls = reconcile_polls
        self.on_retry = on_retry  # (what, why, delay): lets a CLI say why it is waiting
        self._sleep = sleep
        self._local = urlsplit(self.base_url).hostname in ("127.0.0.1", "localhost", "::1")
        self._auth = _BearerAuth(key)
        self._session = requests.Session()
        self._session.auth = self._auth
        self._session.trust_env = False  # no ~/.netrc auth override, no proxy env surprises
        self._session.headers.update({"Accept": "application/json", "User-Agent": user_agent})

    def __repr__(self) -> str:
        return f"LambdaClient(base_url={self.base_url!r}, api_key=***)"

    def close(self) -> None:
        self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ transport
    def _backoff(self, retry_index: int, what: str, last: LambdaAPIError | None, refused_locally: bool) -> None:
        # Nothing listening on loopback (the emulator is not running) will not fix itself in minutes:
        # a short pause covers an emulator still starting, then the error surfaces.
        delay = 0.25 * 2 ** retry_index if refused_locally else self.retry.delay(retry_index)
        why = last.code if last else "?"
        log.info("retrying %s in %.2f s after %s", what, delay, why)
        if self.on_retry:
            self.on_retry(what, why, delay)
        self._sleep(delay)

    def _refused_locally(self, exc: requests.RequestException) -> bool:
        return self._local and _never_sent(exc)

    def _send_once(self, method: str, path: str, body: Any = None) -> requests.Response:
        return self._session.request(method, self.base_url + path, json=body, timeout=self.timeout,
                                     allow_redirects=False)

    def _error_from_response(self, resp: requests.Response) -> LambdaAPIError:
        scrub = self._auth.scrub
        try:
            err = resp.json().get("error") or {}
        except (ValueError, AttributeError):
            err = {}
        if resp.status_code == 429:
            return error_for(errors.RATE_LIMITED, "rate limited by the Lambda Cloud API (HTTP 429)",
                             "wait and retry; the API allows about 1 request/s and 1 launch per 12 s", 429)
        if 300 <= resp.status_code < 400:
            return error_for(errors.BAD_RESPONSE, f"unexpected redirect to {resp.headers.get('Location')!r}",
                             "set LAMBDA_API_URL to the new API host (https://cloud.lambda.ai/api/v1)",
                             resp.status_code)
        if not err:
            code = errors.SERVER_ERROR if resp.status_code >= 500 else errors.BAD_RESPONSE
            return error_for(code, f"HTTP {resp.status_code} without an error body: {scrub(resp.text[:200])!r}",
                             "try again shortly" if resp.status_code >= 500 else None, resp.status_code)
        return error_for(str(err.get("code", errors.BAD_RESPONSE)), scrub(str(err.get("message", ""))),
                         scrub(str(err["suggestion"])) if err.get("suggestion") else None, resp.status_code,
                         err.get("field_errors"))

    def _connection_error(self, method: str, path: str, exc: Exception) -> LambdaAPIError:
        return errors.ConnectionFailed(
            errors.CONNECTION_FAILED,
            self._auth.scrub(f"{method} {path}: no answer from {self.base_url}: {type(exc).__name__}: {exc}"),
            "check the network and LAMBDA_API_URL (for the local emulator: is `lambda-launcher emulator` running?)",
        )

    def _request(self, method: str, path: str, body: Any = None, idempotent: bool = True) -> Any:
        """One API call with the retry rules; returns the reply's `data`."""
        last: LambdaAPIError | None = None
        refused_locally = False
        for attempt in range(self.retry.max_attempts):
            if attempt:
                self._backoff(attempt - 1, f"{method} {path}", last, refused_locally)
            try:
                resp = self._send_once(method, path, body)
            except requests.RequestException as exc:
                last = self._connection_error(method, path, exc)
                refused_locally = self._refused_locally(exc)
                if refused_locally and attempt >= LOCAL_REFUSED_TRIES - 1:
                    raise last from None
                if idempotent or _never_sent(exc):
                    continue
                raise last from None
            refused_locally = False
            log.debug("%s %s -> %s", method, path, resp.status_code)
            if resp.status_code < 300:
                try:
                    return resp.json()["data"]
                except (ValueError, KeyError, TypeError):
                    raise error_for(errors.BAD_RESPONSE, f"{method} {path}: reply is not {{\"data\": ...}} JSON",
                                    None, resp.status_code) from None
            last = self._error_from_response(resp)
            if resp.status_code == 429 or (resp.status_code >= 500 and idempotent):
                continue
            raise last
        assert last is not None
        raise last

    # ------------------------------------------------------------------ catalogue
    def instance_types(self) -> dict[str, InstanceType]:
        data = self._request("GET", "/instance-types")
        return {name: InstanceType.from_api(name, entry) for name, entry in data.items()}

    def list_images(self) -> list[Image]:
        return [Image.from_api(d) for d in self._request("GET", "/images")]

    # ------------------------------------------------------------------ instances
    def list_instances(self) -> list[Instance]:
        return [Instance.from_api(d) for d in self._request("GET", "/instances")]

    def get_instance(self, instance_id: str) -> Instance:
        return Instance.from_api(self._request("GET", f"/instances/{_q(instance_id)}"))

    def rename_instance(self, instance_id: str, name: str) -> Instance:
        # Setting the same name twice is harmless, so this retries like a read.
        return Instance.from_api(self._request("POST", f"/instances/{_q(instance_id)}", {"name": name}))

    def restart(self, instance_ids: Sequence[str]) -> list[Instance]:
        data = self._request("POST", "/instance-operations/restart", {"instance_ids": list(instance_ids)},
                             idempotent=False)
        return [Instance.from_api(d) for d in data["restarted_instances"]]

    def terminate(self, instance_ids: Sequence[str]) -> list[Instance]:
        """Terminate; idempotent: ids already terminating, terminated or gone are fine.

        The API has answered `global/unknown` for an instance that was already terminating, so on
        any error for the batch each id is looked at on its own.
        """
        ids = list(dict.fromkeys(instance_ids))
        if not ids:
            return []
        try:
            data = self._request("POST", "/instance-operations/terminate", {"instance_ids": ids})
            return [Instance.from_api(d) for d in data["terminated_instances"]]
        except LambdaAPIError as exc:
            if exc.code not in (errors.UNKNOWN, errors.OBJECT_DOES_NOT_EXIST, errors.INVALID_PARAMETERS):
                raise
        out: list[Instance] = []
        for iid in ids:
            try:
                inst = self.get_instance(iid)
            except NotFound:
                continue  # long gone: nothing bills
            if inst.is_gone:
                out.append(inst)
                continue
            data = self._request("POST", "/instance-operations/terminate", {"instance_ids": [iid]})
            out.extend(Instance.from_api(d) for d in data["terminated_instances"])
        return out

    def launch(self, instance_type: str, region: str, ssh_key_name: str, name: str,
               file_system_names: Iterable[str] = (), image: dict | None = None, user_data: str | None = None,
               tags: dict[str, str] | None = None, hostname: str | None = None,
               firewall_rulesets: list[dict] | None = None) -> str:
        """Launch one instance and return its id. `name` must be unique among live instances.

        429 and refused connections are retried (the request did not run). After a timeout, a lost
        answer or a 5xx the instance list is searched for `name` first: found means the launch
        happened and its id is returned; the launch is only sent again once the list was read and
        shows no such instance. If the list cannot be read, LaunchUnconfirmed is raised instead.
        """
        if not name or len(name) > 64:
            raise ValueError(f"instance name must be 1..64 characters, got {len(name or '')}")
        before = {i.id for i in self.list_instances() if i.name == name and not i.is_gone}
        if before:
            raise LambdaAPIError(errors.NAME_IN_USE, f"a live instance is already named {name!r} ({', '.join(before)})",
                                 "use a unique name (naming.unique_instance_name) so a lost launch can be found")
        body: dict[str, Any] = {"region_name": region, "instance_type_name": instance_type,
                                "ssh_key_names": [ssh_key_name], "name": name,
                                "file_system_names": list(file_system_names)}
        if image is not None:
            body["image"] = image
        if user_data is not None:
            body["user_data"] = user_data
        if tags:
            body["tags"] = [{"key": k, "value": v} for k, v in tags.items()]
        if hostname:
            body["hostname"] = hostname
        if firewall_rulesets is not None:
            body["firewall_rulesets"] = firewall_rulesets

        last: LambdaAPIError | None = None
        uncertain = False  # did any earlier attempt possibly create an instance?
        refused_locally = False
        for attempt in range(self.retry.max_attempts):
            if attempt:
                self._backoff(attempt - 1, "POST /instance-operations/launch", last, refused_locally)
            try:
                resp = self._send_once("POST", "/instance-operations/launch", body)
            except requests.RequestException as exc:
                last = self._connection_error("POST", "/instance-operations/launch", exc)
                refused_locally = self._refused_locally(exc)
                if refused_locally and attempt >= LOCAL_REFUSED_TRIES - 1:
                    raise last from None
                if _never_sent(exc):
                    continue
                uncertain = True
            else:
                refused_locally = False
                log.debug("POST /instance-operations/launch -> %s", resp.status_code)
                if resp.status_code < 300:
                    try:
                        iid = resp.json()["data"]["instance_ids"][0]
                    except (ValueError, KeyError, IndexError, TypeError):
                        last = error_for(errors.BAD_RESPONSE, "launch reply without instance_ids", None,
                                         resp.status_code)
                        uncertain = True
                    else:
                        if uncertain:
                            self._drop_duplicates(name, before, keep=iid)
                        return iid
                else:
                    last = self._error_from_response(resp)
                    if resp.status_code == 429:
                        continue
                    if resp.status_code < 500:
                        raise last
                    uncertain = True
            found = self._find_launched(name, before)
            if found:
                log.warning("launch answer was lost (%s) but instance %s named %r exists: using it",
                            last.code if last else "?", found, name)
                return found
        assert last is not None
        raise last

    def _find_launched(self, name: str, before: set[str]) -> str | None:
        """Look for the instance a possibly-lost launch created; LaunchUnconfirmed if we cannot tell."""
        for poll in range(max(1, self.reconcile_polls)):
            if poll:
                self._sleep(self.retry.delay(0))
            try:
                live = [i for i in self.list_instances() if i.name == name and i.id not in before and not i.is_gone]
            except LambdaAPIError as exc:
                raise errors.LaunchUnconfirmed(
                    errors.LAUNCH_UNCONFIRMED,
                    f"a launch named {name!r} may have started, and the instance list cannot be read "
                    f"({exc.code})", f"run `lambda-launcher list` and terminate {name!r} if it is there") from None
            if live:
                return live[0].id
        return None

    def _drop_duplicates(self, name: str, before: set[str], keep: str) -> None:
        """Belt and braces after a retried launch: at most one live instance carries `name`.
        Best effort: the launch succeeded, so a failure here must not lose its id."""
        try:
            extra = [i.id for i in self.list_instances() if i.name == name and i.id not in before
                     and i.id != keep and not i.is_gone]
        except LambdaAPIError as exc:
            log.warning("could not check for duplicates of %r after a retried launch (%s)", name, exc.code)
            return
        if extra:
            log.warning("terminating duplicate instances %s named %r", extra, name)
            self.terminate(extra)

    def launch_with_fallback(self, instance_type: str | Sequence[str], regions: Sequence[str] | str,
                             ssh_key_name: str, name: str, on_attempt: Callable[[str, str], None] | None = None,
                             **launch_kwargs: Any) -> Instance:
        """Try each (type, region) that lists capacity, in order, until one launch is accepted.

        `instance_type` may be a list of interchangeable types (an alias like a100); `regions` is a
        list or "auto" (every region the catalogue says has capacity). Insufficient capacity moves on
        to the next candidate; any other error is raised at once.
        """
        types = [instance_type] if isinstance(instance_type, str) else list(instance_type)
        catalogue = self.instance_types()
        unknown = [t for t in types if t not in catalogue]
        if unknown:
            raise LambdaAPIError(errors.INVALID_PARAMETERS, f"unknown instance type(s) {unknown}",
                                 f"known types: {', '.join(sorted(catalogue))}")
        candidates: list[tuple[str, str]] = []
        for t in types:
            listed = catalogue[t].regions_with_capacity
            wanted = listed if regions == "auto" else [r for r in ([regions] if isinstance(regions, str) else regions)]
            candidates += [(t, r) for r in wanted]
        if not candidates:
            raise InsufficientCapacity(errors.INSUFFICIENT_CAPACITY,
                                       f"no region has capacity for {', '.join(types)} right now",
                                       "try again later, another instance type, or another region")
        last: LambdaAPIError | None = None
        for t, r in candidates:
            if on_attempt:
                on_attempt(t, r)
            try:
                iid = self.launch(t, r, ssh_key_name, name, **launch_kwargs)
            except InsufficientCapacity as exc:
                last = exc
                log.info("no capacity for %s in %s, trying the next region", t, r)
                continue
            try:
                return self.get_instance(iid)
            except LambdaAPIError as exc:  # launched: never lose the id (the caller must be able to clean up)
                log.warning("launched %s but could not read it back (%s)", iid, exc.code)
                return Instance(id=iid, name=name, status="booting", ip=None, region=r, instance_type=t)
        assert last is not None
        raise InsufficientCapacity(errors.INSUFFICIENT_CAPACITY,
                                   f"every candidate was out of capacity: {', '.join(f'{t}@{r}' for t, r in candidates)}",
                                   "try again later or another instance type", last.status)

    def wait_for_status(self, instance_id: str, statuses: Iterable[str] = ("active",), timeout: float = 600,
                        poll_interval: float = 5, on_progress: Callable[[Instance, float], None] | None = None,
                        fail_statuses: Iterable[str] | None = None) -> Instance:
        """Poll until the instance reaches one of `statuses`; WaitTimeout or InstanceFailed otherwise.

        `fail_statuses` end the wait early; by default, when waiting for a live status (active),
        unhealthy/terminating/terminated/preempted do, and when waiting for an end status nothing does.
        A missing instance counts as `terminated` (the API forgets terminated instances after a while).
        """
        wanted = set(statuses)
        if fail_statuses is None:
            fail_statuses = () if wanted & GONE_STATUSES else ("unhealthy", "terminating", "terminated", "preempted")
        failing = set(fail_statuses) - wanted
        start = time.monotonic()
        last_status: str | None = None
        while True:
            try:
                inst = self.get_instance(instance_id)
            except NotFound:
                if "terminated" in wanted:
                    return Instance(id=instance_id, name=None, status="terminated", ip=None, region="",
                                    instance_type="")
                raise InstanceFailed(instance_id, "terminated") from None
            last_status = inst.status
            elapsed = time.monotonic() - start
            if on_progress:
                on_progress(inst, elapsed)
            if inst.status in wanted:
                return inst
            if inst.status in failing:
                raise InstanceFailed(instance_id, inst.status)
            if elapsed >= timeout:
                raise WaitTimeout(instance_id, wanted, last_status, timeout)
            self._sleep(min(poll_interval, timeout - elapsed))

    # ------------------------------------------------------------------ SSH keys
    def list_ssh_keys(self) -> list[SshKey]:
        return [SshKey.from_api(d) for d in self._request("GET", "/ssh-keys")]

    def add_ssh_key(self, name: str, public_key: str | None = None) -> SshKey:
        """Register a public key, or (public_key=None) have Lambda generate a pair: the returned
        `private_key` is shown once and never stored by Lambda."""
        body = {"name": name}
        if public_key is not None:
            body["public_key"] = public_key.strip()
        return SshKey.from_api(self._request("POST", "/ssh-keys", body, idempotent=False))

    def delete_ssh_key(self, key_id: str) -> None:
        self._request("DELETE", f"/ssh-keys/{_q(key_id)}")

    # ------------------------------------------------------------------ filesystems
    def list_filesystems(self) -> list[Filesystem]:
        return [Filesystem.from_api(d) for d in self._request("GET", "/file-systems")]

    def create_filesystem(self, name: str, region: str) -> Filesystem:
        return Filesystem.from_api(self._request("POST", "/filesystems", {"name": name, "region": region},
                                                 idempotent=False))

    def delete_filesystem(self, filesystem_id: str) -> list[str]:
        return list(self._request("DELETE", f"/filesystems/{_q(filesystem_id)}").get("deleted_ids", []))

    # ------------------------------------------------------------------ firewall
    def get_firewall_rules(self) -> list[FirewallRule]:
        return [FirewallRule.from_api(d) for d in self._request("GET", "/firewall-rules")]

    def set_firewall_rules(self, rules: Iterable[FirewallRule | dict]) -> list[FirewallRule]:
        """Replace every account-wide rule (not applied in us-south-1, per Lambda)."""
        payload = [r.to_api() if isinstance(r, FirewallRule) else r for r in rules]
        return [FirewallRule.from_api(d) for d in self._request("PUT", "/firewall-rules", {"data": payload})]
