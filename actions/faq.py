"""Answers from the knowledge base: the short answer, and "tell me more"."""

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import answers
from bot.action_support import answer_question, knowledge_or_apology

LAST_TOPIC = "last_topic"


class ActionAnswerQuestion(Action):
    """Answers every ``ask_*`` intent from the curated knowledge base."""

    def name(self) -> str:
        """Action name."""
        return "action_answer_question"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Utters the answer, its sources and follow-up buttons.

        Returns:
            The answered topic in ``last_topic``, for follow-ups and "tell me
            more".
        """
        kb = knowledge_or_apology(dispatcher)
        if kb is None:
            return []
        topic = answer_question(kb, dispatcher, tracker)
        if topic is None:
            dispatcher.utter_message(response="utter_default")
            return []
        return [SlotSet(LAST_TOPIC, topic)]


class ActionTellMore(Action):
    """Gives the longer explanation of the topic answered last."""

    def name(self) -> str:
        """Action name."""
        return "action_tell_more"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Utters the detail of ``last_topic`` (or asks which topic)."""
        kb = knowledge_or_apology(dispatcher)
        if kb is None:
            return []
        reply = answers.detail(kb, tracker.get_slot(LAST_TOPIC))
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons)
        return []
