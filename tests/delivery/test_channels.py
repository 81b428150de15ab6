"""Each message by the channel Zalo intends and at the cost Zalo says, against the strict
sandbox over real HTTP: cost from `quota_type`, quota and billing errors (alert, paid routes
held, free cs goes on, resumed by a paid send that succeeds), recipients Zalo refuses,
appsecret_proof, parameters cut to their length, the ZNS daily quota, and staff reminders by
Zalo, e-mail (a real SMTP server), ZNS or the dashboard."""
import datetime as dt
import email
import email.policy
import socket

import pytest
import requests
from aiosmtpd.controller import Controller

from tests.factories import login, make_staff
from zalo_oa import handlers
from zalo_oa.cases import lifecycle, notify
from zalo_oa.delivery import alerts, clients, dispatcher, outbox
from zalo_oa.delivery.messages import Reply
from zalo_oa.intake.citizens import touch
from zalo_oa.models import Alert, OutboxMessage, utcnow
from zalo_oa.timeutil import to_local

TIMEOUT = 10
CASE = {"code": "PA-2611-000001", "note": "", "due_date": "05/12/2026", "category": "Cây xanh",
        "status": "Đang xử lý", "reason": "", "target": "",
        "department": "Công ty TNHH MTV Công viên Cây xanh TP.HCM"}


@pytest.fixture
def server(live_server_factory):
    server = live_server_factory(with_scheduler=False, BILLING_PROBE_SECONDS=3600)
    with server.app.app_context():
        yield server


def sender_of(server):
    return clients.make_sender(server.app)


def configure(server, **knobs):
    requests.post(f"{server.url}/sandbox/config", json=knobs, timeout=TIMEOUT).raise_for_status()


def person(server, user_id, hours_ago=0.0, **fields):
    """A citizen who last wrote `hours_ago` hours ago, on both sides."""
    when = utcnow() - dt.timedelta(hours=hours_ago)
    millis = int(when.replace(tzinfo=dt.UTC).timestamp() * 1000)
    requests.patch(f"{server.url}/sandbox/citizens/{user_id}", timeout=TIMEOUT, json={
        "last_interaction_at": millis, "last_message_at": millis, **fields}).raise_for_status()
    citizen = touch(user_id, when, True)
    return citizen


def push(citizen, template="status_in_progress", **params):
    [message] = outbox.queue_replies(citizen, [Reply(template, {**CASE, **params})])
    return message


def row(message):
    return OutboxMessage.get_by_id(message.id)


def inbox(server, user_id):
    return requests.get(f"{server.url}/sandbox/citizens/{user_id}/messages",
                        timeout=TIMEOUT).json()


# --- cost as Zalo says ----------------------------------------------------------------------

def test_the_cost_class_is_zalos_quota_type_and_its_price_is_kept(server):
    citizen = person(server, "u1")
    messages = [push(citizen) for _ in range(9)]
    dispatcher.send_due(sender_of(server))
    first, ninth = row(messages[0]), row(messages[8])
    assert (first.quota_type, first.cost_class, first.cost_vnd) == ("reply", "free", 0)
    # Our clock forecast "free" (48 h); Zalo's counter says the ninth reply is paid.
    assert (ninth.quota_type, ninth.cost_class, ninth.cost_vnd) == ("purchase_quota", "billed",
                                                                    55)


# --- quota and billing trouble ----------------------------------------------------------------

def test_billing_trouble_raises_one_alert_holds_paid_routes_and_free_cs_goes_on(server):
    configure(server, zca_state="empty")
    paid = push(person(server, "late", hours_ago=72))
    template = push(person(server, "silent", hours_ago=24 * 10))
    free = push(person(server, "fresh"))
    sender = sender_of(server)
    dispatcher.send_due(sender)
    assert row(paid).status == "pending" and "-321" in row(paid).last_error
    assert row(template).status == "pending" and "paused" in row(template).last_error
    assert inbox(server, "silent") == []  # held without calling Zalo
    assert row(free).status == "sent" and row(free).cost_class == "free"
    [alert] = Alert.active()
    assert alert.kind == alerts.BILLING and "-321" in alert.message
    # The account is topped up; the next probe of a paid route succeeds and lifts the pause.
    configure(server, zca_state="ok")
    OutboxMessage.update(due_at=utcnow()).where(OutboxMessage.status == "pending").execute()
    dispatcher.send_due(sender_of(server))
    assert row(paid).status == "sent" and row(template).status == "sent"
    assert not Alert.active().exists()


def test_out_of_quota_is_billing_trouble_too(server):
    configure(server, paid_quota=0)
    message = push(person(server, "late", hours_ago=72))
    dispatcher.send_due(sender_of(server))
    assert row(message).status == "pending" and "-211" in row(message).last_error
    assert alerts.is_active(alerts.BILLING)


# --- recipients and the OA itself ---------------------------------------------------------------

@pytest.mark.parametrize(("fields", "code"), [({"banned": True}, "-227"),
                                              ({"restricted": ["cs"]}, "-244")])
def test_a_recipient_zalo_refuses_is_undeliverable_at_once(server, fields, code):
    message = push(person(server, "u1", **fields))
    dispatcher.send_due(sender_of(server))
    assert row(message).status == "undeliverable" and row(message).last_error.startswith(code)
    assert row(message).attempts == 1


def test_a_platform_standards_warning_fails_the_message_and_alerts_admins(server):
    configure(server, oa_violation=True)
    message = push(person(server, "u1"))
    dispatcher.send_due(sender_of(server))
    assert row(message).status == "failed"
    assert alerts.is_active(alerts.STANDARDS)


