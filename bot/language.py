"""Reads a message with the project's spaCy pipeline: spelling, terms, lemmas.

Used by the Rasa NLU components in ``nlu_components/`` and directly by tests,
so the same analysis runs in training, serving and evaluation.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import List, Union

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from bot.spelling import SpellingCorrector


@dataclass(frozen=True)
class Term:
    """A domain term found in a message, by entity type and canonical value."""

    entity: str
    value: str
    start: int
    end: int
    text: str


class DomainAnalyser:
    """Runs the domain pipeline on a message after correcting misspellings."""

    def __init__(
        self, nlp: Language, corrector: SpellingCorrector | None = None
    ) -> None:
        """Creates an analyser.

        Args:
            nlp: The project's spaCy pipeline (see ``bot.spacy_pipeline``).
            corrector: Spelling corrector; the domain-term one by default.
        """
        self._nlp = nlp
        self._corrector = corrector or SpellingCorrector()

    @classmethod
    def load(cls, path: Union[str, Path]) -> "DomainAnalyser":
        """Loads the pipeline saved at ``path``."""
        return cls(spacy.load(path))

    def parse(self, text: str) -> Doc:
        """Tokenises, corrects spelling, lemmatises and tags domain terms.

        The corrected words keep the original token boundaries and spacing, so
        character offsets of the result match the original (lowercased) text
        wherever no word was corrected.

        Args:
            text: The user's message.

        Returns:
            The analysed document.
        """
        tokens = self._nlp.tokenizer((text or "").lower())
        words = self._corrector.correct_words([t.text for t in tokens])
        doc = Doc(
            self._nlp.vocab, words=words, spaces=[bool(t.whitespace_) for t in tokens]
        )
        for _, component in self._nlp.pipeline:
            doc = component(doc)
        # keep the user's own words for offsets and display
        doc.user_data["source_offsets"] = [(t.idx, t.idx + len(t)) for t in tokens]
        doc.user_data["source_text"] = text or ""
        return doc

    @staticmethod
    def terms(doc: Doc) -> List[Term]:
        """Domain terms in ``doc``, with offsets into the original text."""
        offsets = doc.user_data.get("source_offsets")
        source = doc.user_data.get("source_text", doc.text)
        found = []
        for ent in doc.ents:
            if offsets:
                start, end = offsets[ent.start][0], offsets[ent.end - 1][1]
            else:
                start, end = ent.start_char, ent.end_char
            found.append(
                Term(
                    entity=ent.label_,
                    value=ent.ent_id_ or ent.text,
                    start=start,
                    end=end,
                    text=source[start:end],
                )
            )
        return found
