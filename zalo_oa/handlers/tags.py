"""Tag events from the OA manager: keep each citizen's tag list in step."""
from ..models import Citizen


def _tag(payload):
    tag = payload.get("tag") if isinstance(payload.get("tag"), dict) else {}
    ids = [str(i) for i in tag.get("user_ids") or [] if i]
    return str(tag.get("name") or ""), ids


def _update(user_ids, change):
    for citizen in Citizen.select().where(Citizen.zalo_user_id.in_(user_ids)):
        tags = change(list(citizen.tags or []))
        Citizen.update(tags=tags).where(Citizen.id == citizen.id).execute()


def on_add_user_to_tag(event):
    name, ids = _tag(event.payload)
    _update(ids, lambda tags: tags if name in tags else [*tags, name])


def on_remove_user_from_tag(event):
    name, ids = _tag(event.payload)
    _update(ids, lambda tags: [t for t in tags if t != name])


def on_remove_tag(event):
    name, _ = _tag(event.payload)
    tagged = Citizen.select(Citizen.zalo_user_id).where(Citizen.tags.contains(f'"{name}"'))
    _update([c.zalo_user_id for c in tagged], lambda tags: [t for t in tags if t != name])


HANDLERS = {"add_user_to_tag": on_add_user_to_tag,
            "remove_user_from_tag": on_remove_user_from_tag, "remove_tag": on_remove_tag}
