"""Typed Zalo errors, classified by what the sender should do about them (zalo-api.md §7)."""


class ZaloError(Exception):
    """A call to Zalo failed; `code` is Zalo's error code (or an HTTP/network marker)."""

    # fail | retry | refresh | window | later | billing | recipient | proof | standards
    action = "fail"

    def __init__(self, code, message, http_status=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status


class TransientError(ZaloError):
    """Worth retrying later: network trouble, HTTP 5xx, a passing send failure."""

    action = "retry"


class RateLimitError(TransientError):
    """Over the app's call quota (-32): every sender slows down, the message waits."""


class TokenError(ZaloError):
    """The access token is invalid or expired: refresh once, then retry."""

    action = "refresh"


class WindowError(ZaloError):
    """The citizen has not interacted within 7 days: a template channel is needed."""

    action = "window"


class NotNowError(ZaloError):
    """Refused at this hour or over today's quota: try again the next morning."""

    action = "later"


class PermanentError(ZaloError):
    """The request itself is wrong or not allowed; sending it again will not help."""


class BillingError(ZaloError):
    """Out of quota or money (no Zalo Cloud Account, no balance): alert, pause paid routes."""

    action = "billing"


class RecipientError(PermanentError):
    """This recipient cannot get this message (banned, not a follower, refused the type)."""

    action = "recipient"


class ProofError(ZaloError):
    """The app requires appsecret_proof and ours is missing or wrong: every call fails."""

    action = "proof"


class StandardsError(PermanentError):
    """Zalo says the OA broke its platform standards: an admin must look."""

    action = "standards"


OA_CODES = {
    -32: RateLimitError, -200: TransientError,
    -216: TokenError, -220: TokenError,
    -230: WindowError, -232: WindowError,
    -234: NotNowError,
    -211: BillingError, -218: BillingError, -320: BillingError, -321: BillingError,
    -213: RecipientError, -217: RecipientError, -227: RecipientError, -244: RecipientError,
    -242: ProofError, -248: StandardsError,
}
ZNS_CODES = {
    -124: TokenError,
    -133: NotNowError, -144: NotNowError, -1441: NotNowError, -147: NotNowError,
    -115: BillingError, -136: BillingError, -137: BillingError,
    -114: RecipientError, -118: RecipientError, -119: RecipientError,
    -139: RecipientError, -140: RecipientError, -141: RecipientError,
}
CODE_CLASSES = {**OA_CODES, **ZNS_CODES}


def error_for(code, message, http_status=None):
    """Build the typed error for a Zalo error code; unknown codes are permanent."""
    cls = CODE_CLASSES.get(code, PermanentError)
    return cls(code, message, http_status)
