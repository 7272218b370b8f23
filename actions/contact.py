"""Contact with the clinic's staff (consultations, callbacks, a person)."""

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.settings import load_clinic


class ActionContactClinic(Action):
    """Gives the clinic's phone, email and opening hours."""

    def name(self) -> str:
        """Action name."""
        return "action_contact_clinic"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Utters the clinic's contact details from the settings file."""
        dispatcher.utter_message(
            response="utter_contact_clinic", **load_clinic().template_values()
        )
        return []
