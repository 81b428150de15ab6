"""Zalo's webhook MAC: sha256(app_id + raw body + timestamp + OA secret key) as `mac=<hex>`."""
import hashlib
import hmac


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
    if len(given) != 64 or not secret_key:
        return None
    for signer in signer_ids:
        if signer and hmac.compare_digest(given, compute_mac(signer, raw_body, timestamp,
                                                             secret_key)):
            return signer
    return None