def test_appsecret_proof_is_sent_when_the_setting_is_on(server):
    configure(server, require_appsecret_proof=True)
    message = push(person(server, "u1"))
    dispatcher.send_due(sender_of(server))
    assert row(message).status == "pending" and "-242" in row(message).last_error
    assert alerts.is_active(alerts.PROOF)
    server.app.config["ZALO_APP_SECRET_PROOF"] = True
    OutboxMessage.update(due_at=utcnow()).execute()
    dispatcher.send_due(sender_of(server))
    assert row(message).status == "sent" and not alerts.is_active(alerts.PROOF)


def test_images_go_by_url_so_expiring_upload_ids_cannot_strand_them(server):
    configure(server, upload_ttl_seconds=0)
    citizen = person(server, "u1")
    [photo] = outbox.queue_replies(citizen, [Reply(
        "after_photo", CASE, form="image", image_url=f"{server.url}/static/img/contact_card.png")])
    dispatcher.send_due(sender_of(server))
    assert row(photo).status == "sent"
    element = inbox(server, "u1")[0]["payload"]["message"]["attachment"]["payload"]["elements"][0]
    assert "url" in element and "attachment_id" not in element


# --- template parameters and ZNS --------------------------------------------------------------

def test_a_long_unit_name_is_cut_to_the_templates_length_and_accepted(server):
    citizen = person(server, "u1", hours_ago=24 * 10)
    message = push(citizen, "status_reopened")
    dispatcher.send_due(sender_of(server))
    assert row(message).status == "sent" and row(message).channel == "template"
    [sent] = inbox(server, "u1")
    unit = sent["payload"]["template_data"]["don_vi"]
    assert len(unit) == 30 and unit.endswith("…") and unit.startswith("Công ty TNHH MTV")


def test_the_zns_daily_quota_holds_messages_until_the_next_morning(server):
    configure(server, zns_daily_quota=0)
    citizen = person(server, "u1", hours_ago=24 * 10)
    citizen.phone = "84912345678"
    citizen.save()
    message = push(citizen, "still_handling")
    dispatcher.send_due(sender_of(server))
    held = row(message)
    assert held.status == "pending" and "-144" in held.last_error
    assert to_local(held.due_at).hour == 6 and held.due_at > utcnow()


# --- staff reminders ----------------------------------------------------------------------------

class Mailbox:
    """A real SMTP server on loopback (aiosmtpd) keeping what it receives."""

    def __init__(self):
        self.received = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def mailbox():
    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


def reminder_to(server, member, template="staff_overdue"):
    citizen = person(server, "reporter")
    case = lifecycle.open_case(citizen, {"category": "trees", "description": "Cây nghiêng",
                                         "location": {"address": "12 Lê Lợi"}, "photos": []})
    member.department = case.department
    member.save()
    OutboxMessage.delete().execute()
    notify.notify_department(case, template)
    dispatcher.send_due(sender_of(server))
    [message] = OutboxMessage.select().where(OutboxMessage.staff == member)
    return message


def test_a_staff_member_who_wrote_to_the_oa_this_week_gets_the_reminder_by_zalo(server):
    member = make_staff("lan", role="department", department="greenery")
    member.zalo_user_id = "staff-zalo-1"
    member.save()
    requests.post(f"{server.url}/sandbox/citizens/staff-zalo-1/events", timeout=TIMEOUT,
                  json={"event_name": "user_send_text", "text": "chào"}).raise_for_status()
    handlers.process_pending()
    message = reminder_to(server, type(member).get_by_id(member.id))
    assert (message.channel, message.cost_class) == ("cs", "free")
    assert any("PA-" in m["payload"].get("message", {}).get("text", "")
               for m in inbox(server, "staff-zalo-1"))


def test_a_staff_member_outside_their_window_gets_an_email(server, mailbox):
    server.app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=mailbox.port,
                             SMTP_SECURITY="none", SMTP_FROM="1022@city.example")
    member = make_staff("lan", role="department", department="greenery")
    member.zalo_user_id, member.email = "staff-zalo-1", "lan@city.example"
    member.save()
    message = reminder_to(server, member)
    assert (message.status, message.channel, message.cost_class) == ("sent", "email", "email")
    [mail] = mailbox.received
    assert mail.rcpt_tos == ["lan@city.example"] and mail.mail_from == "1022@city.example"
    parsed = email.message_from_bytes(mail.content, policy=email.policy.default)
    assert message.case.code in parsed["Subject"]
    assert message.case.code in parsed.get_content()
    assert inbox(server, "staff-zalo-1") == []  # Zalo would have answered -230


def test_without_e_mail_a_staff_member_with_a_phone_gets_zns(server):
    member = make_staff("lan", role="department", department="greenery")
    member.phone = "84987654321"
    member.save()
    message = reminder_to(server, member)
    assert (message.channel, message.cost_class, message.cost_vnd) == ("zns", "zns", 200)
    assert inbox(server, "phone:84987654321")[0]["api"] == "zns"


def test_a_reminder_no_channel_can_carry_is_shown_on_the_dashboard_never_free(server):
    member = make_staff("lan", role="department", department="greenery")
    message = reminder_to(server, member)
    assert (message.status, message.channel, message.cost_class) == ("sent", "dashboard",
                                                                      "dashboard")
    client = server.app.test_client()
    login(client)
    page = client.get("/").get_data(as_text=True)
    assert 'id="reminders"' in page and message.case.code in page
    make_staff("hoa")  # the reminder is the member's own: another account does not see it
    other = server.app.test_client()
    login(other, "hoa")
    assert 'id="reminders"' not in other.get("/").get_data(as_text=True)

