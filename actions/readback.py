"""The request form's read-back: every answer shown before anything is sent."""

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.request_form import readback_details

READBACK_LINES = (
    "kind",
    "name",
    "name_for",
    "contact",
    "time",
    "time_outside_hours",
    "reason",
)
READBACK_SLOTS = (
    "request_kind",
    "full_name",
    "for_whom",
    "contact",
    "preferred_time",
    "outside_hours",
    "reason",
)


class ActionAskDetailsConfirmed(Action):
    """Asks "shall I send this?" under the details given (the form calls
    ``action_ask_<slot>`` when the domain has one)."""

    def name(self) -> str:
        """Action name."""
        return "action_ask_details_confirmed"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Utters the read-back; its sentences are the domain's responses."""
        responses = domain.get("responses", {})
        lines = {
            line: responses[f"utter_readback_{line}"][0]["text"]
            for line in READBACK_LINES
        }
        slots = {slot: tracker.get_slot(slot) for slot in READBACK_SLOTS}
        dispatcher.utter_message(
            response="utter_ask_details_confirmed",
            details=readback_details(lines, slots),
        )
        return []
