"""Which language a message is written in.

Detection is lingua's (``lingua-language-detector``: its models ship inside the
wheel, nothing is downloaded), over the languages a clinic's patients are
likely to write in. Short English chat ("ty", "nah"), medical jargon and names
fool any detector, so a message in a Latin script counts as another language
only when lingua ranks that language first *and* the message has more words of
that language (spaCy's stop words for it, its word table for Spanish, a few
chat words) than English words. Capitalised words after the first are left
out of that count: they are usually names ("José García").
"""

import functools
import re
from typing import Dict, FrozenSet, List

ENGLISH = "en"
SPANISH = "es"

# lingua's names of the languages it chooses between (more languages make
# short messages less sure), with spaCy's language code
CANDIDATES: Dict[str, str] = {
    "ENGLISH": "en",
    "SPANISH": "es",
    "FRENCH": "fr",
    "GERMAN": "de",
    "ITALIAN": "it",
    "PORTUGUESE": "pt",
    "POLISH": "pl",
    "ROMANIAN": "ro",
    "TURKISH": "tr",
    "ARABIC": "ar",
    "CHINESE": "zh",
    "URDU": "ur",
    "RUSSIAN": "ru",
}
# short chat words that spaCy's word lists do not hold
CHAT_WORDS: Dict[str, FrozenSet[str]] = {
    "en": frozenset({"ty", "thx", "thnx", "tysm", "pls", "plz", "hiya", "heya"})
    | frozenset({"nah", "yeah", "yep", "ok", "okie", "kk", "gtg", "ttyl", "appt"}),
    "es": frozenset({"hola", "gracias", "adiós", "adios", "vale", "sí", "buenas"})
    | frozenset({"si"}),
    "fr": frozenset({"bonjour", "merci", "oui", "salut", "au", "revoir"}),
    "de": frozenset({"hallo", "danke", "ja", "nein", "tschüss"}),
    "it": frozenset({"ciao", "grazie", "buongiorno", "sì", "prego"}),
    "pt": frozenset({"olá", "obrigado", "obrigada", "sim", "tchau"}),
    "pl": frozenset({"cześć", "dziękuję", "dzień", "dobry", "tak"}),
}
# the signs of written Spanish
SPANISH_MARKS = ("¿", "¡", "ñ")

_WORD = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=1)
def _detector():  # type: ignore[no-untyped-def]
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in CANDIDATES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


@functools.lru_cache(maxsize=1)
def _english_words() -> FrozenSet[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    from bot import domain_terms
    from bot.spelling import english_words

    return (
        english_words()
        | frozenset(STOP_WORDS)
        | frozenset(domain_terms.vocabulary())
        | CHAT_WORDS["en"]
    )


@functools.cache
def _words_of(language: str) -> FrozenSet[str]:
    """Common words of ``language``: spaCy's stop words, chat words, and for
    Spanish its whole word table."""
    import importlib

    from bot.spelling import known_words

    try:
        module = importlib.import_module(f"spacy.lang.{language}.stop_words")
        words = frozenset(module.STOP_WORDS)
    except ImportError:
        words = frozenset()
    if language == SPANISH:
        words |= known_words(SPANISH)
    return words | CHAT_WORDS.get(language, frozenset())


def _latin_share(words: List[str]) -> float:
    letters = [c for w in words for c in w]
    latin = [c for c in letters if c < "\u0250"]  # Latin letters end at U+024F
    return len(latin) / len(letters)


def detect(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in.

    Args:
        text: A message, in any language or none ("07700 900123").

    Returns:
        ``"en"`` unless another language is clear; e.g. ``"es"`` for "hola".
    """
    raw = _WORD.findall(text or "")
    if not raw:
        return ENGLISH
    values = _detector().compute_language_confidence_values(text)
    best = CANDIDATES.get(values[0].language.name, ENGLISH) if values else ENGLISH
    if best == ENGLISH:
        return ENGLISH
    if _latin_share(raw) < 0.5:
        return best  # Arabic, Chinese, Cyrillic script: the script tells
    counted = [w.lower() for i, w in enumerate(raw) if i == 0 or not w[0].isupper()]
    english, theirs = _english_words(), _words_of(best)
    # a word both languages have ("me", "no", "el") counts for neither
    native = sum(w in english and w not in theirs for w in counted)
    foreign = sum(w in theirs and w not in english for w in counted)
    if best == SPANISH and any(mark in text.lower() for mark in SPANISH_MARKS):
        foreign += 1
    return best if foreign > native else ENGLISH
