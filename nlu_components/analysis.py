"""What the custom components share: one domain analysis per message, a base."""

from typing import Any, Dict, List, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.tokens import Doc

from bot.language import DomainAnalyser

DOC_KEY = "domain_doc"

# one analyser per loaded spaCy model (the model is loaded once by SpacyNLP)
_analysers: Dict[int, DomainAnalyser] = {}


def analysed(message: Message, model: SpacyModel) -> Doc:
    """The message's domain analysis, computed once and kept on the message."""
    doc = message.get(DOC_KEY)
    if doc is None:
        analyser = _analysers.get(id(model.model))
        if analyser is None:
            analyser = _analysers[id(model.model)] = DomainAnalyser(model.model)
        doc = analyser.parse(message.get(TEXT) or "")
        message.set(DOC_KEY, doc)
    return doc


class SpacyModelComponent(GraphComponent):
    """Base of the untrained components that read the project's spaCy model."""

    def __init__(self, config: Dict[str, Any]) -> None:
        """Keeps the component's configuration."""
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def required_components(cls) -> List[Type]:
        """Needs the spaCy model."""
        return [SpacyNLP]

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
