"""Forgiving spelling for domain words ("feaver", "numbess", "bleding").

Only words that are neither English nor Spanish (not in spaCy's lemma lookup
tables) and are close to a domain word are corrected, so real words such as
"breeding", "forever" or "responde" are never changed into symptoms.
"""

import difflib
import functools
import gzip
import json
from pathlib import Path
from typing import Dict, FrozenSet, List, Sequence

import spacy_lookups_data

from bot import domain_terms

MIN_LENGTH = 4
# words of this language are never "corrected" into English domain words
SPANISH = "es"
CUTOFF = 0.84


@functools.lru_cache(maxsize=4)
def lemma_lookup(language: str) -> Dict[str, str]:
    """spaCy's lemma table of ``language``: word form -> lemma."""
    table = (
        Path(spacy_lookups_data.__file__).parent
        / "data"
        / f"{language}_lemma_lookup.json.gz"
    )
    with gzip.open(table, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@functools.lru_cache(maxsize=4)
def known_words(language: str) -> FrozenSet[str]:
    """Known word forms of ``language``: every form and lemma in its spaCy table."""
    lookup = lemma_lookup(language)
    return frozenset(w.lower() for w in lookup) | frozenset(
        v.lower() for v in lookup.values()
    )


def english_words() -> FrozenSet[str]:
    """Known English word forms."""
    return known_words("en")


class SpellingCorrector:
    """Maps misspelt words to the closest domain word."""

    def __init__(
        self,
        vocabulary: Sequence[str] | None = None,
        languages: Sequence[str] = ("en", SPANISH),
    ) -> None:
        """Creates a corrector.

        Args:
            vocabulary: Words to correct towards; defaults to the domain terms.
            languages: Whose words are never corrected (English and Spanish
                unless only English text is read: each table is ~100 MB).
        """
        self._vocabulary = list(vocabulary or domain_terms.vocabulary())
        # the tables are shared, never copied into one set
        self._known = [known_words(language) for language in languages]
        self._known.append(frozenset(self._vocabulary))

    def correct_word(self, word: str) -> str:
        """Returns the corrected form of one lowercase word (or the word itself)."""
        if len(word) < MIN_LENGTH or not word.isalpha():
            return word
        if any(word in known for known in self._known):
            return word
        matches = difflib.get_close_matches(word, self._vocabulary, n=1, cutoff=CUTOFF)
        return matches[0] if matches else word

    def correct_words(self, words: Sequence[str]) -> List[str]:
        """Corrects every word of a tokenised text, keeping the token count."""
        return [self.correct_word(word) for word in words]
