"""What several custom actions share: clinic details in responses, the KB.

Imports only the rasa_sdk (never Rasa server code), like the rest of ``bot``.
"""

import abc
import logging
from typing import Any, ClassVar, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import answers, fact_selection, knowledge
from bot.settings import load_clinic

logger = logging.getLogger(__name__)

# the topic answered last, for follow-ups and "tell me more" (domain/faq.yml)
LAST_TOPIC = "last_topic"

# an emergency paused a request form (domain/safety.yml)
PAUSED_REQUEST = "paused_request"

# a new id for each request form started: the request's de-duplication key, so
# a client's retry of the confirmation stores one request
REQUEST_INSTANCE = "request_instance"
# what the request form collects (domain/handoff.yml); cleared when a request
# is sent, declined or stopped (an emergency only pauses it)
REQUEST_SLOTS = (
    "full_name",
    "contact",
    "contact_type",
    "preferred_time",
    "preferred_date",
    "reason",
    "consent",
    "details_confirmed",
    "field_to_change",
    "failed_attempts",
    "for_whom",
    "outside_hours",
    "requested_slot",
    REQUEST_INSTANCE,
    PAUSED_REQUEST,
)


def cleared_request() -> List[EventType]:
    """Events that forget everything a request form collected."""
    return [SlotSet(slot, None) for slot in REQUEST_SLOTS]


def utter_with_clinic(
    dispatcher: CollectingDispatcher, response: str, **extra: Any
) -> None:
    """Utters ``response`` with the clinic's ``{clinic_*}`` and emergency number."""
    dispatcher.utter_message(
        response=response, **load_clinic().template_values(), **extra
    )


def knowledge_or_apology(
    dispatcher: CollectingDispatcher,
) -> knowledge.KnowledgeBase | None:
    """The knowledge base; if it cannot be read, apologises and returns None.

    The patient is told plainly and given the clinic's phone number; the error
    is logged (it holds no personal data).
    """
    try:
        return knowledge.load()
    except knowledge.KnowledgeError:
        logger.exception("knowledge base unavailable")
        utter_with_clinic(dispatcher, "utter_technical_problem")
        return None


def prepare_answers() -> None:
    """Loads the knowledge base and builds its answer index (about 1 s; 5 s
    more the first time, when the facts' embeddings are not cached yet). A
    knowledge file that cannot be read is logged here and apologised for at
    the first question."""
    try:
        fact_selection.index_for(knowledge.load())
    except knowledge.KnowledgeError:
        logger.exception("knowledge base unavailable")


# what the red-flag detector says about symptoms named in a question that
# earns a safety net ("if this is happening now, call ..."): asked in general,
# only named, or over
SAFETY_NET_KINDS = ("general", "unclear", "not_now")
SEVERE_PAIN_KIND = "severe_pain"


def _safety_lines(
    kb: knowledge.KnowledgeBase, message: dict[str, Any]
) -> tuple[str | None, str | None]:
    """What to say before the answer and after it, from the red-flag reading."""
    flags = message.get("red_flags") or {}
    values = load_clinic().template_values()
    if flags.get("kind") == SEVERE_PAIN_KIND:
        return kb.ui["severe_pain"].format(**values), None
    if flags.get("symptoms") and flags.get("kind") in SAFETY_NET_KINDS:
        return None, kb.ui["safety_net"].format(**values)
    return None, None


def answer_question(
    kb: knowledge.KnowledgeBase, dispatcher: CollectingDispatcher, tracker: Tracker
) -> str | None:
    """Answers the latest message from the knowledge base.

    Used by the FAQ action and by the request form (a question asked where an
    answer was expected is answered, not stored).

    Returns:
        The topic answered, or None (nothing uttered) if the message is not a
        knowledge question.
    """
    message = tracker.latest_message or {}
    question = answers.Question(
        intent=(message.get("intent") or {}).get("name") or "",
        text=message.get("text") or "",
        terms=[e.get("value") for e in message.get("entities") or []],
        last_topic=tracker.get_slot(LAST_TOPIC),
    )
    resolved = answers.resolve(kb, question)
    if resolved is None:
        return None
    first, extra = _safety_lines(kb, message)
    reply = answers.reply_for(kb, question, resolved, extra=extra, first=first)
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons)
    return resolved.topic.name


class ClinicResponseAction(Action, abc.ABC):
    """An action that utters one response filled with the clinic's details."""

    response: ClassVar[str]

    @abc.abstractmethod
    def name(self) -> str:
        """Action name."""

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Utters ``self.response``."""
        utter_with_clinic(dispatcher, self.response)
        return []
