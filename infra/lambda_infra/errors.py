"""Exceptions raised by the client. Callers branch on `code` (the API's stable string), never on text.

Codes the API documents (reference: docs/infra.md#error-codes) are passed through unchanged; the
client adds a few of its own under `client/...` for failures that never got an API answer.
"""

from __future__ import annotations

# Codes the Lambda Cloud API returns (HTTP status in brackets).
INVALID_API_KEY = "global/invalid-api-key"  # 401
ACCOUNT_INACTIVE = "global/account-inactive"  # 403
INVALID_ADDRESS = "global/invalid-address"  # 403
INVALID_PARAMETERS = "global/invalid-parameters"  # 400
QUOTA_EXCEEDED = "global/quota-exceeded"  # 400
DUPLICATE = "global/duplicate"  # 400
OBJECT_DOES_NOT_EXIST = "global/object-does-not-exist"  # 400 or 404
UNKNOWN = "global/unknown"  # seen when terminating an instance that is already terminating
INSUFFICIENT_CAPACITY = "instance-operations/launch/insufficient-capacity"  # 400
FILE_SYSTEM_IN_WRONG_REGION = "instance-operations/launch/file-system-in-wrong-region"  # 400
FILESYSTEM_IN_USE = "filesystems/filesystem-in-use"  # 400
INTERNAL_UNAVAILABLE = "provider/internal-unavailable"  # 5xx

# Codes made up by the client for answers the API never gave (no body, no connection...).
RATE_LIMITED = "client/rate-limited"  # HTTP 429 has no documented body
SERVER_ERROR = "client/server-error"  # 5xx without a JSON error body
CONNECTION_FAILED = "client/connection-failed"
LAUNCH_UNCONFIRMED = "client/launch-unconfirmed"
NAME_IN_USE = "client/name-in-use"
BAD_RESPONSE = "client/bad-response"


class LambdaError(Exception):
    """Base class of everything this package raises about Lambda Cloud."""


class MissingAPIKey(LambdaError, ValueError):
    def __init__(self) -> None:
        super().__init__(
            "no Lambda Cloud API key: set LAMBDA_API_KEY (or pass api_key=...). Create one at "
            "https://cloud.lambda.ai/api-keys, or start the local emulator: "
            "`lambda-launcher emulator --port 8787 --api-key <any-string>`"
        )


class LambdaAPIError(LambdaError):
    """An error answer from the API (or no answer at all, with a `client/...` code)."""

    def __init__(self, code: str, message: str, suggestion: str | None = None, status: int | None = None,
                 field_errors: dict | None = None) -> None:
        self.code = code
        self.message = message
        self.suggestion = suggestion
        self.status = status
        self.field_errors = field_errors or {}
        text = f"{code}: {message}"
        if status is not None:
            text = f"[HTTP {status}] {text}"
        if suggestion:
            text += f" ({suggestion})"
        super().__init__(text)

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "suggestion": self.suggestion,
                "status": self.status, "field_errors": self.field_errors}


class AuthError(LambdaAPIError):
    """401/403: the key is wrong or the account cannot launch."""


class NotFound(LambdaAPIError):
    """global/object-does-not-exist."""


class InsufficientCapacity(LambdaAPIError):
    """No machine of that type in that region right now: try another region or type."""


class QuotaExceeded(LambdaAPIError):
    pass


class RateLimited(LambdaAPIError):
    """HTTP 429 that outlasted every retry."""


class ServerError(LambdaAPIError):
    """5xx (or provider/...) that outlasted every retry."""


class ConnectionFailed(LambdaAPIError):
    """No HTTP answer at all (refused, reset, timed out) after every allowed retry."""


class LaunchUnconfirmed(LambdaAPIError):
    """A launch may or may not have happened and the client could not find out. Never retried blindly."""


class WaitTimeout(LambdaError, TimeoutError):
    """An instance did not reach the wanted status in time. It still exists (and costs money)."""

    def __init__(self, instance_id: str, wanted: set[str], last_status: str | None, timeout: float) -> None:
        self.instance_id = instance_id
        self.wanted = wanted
        self.last_status = last_status
        self.timeout = timeout
        super().__init__(
            f"instance {instance_id} still {last_status!r} after {timeout:g} s (waiting for "
            f"{'/'.join(sorted(wanted))}); it is still billed: terminate it with "
            f"`lambda-launcher terminate {instance_id}` if it does not recover"
        )


class InstanceFailed(LambdaError):
    """While waiting, the instance reached a status it will not come back from by itself."""

    def __init__(self, instance_id: str, status: str) -> None:
        self.instance_id = instance_id
        self.status = status
        advice = ("terminate it (`lambda-launcher terminate " + instance_id + "`) and launch again"
                  if status == "unhealthy" else "launch a new one")
        super().__init__(f"instance {instance_id} became {status!r}: {advice}")


_BY_CODE = {
    INVALID_API_KEY: AuthError,
    ACCOUNT_INACTIVE: AuthError,
    INVALID_ADDRESS: AuthError,
    OBJECT_DOES_NOT_EXIST: NotFound,
    INSUFFICIENT_CAPACITY: InsufficientCapacity,
    QUOTA_EXCEEDED: QuotaExceeded,
    RATE_LIMITED: RateLimited,
    SERVER_ERROR: ServerError,
    CONNECTION_FAILED: ConnectionFailed,
    LAUNCH_UNCONFIRMED: LaunchUnconfirmed,
}


def error_for(code: str, message: str, suggestion: str | None = None, status: int | None = None,
              field_errors: dict | None = None) -> LambdaAPIError:
    """The most specific exception class for an API error code."""
    cls = _BY_CODE.get(code)
    if cls is None:
        if code.startswith("provider/") or (status is not None and status >= 500):
            cls = ServerError
        elif status in (401, 403):
            cls = AuthError
        else:
            cls = LambdaAPIError
    return cls(code, message, suggestion, status, field_errors)
