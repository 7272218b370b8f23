"""Emergencies: send the person to emergency care before anything else."""

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.action_support import ClinicResponseAction, cleared_request


class ActionEmergency(ClinicResponseAction):
    """Tells the person to call the emergency number or go to A&E now.

    An emergency ends whatever form was going on: nothing half-collected is
    kept or sent. (Always ending the loop keeps the rules consistent; with no
    form active it changes nothing.)
    """

    response = "utter_emergency"

    def name(self) -> str:
        """Action name."""
        return "action_emergency"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Utters the emergency advice; stops any active form."""
        events = await super().run(dispatcher, tracker, domain)
        return [*events, ActiveLoop(None), *cleared_request()]
