"""Why a use case refused: each error knows its HTTP status, so views never translate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class ServiceError(Exception):
    """A refusal the caller can act on; `errors` maps a field to its messages."""

    status = 400
    # True when the refusal is itself the record (a failed sign-in is counted): the unit of
    # work commits what was written before it instead of rolling back.
    keeps_writes = False

    def __init__(
        self,
        message: str,
        errors: Mapping[str, Sequence[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.errors = {field: list(messages) for field, messages in (errors or {}).items()}
        self.headers = dict(headers or {})


class Unauthenticated(ServiceError):
    status = 401


class SignInRefused(Unauthenticated):
    """Wrong credentials: the failure is counted (throttling, audit) even though it refuses."""

    keeps_writes = True


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    """Absent, or outside the user's scope: the two are indistinguishable on purpose."""

    status = 404

    def __init__(self, what: str, ident: object):
        super().__init__(f"{what} {ident} does not exist")


class Conflict(ServiceError):
    status = 409


class PreconditionFailed(ServiceError):
    status = 412


class InvalidInput(ServiceError):
    """Well-formed input that breaks a rule of the domain; names the offending fields."""

    status = 422

    @classmethod
    def field(cls, field: str, message: str) -> InvalidInput:
        return cls(f"{field}: {message}", {field: [message]})


class PreconditionRequired(ServiceError):
    status = 428


class TooManyRequests(ServiceError):
    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})
        self.retry_after = max(1, retry_after)


class PayloadTooLarge(ServiceError):
    status = 413


class UnsupportedMediaType(ServiceError):
    status = 415
