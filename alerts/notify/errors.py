"""Our own GOV.UK Notify error types, so callers never depend on the client library's exceptions.

Each type says what the caller should do. `retryable` is True only where sending the same request again later
is the right response (after checking by reference when `outcome_unknown` is set).
"""


class NotifyError(Exception):
    """A request to GOV.UK Notify failed. `detail` is Notify's message text: log it, never branch on it."""

    retryable: bool = False

    def __init__(self, detail: str, *, status_code: int | None = None, error_type: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status_code = status_code
        self.error_type = error_type

    def __str__(self) -> str:
        status = self.status_code if self.status_code is not None else "no status"
        return f"{type(self).__name__} ({status} {self.error_type or 'unknown error'}): {self.detail}"


class RateLimited(NotifyError):
    """429 RateLimitError: over the per-minute limit for this key type. Back off and try again."""

    retryable = True


class DailyLimitReached(NotifyError):
    """429 TooManyRequestsError: the service's daily limit is used up until midnight UTC.

    `channel` is "sms", "email", "letter" or "international_sms" when Notify's message names it, else None.
    """

    def __init__(
        self,
        detail: str,
        *,
        status_code: int | None = None,
        error_type: str | None = None,
        channel: str | None = None,
    ) -> None:
        super().__init__(detail, status_code=status_code, error_type=error_type)
        self.channel = channel


class InvalidRequest(NotifyError):
    """400 (or another 4xx we do not name): bad recipient, missing personalisation, trial mode. Never retry."""


class AuthFailure(NotifyError):
    """401/403, or a malformed API key: the key is wrong or revoked, or the clock is off. An operator must act."""


class NotFound(NotifyError):
    """404: no such notification (or it is older than Notify's retention period)."""


class Unavailable(NotifyError):
    """5xx, timeout, connection error or an unreadable success response. Retry with backoff.

    `outcome_unknown` is True when a send may have reached Notify anyway: look the message up by reference
    before sending it again, or a resident could get the same alert twice.
    """

    retryable = True

    def __init__(
        self,
        detail: str,
        *,
        status_code: int | None = None,
        error_type: str | None = None,
        outcome_unknown: bool,
    ) -> None:
        super().__init__(detail, status_code=status_code, error_type=error_type)
        self.outcome_unknown = outcome_unknown
