"""Zalo's rules beyond the shape of a request, as the sandbox enforces them: appsecret_proof
(-242), an OA flagged for breaking the platform standards (-248), recipients who cannot get a
message (-227 banned or inactive, -217 blocking invitations, -244 refusing the type, -213 not
a follower), the free-reply counter (8 cs replies within 48 h of the user's last message, reset
by each message) and what paid messages need: a Zalo Cloud Account (-320) with money (-321)
and quota left (-211)."""
import datetime as dt
import hashlib
import hmac

from flask import current_app, request

from ..models import utcnow
from .envelope import ApiError
from .models import SandboxSetting, SandboxUser

FREE_REPLIES = 8
FREE_WINDOW = dt.timedelta(hours=48)
PAID_QUOTA_TYPE = "purchase_quota"
# What a paid send that cannot be paid answers, on the OA API and on ZNS.
OA_BILLING = {"none": (-320, "OA has no Zalo Cloud Account to pay for this message"),
              "empty": (-321, "Zalo Cloud Account balance is not enough"),
              "quota": (-211, "Out of quota")}
ZNS_BILLING = {"none": (-136, "Zalo Cloud Account is required"),
               "empty": (-115, "Not enough quota or balance to send ZNS"),
               "quota": (-115, "Not enough quota or balance to send ZNS")}


def proof_of(access_token, app_secret):
    """HMAC-SHA256 of the access token keyed with the app secret, hex (Zalo's
    AppSecretProofUtil), computed here on its own so the sandbox checks the service's."""
    return hmac.new(app_secret.encode("utf-8"), access_token.encode("utf-8"),
                    hashlib.sha256).hexdigest()


def check_proof(knobs):
    """-242 when the app requires appsecret_proof and this call's is missing or wrong."""
    if not knobs["require_appsecret_proof"]:
        return
    token = request.headers.get("access_token", "")
    given = request.headers.get("appsecret_proof", "")
    expected = proof_of(token, current_app.config["ZALO_APP_SECRET"])
    if not hmac.compare_digest(given, expected):
        raise ApiError(-242, "appsecret_proof is invalid")


def check_oa(knobs):
    """-248 while the OA is flagged for breaking Zalo's platform standards."""
    if knobs["oa_violation"]:
        raise ApiError(-248, "OA violated Zalo platform standards; sending is restricted")


def check_recipient(user, api, needs_follower=False):
    """Raise the error Zalo gives for a recipient who cannot get an `api` message."""
    if user.banned:
        raise ApiError(-227, "User is banned or has been inactive for more than 45 days")
    if api in (user.restricted or []):
        raise ApiError(-244, f"User has restricted receiving {api} messages from this OA")
    if needs_follower and not user.is_follower:
        if user.blocks_invitations:
            raise ApiError(-217, "User has blocked invitations from this OA")
        raise ApiError(-213, "User has not followed OA")


def reply_quota(user, knobs, now=None):
    """Count one cs send: a free reply (`quota_type` reply) while the counter lasts within
    48 h of the user's last message, else a paid message. Returns Zalo's `quota` object."""
    now = now or utcnow()
    last = user.last_message_at
    if last is not None and now - last < FREE_WINDOW:
        taken = (SandboxUser.update(replies_used=SandboxUser.replies_used + 1)
                 .where((SandboxUser.id == user.id)
                        & (SandboxUser.replies_used < FREE_REPLIES)).execute())
        if taken:
            used = SandboxUser.get_by_id(user.id).replies_used
            return {"quota_type": "reply", "remain": str(FREE_REPLIES - used),
                    "total": str(FREE_REPLIES)}
    return charge(knobs)


def charge(knobs, errors=OA_BILLING):
    """Take one paid message from the OA's quota, or raise the billing error (`errors`)."""
    if knobs["zca_state"] in errors:
        raise ApiError(*errors[knobs["zca_state"]])
    if knobs["paid_quota"] is None:
        return {"quota_type": PAID_QUOTA_TYPE, "remain": "-1", "total": "-1"}
    taken = (SandboxSetting.update(paid_quota=SandboxSetting.paid_quota - 1)
             .where(SandboxSetting.paid_quota > 0).execute())
    if not taken:
        raise ApiError(*errors["quota"])
    remain = SandboxSetting.select(SandboxSetting.paid_quota).scalar()
    return {"quota_type": PAID_QUOTA_TYPE, "remain": str(remain), "total": str(remain + 1)}


def user_wrote(user, now=None):
    """A message from the user: the 48 h free-reply window and its counter start again."""
    user.last_message_at = now or utcnow()
    user.replies_used = 0


def check_lengths(limits, template_data, code):
    """Raise `code` when a parameter value is longer than its template allows."""
    for name, limit in limits.items():
        value = str((template_data or {}).get(name, ""))
        if limit is not None and len(value) > limit:
            raise ApiError(code, f"{name} exceeds its limit of {limit} characters")
