"""follow, unfollow, user_click_chatnow: who follows the OA, and a greeting for newcomers."""
from ..intake import chat
from ..models import Citizen


def on_follow(event):
    citizen = event.citizen()
    (Citizen.update(is_follower=True, followed_at=event.at, unfollowed_at=None)
     .where(Citizen.id == citizen.id).execute())
    chat.welcome(citizen, event.key, at=event.at)


def on_unfollow(event):
    citizen = event.citizen()
    (Citizen.update(is_follower=False, unfollowed_at=event.at)
     .where(Citizen.id == citizen.id).execute())


def on_user_click_chatnow(event):
    chat.welcome(event.citizen(), event.key, at=event.at)


HANDLERS = {"follow": on_follow, "unfollow": on_unfollow,
            "user_click_chatnow": on_user_click_chatnow}
