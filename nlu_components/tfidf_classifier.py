"""Rasa wrapper for the project's intent model (``bot.intent_model``)."""

import logging
from typing import Any, Dict, List, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.intent_model import IntentModel, IntentModelConfig
from nlu_components.stored_model import StoredModelComponent

logger = logging.getLogger(__name__)

MODEL_FILE = "intent_model.skops"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class TfidfIntentClassifier(StoredModelComponent, IntentClassifier):
    """TF-IDF word and character n-grams with logistic regression."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Defaults of ``bot.intent_model.IntentModelConfig``."""
        defaults = IntentModelConfig()
        return {
            "word_ngrams": list(defaults.word_ngrams),
            "char_ngrams": list(defaults.char_ngrams),
            "min_df": defaults.min_df,
            "C": defaults.c,
            "max_iter": defaults.max_iter,
            "random_seed": defaults.random_seed,
            "ranking_length": 10,
        }

    def _model_config(self) -> IntentModelConfig:
        return IntentModelConfig(
            word_ngrams=tuple(self._config["word_ngrams"]),
            char_ngrams=tuple(self._config["char_ngrams"]),
            min_df=int(self._config["min_df"]),
            c=float(self._config["C"]),
            max_iter=int(self._config["max_iter"]),
            random_seed=int(self._config["random_seed"]),
        )

    model_file = MODEL_FILE

    @classmethod
    def model_class(cls) -> Type[IntentModel]:
        """The intent model."""
        return IntentModel

    def train(self, training_data: TrainingData) -> Resource:
        """Trains on the intent examples and saves the model."""
        examples = [
            e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)
        ]
        return self._store(
            IntentModel(self._model_config()).fit(
                [e.get(TEXT) for e in examples], [e.get(INTENT) for e in examples]
            )
        )

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets each message's intent and intent ranking."""
        if self._model is None:
            return messages
        texts = [(m.get(TEXT) or "").strip() for m in messages]
        rankings = self._model.rank_many(texts, self._config["ranking_length"])
        for message, text, ranking in zip(messages, texts, rankings, strict=True):
            if not text:  # nothing to classify: "not understood", never a guess
                entries = [
                    {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 0.0}
                ]
            else:
                entries = [{"name": name, "confidence": p} for name, p in ranking]
            message.set(INTENT, entries[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, entries, add_to_output=True)
        return messages
