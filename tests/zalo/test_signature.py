"""Zalo's webhook MAC: sha256(app_id + raw body + timestamp + OA secret key)."""
import hashlib

from zalo_oa.zalo.signature import compute_mac, matching_signer, signature_header

RAW = b'{"event_name":"user_send_text","timestamp":"1543908534740"}'


def test_mac_is_plain_sha256_of_the_concatenation():
    expected = hashlib.sha256(b"3608" + RAW + b"1543908534740" + b"secret").hexdigest()
    assert compute_mac("3608", RAW, "1543908534740", "secret") == expected


def test_known_vector():
    # Computed once with `printf '%s' 'app{}1key' | sha256sum`.
    assert compute_mac("app", b"{}", "1", "key") == (
        "a0b60ee2b44db64950d76d22ac7131a5f351d355ff5465755858bc93c6f5a383")


def test_header_matches_either_signer_and_says_which():
    header = signature_header("oa-id", RAW, "1543908534740", "secret")
    assert header.startswith("mac=")
    assert matching_signer(header, RAW, "1543908534740", "secret", ("app-id", "oa-id")) == "oa-id"


def test_header_without_prefix_and_in_upper_case_is_accepted():
    digest = compute_mac("app-id", RAW, "1543908534740", "secret").upper()
    assert matching_signer(digest, RAW, "1543908534740", "secret", ("app-id",)) == "app-id"


def test_wrong_key_timestamp_or_body_does_not_match():
    header = signature_header("app-id", RAW, "1543908534740", "secret")
    assert matching_signer(header, RAW, "1543908534740", "other", ("app-id",)) is None
    assert matching_signer(header, RAW, "1543908534741", "secret", ("app-id",)) is None
    assert matching_signer(header, RAW + b" ", "1543908534740", "secret", ("app-id",)) is None


def test_no_secret_configured_matches_nothing():
    header = signature_header("app-id", RAW, "1", "")
    assert matching_signer(header, RAW, "1", "", ("app-id",)) is None
