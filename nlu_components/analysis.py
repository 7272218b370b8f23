"""Shares one domain analysis of a message between the custom components."""

from typing import Dict

from rasa.nlu.utils.spacy_utils import SpacyModel
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
