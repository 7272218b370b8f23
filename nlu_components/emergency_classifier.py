"""Rasa wrapper for the emergency model (``bot.emergency_model``).

Trains on the NLU examples (``emergency`` against every other intent) and on
the red-flag development set (emergencies against their near-misses), then
adds ``emergency_probability`` to each message for ``RedFlagOverride``, which
makes the decision.
"""

from typing import Any, Dict, List, Tuple, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.emergency_model import EmergencyModel, EmergencyModelConfig, learning_set
from bot.paths import PROJECT_ROOT
from bot.red_flag_sets import DEVELOPMENT_SET, load_cases
from nlu_components.stored_model import StoredModelComponent

MODEL_FILE = "emergency_model.skops"
OUTPUT_KEY = "emergency_probability"


def labelled_examples(
    training_data: TrainingData, intent: str
) -> List[Tuple[str, bool]]:
    """Each NLU example's text, and whether its intent is ``intent``."""
    return [
        (e.get(TEXT), e.get(INTENT) == intent)
        for e in training_data.intent_examples
        if e.get(TEXT) and e.get(INTENT)
    ]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class EmergencyClassifier(StoredModelComponent):
    """P(a red flag is reported now), from two sentence embeddings and n-grams."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """``intent``: the NLU intent whose examples are emergencies;
        ``development_set``: emergencies and near-misses in patients' words,
        counted ``development_weight`` times as much as an NLU example."""
        defaults = EmergencyModelConfig()
        return {
            "intent": "emergency",
            "development_set": DEVELOPMENT_SET,
            "development_weight": 30.0,
            "C": defaults.c,
            "random_seed": defaults.random_seed,
        }

    model_file = MODEL_FILE

    @classmethod
    def model_class(cls) -> Type[EmergencyModel]:
        """The emergency model."""
        return EmergencyModel

    def train(self, training_data: TrainingData) -> Resource:
        """Trains on the NLU examples and the development set; saves the model."""
        development = load_cases(PROJECT_ROOT / self._config["development_set"])
        learning = learning_set(
            labelled_examples(training_data, self._config["intent"]),
            [(case.text, case.is_emergency) for case in development],
            self._config["development_weight"],
        )
        config = EmergencyModelConfig(
            c=float(self._config["C"]), random_seed=int(self._config["random_seed"])
        )
        return self._store(EmergencyModel(config).fit_set(learning))

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds ``emergency_probability`` to each message."""
        if self._model is None:
            return messages
        texts = [(m.get(TEXT) or "").strip() for m in messages]
        for message, probability in zip(
            messages, self._model.probabilities(texts), strict=True
        ):
            message.set(OUTPUT_KEY, probability, add_to_output=True)
        return messages
