"""What the custom components share: one domain analysis per message, a base."""

from typing import Any, Dict, Iterable, List, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
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


class ConfiguredComponent(GraphComponent):
    """Base of the project's untrained components: a configuration, nothing more."""

    def __init__(self, config: Dict[str, Any]) -> None:
        """Keeps the component's configuration."""
        self._config = {**self.get_default_config(), **config}

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


class SpacyModelComponent(ConfiguredComponent):
    """Base of the untrained components that read the project's spaCy model."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """Needs the spaCy model."""
        return [SpacyNLP]


def intent_name(message: Message) -> str | None:
    """The intent the pipeline has chosen so far."""
    return (message.get(INTENT) or {}).get("name")


def set_intent(message: Message, name: str, confidence: float = 1.0) -> None:
    """Makes ``name`` the message's intent, first in its ranking."""
    intent = {"name": name, "confidence": confidence}
    ranking = [
        entry
        for entry in message.get(INTENT_RANKING_KEY) or []
        if entry.get("name") != name
    ]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)


def fall_back_to_next_intent(message: Message, excluded: Iterable[str]) -> None:
    """Replaces the intent by the best ranked one not in ``excluded``.

    With none left, the message becomes ``nlu_fallback``.
    """
    skipped = {*excluded, DEFAULT_NLU_FALLBACK_INTENT_NAME}
    for entry in message.get(INTENT_RANKING_KEY) or []:
        if entry.get("name") not in skipped:
            set_intent(message, entry["name"], entry.get("confidence", 0.0))
            return
    set_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)
