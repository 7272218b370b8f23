"""Session start: every new conversation opens with the disclaimer."""

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.action_support import utter_with_clinic


class ActionSessionStart(Action):
    """Starts a session and shows what the assistant is (and is not)."""

    def name(self) -> str:
        """Rasa's own session-start action, replaced."""
        return "action_session_start"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Shows the disclaimer, then listens.

        Returns:
            ``SessionStarted`` and ``action_listen``, as Rasa requires.
        """
        utter_with_clinic(dispatcher, "utter_disclaimer")
        return [SessionStarted(), ActionExecuted("action_listen")]
