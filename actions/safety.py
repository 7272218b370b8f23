"""Emergencies, false alarms, and messages in other languages."""

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.action_support import PAUSED_REQUEST, utter_with_clinic

SPANISH = "es"


def _language(tracker: Tracker) -> str | None:
    return (tracker.latest_message or {}).get("language")


class ActionEmergency(Action):
    """Tells the person to call the emergency number or go to A&E now.

    A request form that was going on is paused, not forgotten: if the person
    says it is not an emergency, it goes on with what was already given.
    """

    def name(self) -> str:
        """Action name."""
        return "action_emergency"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Utters the emergency advice (in Spanish too for Spanish); pauses a form."""
        spanish = _language(tracker) == SPANISH
        utter_with_clinic(
            dispatcher, "utter_emergency_es" if spanish else "utter_emergency"
        )
        if tracker.active_loop_name:
            return [ActiveLoop(None), SlotSet(PAUSED_REQUEST, True)]
        return [ActiveLoop(None)]


class ActionNotEmergency(Action):
    """ "It's not an emergency": acknowledged; a paused request goes on."""

    def name(self) -> str:
        """Action name."""
        return "action_not_emergency"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Utters the acknowledgement (the form itself is resumed by a rule)."""
        resuming = tracker.get_slot(PAUSED_REQUEST) or tracker.active_loop_name
        response = "utter_not_emergency_resume" if resuming else "utter_not_emergency"
        utter_with_clinic(dispatcher, response)
        return []


class ActionOtherLanguage(Action):
    """A message in another language: say so, in Spanish for Spanish, with contacts."""

    def name(self) -> str:
        """Action name."""
        return "action_other_language"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Utters the note with the clinic's contact details."""
        spanish = _language(tracker) == SPANISH
        utter_with_clinic(
            dispatcher, "utter_other_language_es" if spanish else "utter_other_language"
        )
        return []
