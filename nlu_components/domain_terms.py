"""Entity extractor for the domain terms tagged by the project's spaCy ruler."""

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from bot.language import DomainAnalyser
from nlu_components.analysis import SpacyModelComponent, analysed


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    is_trainable=False,
    model_from="SpacyNLP",
)
class DomainTermExtractor(SpacyModelComponent, EntityExtractorMixin):
    """Adds complications, spine regions, anaesthesia types and symptoms.

    Values are canonical (``"infections"`` -> ``infection``, ``"L1"`` ->
    ``lumbar``) so actions and the knowledge base can use them directly.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """``entity_types``: which labels to output (all when None)."""
        return {"entity_types": None}

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Adds the domain terms of each message to its entities."""
        types = self._config["entity_types"]
        for message in messages:
            terms = DomainAnalyser.terms(analysed(message, model))
            found = [
                {
                    "entity": t.entity,
                    "value": t.value,
                    "start": t.start,
                    "end": t.end,
                    "confidence": 1.0,
                }
                for t in terms
                if types is None or t.entity in types
            ]
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(found),
                add_to_output=True,
            )
        return messages
