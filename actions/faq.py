"""Answers from the knowledge base: the short answer, and "tell me more"."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import answers, knowledge
from bot.action_support import knowledge_or_apology
from bot.settings import load_clinic

LAST_TOPIC = "last_topic"
# what the red-flag detector says about symptoms named in a question
SAFETY_NET_KINDS = ("general", "unclear")


def _safety_net(kb: knowledge.KnowledgeBase, message: Dict[str, Any]) -> str | None:
    flags = message.get("red_flags") or {}
    if flags.get("symptoms") and flags.get("kind") in SAFETY_NET_KINDS:
        return kb.ui["safety_net"].format(**load_clinic().template_values())
    return None


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
        message = tracker.latest_message or {}
        question = answers.Question(
            intent=(message.get("intent") or {}).get("name") or "",
            text=message.get("text") or "",
            terms=[e.get("value") for e in message.get("entities") or []],
            last_topic=tracker.get_slot(LAST_TOPIC),
        )
        resolved = answers.resolve(kb, question)
        if resolved is None:
            dispatcher.utter_message(response="utter_default")
            return []
        reply = answers.answer(kb, resolved, extra=_safety_net(kb, message))
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons)
        return [SlotSet(LAST_TOPIC, resolved.topic.name)]


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
