"""Citizens as the OA knows them: who they are, when they last interacted, their data rights."""
from ..models import Case, Citizen, Conversation, InboundEvent, OutboxMessage, Staff, utcnow

ERASED = {"erased": True}


def touch(zalo_user_id, at, interaction, user_id_by_app=None, locale="vi"):
    """Load or create the citizen; move the 7-day window clock forward on an interaction."""
    citizen, _ = Citizen.get_or_create(zalo_user_id=zalo_user_id,
                                       defaults={"user_id_by_app": user_id_by_app,
                                                 "locale": locale})
    changes = {}
    if interaction and (citizen.last_interaction_at is None or citizen.last_interaction_at < at):
        changes["last_interaction_at"] = at
    if user_id_by_app and not citizen.user_id_by_app:
        changes["user_id_by_app"] = user_id_by_app
    if changes:
        Citizen.update(**changes).where(Citizen.id == citizen.id).execute()
        for field, value in changes.items():
            setattr(citizen, field, value)
    if "last_interaction_at" in changes:
        _touch_staff(zalo_user_id, at)
    return citizen


def _touch_staff(zalo_user_id, at):
    """A staff member who writes to the OA opens their own window for reminders by Zalo."""
    (Staff.update(last_interaction_at=at)
     .where((Staff.zalo_user_id == zalo_user_id)
            & (Staff.last_interaction_at.is_null() | (Staff.last_interaction_at < at)))
     .execute())


def save_shared_info(citizen, name=None, phone=None, address=None):
    """Keep what the citizen chose to share with the OA."""
    citizen.name = name or citizen.name
    citizen.phone = phone or citizen.phone
    citizen.address = address or citizen.address
    citizen.save(only=[Citizen.name, Citizen.phone, Citizen.address])


def erase(citizen):
    """Honour a withdrawal: drop personal data, drafts and message copies; cases stay, anonymised.

    What was exchanged (shared contact details, summaries echoing them) is blanked on the
    recorded events and the sent messages; messages still waiting to go out are kept.
    """
    Conversation.delete().where(Conversation.citizen == citizen).execute()
    (OutboxMessage.update(payload=ERASED)
     .where((OutboxMessage.citizen == citizen) & (OutboxMessage.status != "pending")).execute())
    (InboundEvent.update(payload="{}")
     .where((InboundEvent.zalo_user_id == citizen.zalo_user_id)
            & (InboundEvent.status != "pending")).execute())
    (Case.update(contact_name=None, contact_phone=None, contact_email=None)
     .where(Case.citizen == citizen).execute())
    (Citizen.update(name=None, phone=None, address=None, display_name=None,
                    withdrawn_at=utcnow())
     .where(Citizen.id == citizen.id).execute())
