"""Zalo's webhook MAC: sha256(app_id + raw body + timestamp + OA secret key) as `mac=<hex>`."""
import hashlib
import hmac
import re

# The signed `timestamp`, found in the raw bytes so the MAC is checked before the body is parsed
# (an unsigned body may be nested deep enough to make a parser work hard, or fail).
_TIMESTAMP = re.compile(rb'"timestamp"\s*:\s*(?:"(\d{1,19})"|(\d{1,19})(?=[\s,}\]]))')
MAX_TIMESTAMP_CANDIDATES = 4
_HEX_MAC = re.compile(r"[0-9a-f]{64}")


def compute_mac(app_id, raw_body, timestamp, secret_key):
    """Return the 64-hex MAC Zalo puts in `X-ZEvent-Signature` for this body."""
    digest = hashlib.sha256()
    digest.update(str(app_id).encode())
    digest.update(raw_body)
    digest.update(str(timestamp).encode())
    digest.update(str(secret_key).encode())
    return digest.hexdigest()


def signature_header(app_id, raw_body, timestamp, secret_key):
    """The header value a signed delivery carries."""
    return "mac=" + compute_mac(app_id, raw_body, timestamp, secret_key)


def matching_signer(header, raw_body, timestamp, secret_key, signer_ids):
    """Return which of `signer_ids` (app id, then OA id) the header's MAC matches, or None.

    Sources disagree on whether Zalo signs with the app id or the OA id, so both are tried;
    the caller logs which one matched.
    """
    given = (header or "").strip()
    if given.lower().startswith("mac="):
        given = given[4:]
    given = given.strip().lower()
    if not _HEX_MAC.fullmatch(given) or not secret_key:
        return None  # compare_digest refuses non-ASCII text, so only hex gets that far
    for signer in signer_ids:
        if signer and hmac.compare_digest(given, compute_mac(signer, raw_body, timestamp,
                                                             secret_key)):
            return signer
    return None


def timestamps_in(raw_body):
    """The epoch-ms values a `"timestamp"` key holds in the raw body, first ones first."""
    found = []
    for match in _TIMESTAMP.finditer(raw_body):
        value = (match.group(1) or match.group(2)).decode("ascii")
        if value not in found:
            found.append(value)
        if len(found) == MAX_TIMESTAMP_CANDIDATES:
            break
    return found


def verify(header, raw_body, secret_key, signer_ids):
    """(signer, timestamp) when the header's MAC matches the raw body under one of the
    timestamps it carries, else None; nothing but the raw bytes is looked at."""
    for timestamp in timestamps_in(raw_body):
        signer = matching_signer(header, raw_body, timestamp, secret_key, signer_ids)
        if signer is not None:
            return signer, timestamp
    return None
