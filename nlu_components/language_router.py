"""Marks messages written in another language, so they are never answered as English.

Adds the message's language (``bot.language_id``) to the output as
``language`` and makes a message in another language ``other_language``: the
assistant says, in Spanish for Spanish, that it answers in English and gives
the clinic's contact details. A short yes or no ("sí", "no") keeps its
intent: it answers the question asked in any language; so does "no es una
urgencia" after the emergency message. An English message
the classifier took for ``other_language`` falls back to its next intent.
Emergencies are decided after this, by ``RedFlagOverride``, in any language.
"""

import logging
from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import language_id
from nlu_components.analysis import (
    ConfiguredComponent,
    fall_back_to_next_intent,
    intent_name,
    set_intent,
)

logger = logging.getLogger(__name__)

OUTPUT_KEY = "language"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class LanguageRouter(ConfiguredComponent, IntentClassifier):
    """Routes messages in other languages to one intent."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The intent for other languages, and the short answers that keep theirs."""
        return {
            "intent": "other_language",
            "keep_intents": ["affirm", "deny"],
            "keep_max_words": 2,
            "keep_always": ["not_emergency"],
        }

    def _keeps_intent(self, message: Message, text: str) -> bool:
        current = intent_name(message)
        return current in self._config["keep_always"] or (
            current in self._config["keep_intents"]
            and len(text.split()) <= self._config["keep_max_words"]
        )

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds ``language`` and routes other languages to one intent."""
        target = self._config["intent"]
        for message in messages:
            text = message.get(TEXT) or ""
            language = language_id.detect(text)
            message.set(OUTPUT_KEY, language, add_to_output=True)
            current = intent_name(message)
            if language != language_id.ENGLISH:
                if current != target and not self._keeps_intent(message, text):
                    logger.info("message in another language (%s)", language)
                    set_intent(message, target)
            elif current == target:
                fall_back_to_next_intent(message, excluded=[target])
        return messages
