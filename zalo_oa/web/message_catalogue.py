"""The bot's messages as admins meet them: grouped by the moment the citizen sees them, each
with a plain name (i18n `msg_<name>`, `msg_<name>_when`), and previewed with the buttons the
sending code really attaches, found by running that code on a sample conversation."""
import datetime as dt

from ..cases import notify
from ..delivery import messages
from ..intake import chat, dialogue, prompts, subscriptions
from ..models import Case, Category, Citizen

# (moment, template names in the order a citizen meets them). Every template file is in one.
MOMENTS = (
    ("welcome", ("welcome", "menu", "help", "language_switched", "unexpected_idle",
                 "not_understood", "slow_down", "anonymous_invite")),
    ("emergency", ("emergency", "anonymous_emergency", "urgent_noted")),
    ("report", ("report_started", "report_understood", "location_understood", "ask_category",
                "category_chosen", "category_unclear",
                "ask_description", "description_too_short", "description_too_long",
                "ask_location", "location_received", "location_unclear", "ask_ward",
                "ward_choose", "ward_chosen", "ward_unknown", "ask_photos",
                "photo_noted", "photos_received", "photos_full", "photos_expected",
                "ask_contact_title", "ask_contact", "ask_contact_skip", "contact_received",
                "contact_expected", "contact_saved", "ask_question", "question_expected",
                "media_received", "stuck", "area_unknown", "confirm", "confirm_expected",
                "same_case_offer", "same_case_expected", "following_case", "ask_edit",
                "edit_expected", "back_at_start", "draft_in_progress", "unexpected_input",
                "cancelled", "nothing_to_cancel", "draft_reminder", "draft_expired")),
    ("confirmation", ("case_created", "case_filed", "case_status", "case_list",
                      "case_list_empty", "case_not_found")),
    ("status", ("status_received", "status_assigned", "status_in_progress", "status_resolved",
                "after_photo", "status_closed", "status_rejected", "status_duplicate",
                "status_reopened", "deadline_extended", "staff_reply")),
    ("followups", ("still_handling", "fixed_check", "feedback_noted", "rating_ask",
                   "rating_thanks")),
    ("announcements", ("broadcast", "area_set", "area_choose", "area_help", "topics_list",
                       "topic_unknown", "announcements_off", "announcements_on")),
    ("staff", ("staff_urgent", "staff_due_soon", "staff_overdue", "staff_escalation",
               "staff_reopened")),
)
# Parts of a card rather than messages of their own: edited with the message they belong to.
CARD_PARTS = {"ask_contact_title": "ask_contact"}


def moment_of(name):
    """The moment a template belongs to, or None."""
    return next((moment for moment, names in MOMENTS if name in names), None)


SAMPLE_WARD = "26734"  # Phường Bến Thành


def _sample_context(locale):
    categories = tuple(dialogue.CategoryInfo(c.slug, c.name_vi, c.name_en,
                                             tuple(c.keywords or ()))
                       for c in Category.listed())
    return dialogue.Context(categories, locale)


def _conversation():
    """A sample report's inputs, step by step, for the real dialogue."""
    place = dialogue.Location(10.7769, 106.7009, "12 Lê Lợi, Bến Thành")
    return [dialogue.Text("menu"), dialogue.Text("Phản ánh mới"), dialogue.Text("xyz"),
            dialogue.Text("1"), dialogue.Text("ngắn"), dialogue.Text("x" * 2100),
            dialogue.Text("Đèn đường trước nhà số 12 Lê Lợi bị hỏng"), dialogue.Text("abc"),
            place, dialogue.Photos(("https://example.invalid/1.jpg",)),
            dialogue.Text("ảnh?"), dialogue.Text("Xong"), dialogue.Text("chưa có"),
            dialogue.Contact("Nguyễn Văn An", "84912345678"), dialogue.Text("hmm"),
            dialogue.Text("Sửa"), dialogue.Text("gì"), dialogue.Text("Quay lại"),
            dialogue.Other("sticker"), dialogue.Text("Phản ánh mới"),
            dialogue.Text("Trợ giúp")]


def _from_scratch():
    """Inputs with no report under way."""
    return [dialogue.Other("sticker"), dialogue.Text("Hủy"), dialogue.Text("Quay lại"),
            dialogue.Contact("Nguyễn Văn An", "84912345678")]


def _sample_case():
    category = Category.listed().first() or Category(name_vi="", name_en="")
    now = dt.datetime(2026, 11, 2, 3, 0)
    return Case(code="PA-2611-000123", category=category, status="resolved", is_public=True,
                created_at=now, due_at=now + dt.timedelta(days=5))


def sample_replies(locale):
    """{template name: Reply} as the sending code builds them (first one seen wins)."""
    ctx = _sample_context(locale)
    found = {}

    def keep(replies):
        for reply in replies:
            found.setdefault(reply.template, reply)

    keep(prompts.welcome(ctx))
    draft = None
    for event in _conversation():
        outcome = dialogue.step(draft, event, ctx)
        keep(outcome.replies)
        if ("locate",) in outcome.effects:  # chat looks the place up; the sample knows its ward
            place = {**outcome.draft["location"], "ward_code": SAMPLE_WARD}
            outcome = dialogue.located(outcome.draft, place, ctx)
            keep(outcome.replies)
        draft = outcome.draft if outcome.draft is not None else draft
    if draft is not None:
        keep(prompts.remind(draft, ctx))
        keep(prompts.expire(draft, ctx))
        keep(dialogue.step(draft, dialogue.Text("Hủy"), ctx).replies)
    for event in _from_scratch():
        keep(dialogue.step(None, event, ctx).replies)
    case = _sample_case()
    keep(notify.fixed_check_replies(case, locale))
    keep(notify.rating_replies(case, locale))
    keep([chat.CASE_LIST_EMPTY])
    keep(subscriptions.set_area(Citizen(), ["26743", "26740"], ctx))
    return found


def sample_params(name, locale):
    """The parameters the code really passes with template `name` in the sample, or {}."""
    reply = sample_replies(locale).get(CARD_PARTS.get(name, name))
    return dict(reply.params) if reply is not None else {}


def buttons(name, locale):
    """The titles of the buttons the code sends with template `name` (none when it sends
    none, or they depend on the case at hand)."""
    reply = sample_replies(locale).get(CARD_PARTS.get(name, name))
    if reply is None or name in CARD_PARTS:
        return []
    return [messages.render_button(b, locale)["title"] for b in reply.buttons]


def form_of(name, locale):
    """How the message shows in Zalo: "text", "card" (title, text and picture), "image"."""
    reply = sample_replies(locale).get(CARD_PARTS.get(name, name))
    if reply is None:
        return "text"
    return {"request_user_info": "card"}.get(reply.form, reply.form)
