"""Decides the ``emergency`` intent from the emergency model and the red-flag rules.

Runs last, after the intent classifier, the emergency model, the
FallbackClassifier and the language router. The emergency model
(``nlu_components.emergency_classifier``, trained on emergencies against their
near-misses) gives P(a red flag is reported now); the rules' reading of the
message sets how sure it must be: little when the rules read a report ("my legs
went numb since the procedure"), more when they find no symptom they know, most
when they read the symptom as over, denied, hypothetical or general ("I had a
fever last week but I'm fine now"); a question moves the bar by a margin (less:
"since the op I can't hold my wee, can that wait until my appointment?" is a
report asked as a question). Without a trained model the rules decide alone. The intent
classifier's ``emergency`` is dropped whenever this says no, and the message
falls back to its next intent. The rules' reading is added to the output as
``red_flags`` for the actions (a safety line for symptoms that are not an
emergency now, or for severe pain).
"""

import logging
from typing import Any, Dict, List, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import red_flags
from nlu_components.analysis import (
    SpacyModelComponent,
    analysed,
    fall_back_to_next_intent,
    intent_name,
    set_intent,
)
from nlu_components.emergency_classifier import OUTPUT_KEY as PROBABILITY_KEY
from nlu_components.emergency_classifier import EmergencyClassifier

logger = logging.getLogger(__name__)

EMERGENCY = "emergency"
OUTPUT_KEY = "red_flags"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
    is_trainable=False,
    model_from="SpacyNLP",
)
class RedFlagOverride(SpacyModelComponent, IntentClassifier):
    """The red-flag rules decide what is an emergency."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """Needs the spaCy model and the classifiers before it."""
        return [SpacyNLP, IntentClassifier, EmergencyClassifier]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """``intent``: the intent an emergency becomes; ``model_above``: the
        emergency model's probability from which a message is an emergency, by
        the rules' reading of it; ``question_margin``: added for a message that
        asks something (chosen with the bars: below zero favours reports asked
        as questions, above zero spares general questions about symptoms);
        ``model_min_words``: shorter messages ("and after?", "my mum") are an
        emergency only on the rules' word. The bars and the margin are the ones
        with the fewest false alarms at 99.3% of the development set's
        emergencies, on out-of-fold probabilities
        (``python -m tools.tune_emergency``; see README, "Emergencies")."""
        return {
            "intent": EMERGENCY,
            "model_above": {
                red_flags.Kind.REPORT.value: 0.23,
                red_flags.Kind.SEVERE_PAIN.value: 0.94,
                red_flags.Kind.UNCLEAR.value: 0.02,
                red_flags.Kind.NONE.value: 0.51,
                red_flags.Kind.GENERAL.value: 0.56,
                red_flags.Kind.NOT_NOW.value: 0.59,
            },
            "question_margin": 0.05,
            "model_min_words": 3,
        }

    def _is_emergency(self, message: Message, verdict: red_flags.Verdict) -> bool:
        return is_emergency(
            message.get(TEXT) or "",
            verdict,
            message.get(PROBABILITY_KEY),
            self._config,
        )

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Sets or removes the emergency intent by the model and the rules."""
        target = self._config["intent"]
        for message in messages:
            verdict = red_flags.assess(analysed(message, model))
            message.set(
                OUTPUT_KEY,
                {"kind": verdict.kind.value, "symptoms": list(verdict.symptoms)},
                add_to_output=True,
            )
            current = intent_name(message)
            emergency = self._is_emergency(message, verdict)
            if emergency and current != target:
                logger.info("red-flag report overrides intent %s", current)
                set_intent(message, target)
            elif current == target and not emergency:
                logger.info("no red flag reported now (%s)", verdict.kind.value)
                fall_back_to_next_intent(message, excluded=[target])
        return messages


def is_emergency(
    text: str,
    verdict: red_flags.Verdict,
    probability: float | None,
    config: Dict[str, Any],
) -> bool:
    """The decision: the model's ``probability`` against the bar the rules'
    ``verdict`` sets (``config``: ``RedFlagOverride``'s); the rules alone
    without a model."""
    if probability is None:
        return verdict.is_emergency
    if len(text.split()) < config["model_min_words"] and not verdict.is_emergency:
        return False
    bar = config["model_above"][verdict.kind.value]
    if verdict.question:
        bar += config["question_margin"]
    return probability >= bar
