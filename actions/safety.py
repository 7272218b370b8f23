"""Emergencies: send the person to emergency care before anything else."""

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.settings import load_clinic


class ActionEmergency(Action):
    """Tells the person to call the emergency number or go to A&E now."""

    def name(self) -> str:
        """Action name."""
        return "action_emergency"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Utters the emergency advice with the configured number."""
        clinic = load_clinic()
        dispatcher.utter_message(
            response="utter_emergency", emergency_number=clinic.emergency_number
        )
        return []
