"""Sandbox users: who has interacted with the OA, and their profile as user/detail shows it."""
import datetime as dt
from zoneinfo import ZoneInfo

from ..models import utcnow
from . import strict
from .events import derive_user_id_by_app
from .models import SandboxUser
from .phone_number import to_84

WINDOW = dt.timedelta(days=7)


def find(user_id):
    """The SandboxUser with this id, or None if it never interacted with the sandbox."""
    return SandboxUser.get_or_none(SandboxUser.user_id == str(user_id))


def ensure(user_id, app_id):
    """The SandboxUser with this id, created (with no interaction yet) if new."""
    user, _ = SandboxUser.get_or_create(
        user_id=str(user_id),
        defaults={"user_id_by_app": derive_user_id_by_app(app_id, user_id)})
    return user


def user_id_by_app(user_id, app_id):
    """The app-scoped id of this user, whether or not the sandbox knows them yet."""
    user = find(user_id)
    return user.user_id_by_app if user else derive_user_id_by_app(app_id, user_id)


def within_window(user, now=None):
    """True when the user interacted within the last 7 days (the cs send window)."""
    if user.last_interaction_at is None:
        return False
    return (now or utcnow()) - user.last_interaction_at <= WINDOW


def record_event(user, event_name, form, interaction):
    """Update the user after an event: interaction time, follower flag, shared info."""
    if interaction:
        user.last_interaction_at = utcnow()
    if event_name.startswith("user_send_"):
        strict.user_wrote(user)
    if event_name in ("follow", "unfollow"):
        user.is_follower = event_name == "follow"
    if event_name == "user_submit_info":
        _store_shared_info(user, form)
    if form.get("display_name"):
        user.display_name = str(form["display_name"])
    user.save()


def _store_shared_info(user, form):
    user.shared_name = form.get("name") or user.shared_name
    user.shared_phone = to_84(form["phone"]) if form.get("phone") else user.shared_phone
    user.shared_address = form.get("address") or user.shared_address
    user.shared_city = form.get("city") or user.shared_city
    user.shared_district = form.get("district") or form.get("ward") or user.shared_district


def from_ms(ms):
    """Epoch milliseconds to the naive UTC datetime the models hold."""
    return dt.datetime.fromtimestamp(int(ms) / 1000, dt.UTC).replace(tzinfo=None)


def to_ms(when):
    """A naive UTC datetime to epoch milliseconds."""
    return int(when.replace(tzinfo=dt.UTC).timestamp() * 1000)


def describe(user):
    """The sandbox's own view of a user, as PATCH /sandbox/citizens/<id> answers it."""
    last = user.last_interaction_at
    wrote = user.last_message_at
    return {"user_id": user.user_id, "user_id_by_app": user.user_id_by_app,
            "display_name": user.display_name, "is_follower": user.is_follower,
            "last_interaction_at": to_ms(last) if last else None,
            "last_message_at": to_ms(wrote) if wrote else None,
            "replies_used": user.replies_used, "banned": user.banned,
            "blocks_invitations": user.blocks_invitations,
            "restricted": list(user.restricted or [])}


def profile(user, avatar_url, timezone="Asia/Ho_Chi_Minh"):
    """The `data` of GET /v3.0/oa/user/detail for this user (zalo-api.md §5)."""
    last = user.last_interaction_at
    local_date = (last.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone))
                  .strftime("%d/%m/%Y") if last else "")
    data = {"user_id": user.user_id, "user_id_by_app": user.user_id_by_app,
            "user_external_id": "", "display_name": user.display_name or f"User {user.user_id}",
            "user_alias": "", "is_sensitive": False, "user_last_interaction_date": local_date,
            "user_is_follower": bool(user.is_follower), "avatar": avatar_url,
            "avatars": {"120": avatar_url, "240": avatar_url},
            "tags_and_notes_info": {"notes": [], "tag_names": []}}
    if user.shared_name or user.shared_phone:
        data["shared_info"] = {"address": user.shared_address or "",
                               "city": user.shared_city or "",
                               "district": user.shared_district or "",
                               "phone": user.shared_phone or "", "name": user.shared_name or ""}
    return data
