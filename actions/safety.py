"""Emergencies, false alarms, and messages in other languages."""

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from bot.action_support import PAUSED_REQUEST, utter_with_clinic

# responses with a Spanish (and English) variant, named "<response>_es"
SPANISH = "es"


def _utter_in_their_language(
    dispatcher: CollectingDispatcher, tracker: Tracker, response: str
) -> None:
    """Utters ``response``, or its Spanish variant to a message in Spanish."""
    if (tracker.latest_message or {}).get("language") == SPANISH:
        response = f"{response}_{SPANISH}"
    utter_with_clinic(dispatcher, response)


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
        _utter_in_their_language(dispatcher, tracker, "utter_emergency")
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
        """Utters the acknowledgement (the form itself is resumed by a rule).

        "No, it's fine" to "what would you like to change?" (no alarm was
        raised) is "nothing": the read-back is shown again, without thanks.
        """
        if (
            not tracker.get_slot(PAUSED_REQUEST)
            and tracker.active_loop_name
            and tracker.get_slot(REQUESTED_SLOT) == "field_to_change"
        ):
            return [
                SlotSet("field_to_change", None),
                SlotSet("details_confirmed", None),
            ]
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
        _utter_in_their_language(dispatcher, tracker, "utter_other_language")
        return []
