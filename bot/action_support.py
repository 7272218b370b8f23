"""What several custom actions share: clinic details in responses, the KB.

Imports only the rasa_sdk (never Rasa server code), like the rest of ``bot``.
"""

import abc
import logging
from typing import Any, ClassVar, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import knowledge
from bot.settings import load_clinic

logger = logging.getLogger(__name__)


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
