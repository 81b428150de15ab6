"""Typed Zalo errors, classified by what the sender should do about them."""


class ZaloError(Exception):
    """A call to Zalo failed; `code` is Zalo's error code (or an HTTP/network marker)."""

    action = "fail"  # fail | retry | refresh | window | skip

    def __init__(self, code, message, http_status=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status


class TransientError(ZaloError):
    """Worth retrying later: network trouble, HTTP 5xx, rate limit, a passing send failure."""

    action = "retry"


class RateLimitError(TransientError):
    """Over the app's call quota (-32)."""


class TokenError(ZaloError):
    """The access token is invalid or expired: refresh once, then retry."""

    action = "refresh"


class WindowError(ZaloError):
    """The citizen has not interacted within 7 days: a template channel is needed."""

    action = "window"


class RecipientGoneError(ZaloError):
    """The citizen cannot receive messages from the OA any more."""

    action = "skip"


class PermanentError(ZaloError):
    """The request itself is wrong or not allowed; sending it again will not help."""


CODE_CLASSES = {
    -32: RateLimitError,
    -200: TransientError,
    -216: TokenError, -220: TokenError, -124: TokenError,
    -230: WindowError, -232: WindowError,
    -213: RecipientGoneError, -217: RecipientGoneError, -227: RecipientGoneError,
    -244: RecipientGoneError,
}


def error_for(code, message, http_status=None):
    """Build the typed error for a Zalo error code."""
    cls = CODE_CLASSES.get(code, PermanentError)
    return cls(code, message, http_status)
