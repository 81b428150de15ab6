"""user_withdraw: the citizen asks the OA to erase their data; cases stay, anonymised."""
import logging

from ..intake import citizens
from ..models import Citizen

log = logging.getLogger(__name__)


def on_user_withdraw(event):
    citizen = Citizen.get_or_none(Citizen.zalo_user_id == event.user_id)
    if citizen is None:
        log.info("withdrawal for an unknown citizen: nothing held")
        return
    citizens.erase(citizen)
    log.info("citizen %s withdrew: personal data erased", citizen.id)


HANDLERS = {"user_withdraw": on_user_withdraw}
