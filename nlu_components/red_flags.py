"""Decides the ``emergency`` intent from the red-flag rules and the classifier.

Runs last, after the intent classifier, the FallbackClassifier and the language
router. A report the rules recognise ("my legs went numb since the procedure",
"no puedo mover las piernas") becomes ``emergency`` however unsure the
classifier was. The classifier's own emergency is kept when it is sure
(``keep_above``) of a statement of a few words in which the rules find nothing
that says "not now": it knows wordings the rules do not. A question ("is it
normal to have some pain at the wound after?") is never an emergency on the
classifier's word alone. It is dropped when the rules read the symptoms as over,
denied, hypothetical or general ("I had a fever last week but I'm fine now"), or
for short messages ("and after?", "my mum"), and the message falls back to its
next intent. The rules' reading is added to
the output as ``red_flags`` for the actions (a safety line for symptoms that
are not an emergency now, or for severe pain).
"""

import logging
from typing import Any, Dict, List, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import red_flags
from nlu_components.analysis import (
    SpacyModelComponent,
    analysed,
    fall_back_to_next_intent,
    intent_name,
    set_intent,
)

logger = logging.getLogger(__name__)

EMERGENCY = "emergency"
OUTPUT_KEY = "red_flags"
# readings in which the rules found nothing that says "not now"
UNDISCOUNTED = (
    red_flags.Kind.NONE,
    red_flags.Kind.UNCLEAR,
    red_flags.Kind.SEVERE_PAIN,
)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
    is_trainable=False,
    model_from="SpacyNLP",
)
class RedFlagOverride(SpacyModelComponent, IntentClassifier):
    """The red-flag rules decide what is an emergency."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """Needs the spaCy model and an intent classifier before it."""
        return [SpacyNLP, IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """``intent``: the intent a reported red flag becomes; when to keep the
        classifier's own emergency (chosen on the development and held-out NLU
        sets; see README, "Emergencies")."""
        return {"intent": EMERGENCY, "keep_above": 0.5, "keep_min_words": 3}

    def _classifier_is_sure(self, message: Message, verdict: red_flags.Verdict) -> bool:
        confidence = next(
            (
                entry.get("confidence", 0.0)
                for entry in message.get(INTENT_RANKING_KEY) or []
                if entry.get("name") == self._config["intent"]
            ),
            0.0,
        )
        words = len((message.get(TEXT) or "").split())
        return (
            verdict.kind in UNDISCOUNTED
            and not verdict.question  # never a question on the classifier's word
            and confidence >= self._config["keep_above"]
            and words >= self._config["keep_min_words"]
        )

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Sets or removes the emergency intent by the rules' verdict."""
        target = self._config["intent"]
        for message in messages:
            verdict = red_flags.assess(analysed(message, model))
            message.set(
                OUTPUT_KEY,
                {"kind": verdict.kind.value, "symptoms": list(verdict.symptoms)},
                add_to_output=True,
            )
            current = intent_name(message)
            emergency = verdict.is_emergency or self._classifier_is_sure(
                message, verdict
            )
            if emergency and current != target:
                logger.info("red-flag report overrides intent %s", current)
                set_intent(message, target)
            elif current == target and not emergency:
                logger.info("no red flag reported now (%s)", verdict.kind.value)
                fall_back_to_next_intent(message, excluded=[target])
        return messages
