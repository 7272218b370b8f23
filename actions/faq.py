"""Answers from the knowledge base: the short answer, and "tell me more"."""

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from bot import answers
from bot.action_support import LAST_TOPIC, answer_question, knowledge_or_apology
from bot.request_form import REQUEST_FORM, relative_at_the_name_step
from bot.validation import NameAnswer


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
        if tracker.active_loop_name == REQUEST_FORM:
            relative = relative_at_the_name_step(
                (tracker.latest_message or {}).get("text"),
                tracker.get_slot(REQUESTED_SLOT),
            )
            if relative:  # "my mum" is who the request is for, not a topic
                return self._name_answer(dispatcher, relative)
        kb = knowledge_or_apology(dispatcher)
        if kb is None:
            return []
        topic = answer_question(kb, dispatcher, tracker)
        if topic is None:
            dispatcher.utter_message(response="utter_default")
            return []
        return [SlotSet(LAST_TOPIC, topic)]

    @staticmethod
    def _name_answer(
        dispatcher: CollectingDispatcher, answer: NameAnswer
    ) -> List[EventType]:
        """The name question answered with a relative: noted; the form asks
        for (or checks) the name next."""
        if not answer.name:
            dispatcher.utter_message(
                response="utter_request_for_relative", relative=answer.for_whom
            )
        return [
            SlotSet("for_whom", answer.for_whom),
            *([SlotSet("full_name", answer.name)] if answer.name else []),
        ]


class ActionTellMore(Action):
    """Gives the longer explanation of the topic answered last."""

    NAME = "action_tell_more"

    def name(self) -> str:
        """Action name."""
        return self.NAME

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
        reply = answers.detail(
            kb, tracker.get_slot(LAST_TOPIC), already_told=_detail_was_last(tracker)
        )
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons)
        return []


def _detail_was_last(tracker: Tracker) -> bool:
    """Whether the bot's last action before this message was "tell me more"
    (the topic's detail has just been given: asked again, there is no more)."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name") == ActionTellMore.NAME
    return False
