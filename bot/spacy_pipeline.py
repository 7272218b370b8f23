"""Builds the project's own spaCy pipeline from ``spacy.blank("en")``.

No pretrained English model can be downloaded here, so the pipeline is made
from parts that ship with spaCy and ``spacy-lookups-data``: a sentencizer, the
lookup lemmatizer and an entity ruler for the domain terms. It only uses
built-in factories, so ``spacy.load`` (and Rasa's ``SpacyNLP``) can load it
without importing project code.
"""

from pathlib import Path
from typing import Any, Dict, List

import spacy
from spacy.language import Language

from bot import domain_terms

DEFAULT_PATH = Path("var/spacy/en_vertebroplasty")
PIPELINE_NAME = "vertebroplasty"
PIPELINE_VERSION = "1.0.0"


def _phrase_pattern(nlp: Language, phrase: str) -> List[Dict[str, str]]:
    """Turns a plain phrase into a lemma-based token pattern."""
    return [{"LEMMA": token.lemma_} for token in nlp(phrase.lower())]


def entity_patterns(nlp: Language) -> List[Dict[str, Any]]:
    """All entity-ruler patterns for the domain terms.

    Args:
        nlp: A pipeline whose lemmatizer is initialised (used to lemmatise
            the phrases the same way incoming text will be).

    Returns:
        Entity-ruler patterns whose ``id`` is the canonical value.
    """
    patterns: List[Dict[str, Any]] = []
    for label, values in domain_terms.PHRASES.items():
        for canonical, phrases in values.items():
            for phrase in phrases:
                patterns.append(
                    {
                        "label": label,
                        "id": canonical,
                        "pattern": _phrase_pattern(nlp, phrase),
                    }
                )
    for label, values in domain_terms.PHRASES_AS_WRITTEN.items():
        for canonical, phrases in values.items():
            for phrase in phrases:
                words = nlp.tokenizer(phrase.lower())
                patterns.append(
                    {
                        "label": label,
                        "id": canonical,
                        "pattern": [{"LOWER": token.lower_} for token in words],
                    }
                )
    for canonical, token_patterns in domain_terms.SYMPTOM_PATTERNS.items():
        for pattern in token_patterns:
            patterns.append({"label": "symptom", "id": canonical, "pattern": pattern})
    return patterns


def build() -> Language:
    """Builds the pipeline in memory.

    Returns:
        A blank English pipeline with sentencizer, lookup lemmatizer and an
        entity ruler holding every domain term.
    """
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # initialize() loads the lookup tables; the ruler is added afterwards
    # because initialising a ruler clears the patterns it holds.
    nlp.initialize()
    patterns = entity_patterns(nlp)
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(patterns)
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = PIPELINE_VERSION
    nlp.meta["description"] = "Blank English + lookup lemmas + domain entity ruler"
    return nlp


def save(path: Path = DEFAULT_PATH) -> Path:
    """Builds the pipeline and writes it to ``path``.

    Args:
        path: Target directory (created if needed, replaced if present).

    Returns:
        The directory written.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    build().to_disk(path)
    return path
