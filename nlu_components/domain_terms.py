"""Entity extractor for the domain terms tagged by the project's spaCy ruler."""

from typing import Any, Dict, List, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from bot.language import DomainAnalyser
from nlu_components.analysis import analysed


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    is_trainable=False,
    model_from="SpacyNLP",
)
class DomainTermExtractor(GraphComponent, EntityExtractorMixin):
    """Adds complications, spine regions, anaesthesia types and symptoms.

    Values are canonical (``"infections"`` -> ``infection``, ``"L1"`` ->
    ``lumbar``) so actions and the knowledge base can use them directly.
    """

    @classmethod
    def required_components(cls) -> List[Type]:
        """Needs the spaCy model."""
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """``entity_types``: which labels to output (all when None)."""
        return {"entity_types": None}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Creates the extractor."""
        self._types = config.get("entity_types")

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Creates the component (see parent class)."""
        return cls(config)

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Adds the domain terms of each message to its entities."""
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
                if self._types is None or t.entity in self._types
            ]
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(found),
                add_to_output=True,
            )
        return messages
