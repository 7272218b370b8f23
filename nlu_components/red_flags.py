"""Overrides the intent when a message reports a red-flag symptom.

Runs after the intent classifier and the FallbackClassifier: a report such as
"my legs went numb since the procedure" becomes ``emergency`` however unsure
the classifier was, and a general question wrongly classified as an emergency
("is numbness a possible complication?") falls back to the next intent.
"""

import logging
from typing import Any, Dict, List, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot import red_flags
from nlu_components.analysis import SpacyModelComponent, analysed

logger = logging.getLogger(__name__)

EMERGENCY = "emergency"
OUTPUT_KEY = "red_flags"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
    is_trainable=False,
    model_from="SpacyNLP",
)
class RedFlagOverride(SpacyModelComponent, IntentClassifier):
    """Rule-based safety net on top of the statistical intent classifier."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """Needs the spaCy model and an intent classifier before it."""
        return [SpacyNLP, IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """``intent``: the intent a reported red flag becomes."""
        return {"intent": EMERGENCY}

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Promotes reported red flags to the emergency intent."""
        target = self._config["intent"]
        for message in messages:
            verdict = red_flags.assess(analysed(message, model))
            message.set(
                OUTPUT_KEY,
                {"kind": verdict.kind.value, "symptoms": list(verdict.symptoms)},
                add_to_output=True,
            )
            current = (message.get(INTENT) or {}).get("name")
            if verdict.is_emergency and current != target:
                logger.info("red-flag report overrides intent %s", current)
                self._set_intent(message, {"name": target, "confidence": 1.0})
            elif verdict.kind is red_flags.Kind.GENERAL and current == target:
                logger.info("general symptom question: not an emergency")
                self._set_intent(message, self._next_best(message, target))
        return messages

    @staticmethod
    def _next_best(message: Message, target: str) -> Dict[str, Any]:
        for entry in message.get(INTENT_RANKING_KEY) or []:
            if entry.get("name") not in (target, DEFAULT_NLU_FALLBACK_INTENT_NAME):
                return dict(entry)
        return {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 1.0}

    @staticmethod
    def _set_intent(message: Message, intent: Dict[str, Any]) -> None:
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get("name") != intent["name"]
        ]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
