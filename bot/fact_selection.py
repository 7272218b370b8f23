"""Which fact answers a question, or that the sources do not say.

The NLU names the topic; this module picks the answer within it:

- The question sentence is found (a long story is answered by its question).
- Its focus is the words that carry the point: content words, lemmatised and
  with spelling forgiven; question words, fillers and the words that only
  name the topic ("risks" in "what are the risks?") are left out.
- A focus word that appears nowhere in what the knowledge base says (the
  facts, their source sentences and the questions they answer, the topic
  texts) means the point is not covered: "golf", "hot", "smoking". Nothing
  lists the words that are not covered, so it works for words no one thought
  of; the price is that an answerable question in words the knowledge base
  never uses is taken as not covered (measured in ``make eval``).
- Otherwise the facts of the topic and its neighbours are ranked by BM25 over
  their words; a fact that has the whole focus (or two thirds of it) answers,
  and a question with no focus beyond the topic gets the topic's overview.
- A question in other words than the facts' still gets a fact when it means
  the same as one of the fact's questions (MiniLM sentence embeddings).

Pure functions over the knowledge base (no Rasa); built once per knowledge
base and cached.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, FrozenSet, Iterable, List, Sequence, Set, Tuple

import numpy as np

from bot import domain_terms
from bot.knowledge import Fact, KnowledgeBase, Topic
from bot.paths import PROJECT_ROOT
from bot.sentence_embeddings import CachedEmbeddings, encoder
from bot.spelling import SpellingCorrector, english_words, lemma_lookup

OVERVIEW = "overview"
FACT = "fact"
NOT_COVERED = "not_covered"
# every word is known, but no one fact has them all together
PARTIAL_ANSWER = "partial"

# words that never carry the point of a question: function words, question
# words, chat fillers, the people a carer writes about, and the procedure's name
FUNCTION_WORDS = frozenset(
    """a an the this that these those it its it's i me my mine we us our you your
    he him his she her they them their one ones someone anyone somebody anybody
    people person patient patients is am are was were be been being do does did
    done doing have has had having can could will would shall should may might
    must need needs needed to of in on at by for with from into onto about as
    than then so and or but if because while when whenever what whats which who
    whom whose where why how whether there here any some all each every no not
    nor dont don't doesn't didn't cant can't won't isn't aren't im i'm ive i've
    id i'd ill i'll youre you're very just also too really actually exactly
    quite much many more most lot lots bit kind sort thing things stuff get gets
    got getting go goes going gone make makes made let know tell say said ask
    asking question questions wonder wondering want wanted like would please
    thanks thank hi hello hey dear ok okay yes yeah oh um well sure think
    thought guess hope hoping worried worry scared afraid nervous anxious
    concerned curious mum mom mother dad father husband wife son daughter
    grandmother grandma gran nan granny grandfather grandpa grandad sister
    brother aunt uncle partner friend neighbour neighbor family parent parents
    elderly old year years age aged doctor doctors dr vertebroplasty
    vertebroplasties procedure procedures treatment operation op surgery done
    usually normally generally typically ever still yet already again soon
    possible able likely anything something everything nothing way ways
    mention mentioned talk talked explain explained hear heard read say says
    supposed idea sorry honestly basically basic plain simple simply english
    word words term terms summary brief nutshell mean means meaning today
    ca wo sha wont doesnt didnt isnt arent wasnt havent hasnt shouldnt
    couldnt wouldnt since rather anywhere somewhere particular roughly
    approximately approx around wants wanted start starts out up off over
    away real really online
    """.split()
)
# a focus word is compared by its stem: lemma, British spelling and common
# endings folded, so "painful" meets "pain" and "anaesthetic" "anesthetic"
_ENDINGS = ("fulness", "ful", "less", "ness", "ly", "ing", "ed", "es", "s")
MIN_STEM = 3

# words of one family share this many first letters (see FactIndex.known_as)
FAMILY_PREFIX = 5
FAMILY_SLACK = 2

# Meaning (MiniLM sentence embeddings, cosine): a question in words the
# knowledge base never uses is still answered by a fact of its topic (or a
# neighbour) when it means the same as one of the fact's questions or its
# text; a question whose words are all known, but never together in one
# fact, needs less. Chosen on development questions (the NLU's topic examples
# and questions the sources do not cover, written by the engineer), never on
# the evaluation set.
SAME_MEANING = 0.80
CLOSE_MEANING = 0.70
# ... or, by words alone, when one fact has two thirds of its focus words
MOST_OF_THE_POINT = 0.66
# the fact texts' embeddings, kept between starts (patients' questions are
# never written there)
FACT_VECTORS = PROJECT_ROOT / "var" / "cache" / "fact_vectors.npz"

# BM25 (the usual constants)
K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Choice:
    """What answers a question: a fact, the overview, or nothing covered."""

    kind: str  # FACT, OVERVIEW or NOT_COVERED
    topic: Topic
    fact: Fact | None = None
    # the user's words the sources never mention (for NOT_COVERED)
    unknown: Tuple[str, ...] = ()
    # the closest fact of the topic (for NOT_COVERED: "what they do say")
    nearest: Fact | None = None


def stem(word: str) -> str:
    """The form a word is compared by."""
    word = lemma_lookup("en").get(word, word).replace("ae", "e")
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def words(text: str) -> List[str]:
    """Lower-case words of ``text``; contractions opened ("who's" -> "who",
    "can't" -> "ca not")."""
    text = re.sub(r"n't\b", " not", text.lower().replace("’", "'"))
    return re.findall(r"[a-z0-9]+", re.sub(r"'(?:s|re|d|ll|ve|m)\b", "", text))


def question_sentence(text: str) -> str:
    """The sentence that asks: the last one with a question mark, else the
    last one starting with a question word, else the whole message."""
    parts = [p.strip() for p in re.split(r"(?<=[.!?])\s+|\n+", text) if p.strip()]
    asked = [p for p in parts if p.endswith("?")]
    if asked:
        return asked[-1]
    starts = ("what", "how", "when", "why", "where", "who", "which", "is ", "are ")
    starts += ("can ", "could ", "will ", "would ", "do ", "does ", "should ")
    opening = [p for p in parts if p.lower().startswith(starts)]
    return opening[-1] if opening else text


def _terms(text: str) -> List[str]:
    """Canonical values of the domain terms named in ``text`` ("neck" ->
    "=cervical"), so synonyms meet."""
    lower = " " + " ".join(words(text)) + " "
    found = []
    for values in domain_terms.PHRASES.values():
        for canonical, phrases in values.items():
            if any(
                f" {p.lower()} " in lower or f" {p.lower()}s " in lower for p in phrases
            ):
                found.append("=" + canonical)
    return found


def _stems(text: str) -> List[str]:
    return [stem(w) for w in words(text)] + _terms(text)


class FactIndex:
    """The knowledge base's facts, ready to be ranked against questions."""

    def __init__(
        self,
        kb: KnowledgeBase,
        encode: Callable[[Sequence[str]], np.ndarray] | None = None,
        cache: Path | None = None,
    ) -> None:
        """Indexes the facts of ``kb``.

        Args:
            kb: The knowledge base.
            encode: Sentence embeddings (unit vectors), for questions worded
                differently from the facts; None ranks by words alone.
            cache: Where the facts' embeddings are kept between starts.
        """
        self.kb = kb
        self._encode = encode
        self._last_embedded: Tuple[str | None, np.ndarray | None] = (None, None)
        self._facts = list(kb.facts.values())
        if encode is not None:
            texts, owners = [], []
            for number, fact in enumerate(self._facts):
                for text in (fact.text, *fact.questions):
                    texts.append(text)
                    owners.append(number)
            self._vectors = CachedEmbeddings(cache, encode)(texts)
            self._owners = np.array(owners)
        self._docs: Dict[str, Counter] = {}
        for fact in kb.facts.values():
            texts = [fact.text, *(q.text for q in fact.quotes), *fact.questions]
            self._docs[fact.id] = Counter(s for t in texts for s in _stems(t))
        topic_texts = [
            text
            for topic in kb.topics.values()
            for text in (topic.title, topic.answer, topic.detail or "")
            + tuple(f.text for f in topic.focus.values())
        ]
        said = Counter(s for t in topic_texts for s in _stems(t))
        for doc in self._docs.values():
            said.update(doc)
        self.vocabulary: FrozenSet[str] = frozenset(said)
        self._by_prefix: Dict[str, List[str]] = {}
        for known in sorted(self.vocabulary):
            self._by_prefix.setdefault(known[:FAMILY_PREFIX], []).append(known)
        self._document_frequency = Counter(
            s for doc in self._docs.values() for s in set(doc)
        )
        self._average_length = sum(sum(d.values()) for d in self._docs.values()) / max(
            1, len(self._docs)
        )
        spelled = {w for t in topic_texts for w in words(t)}
        for fact in kb.facts.values():
            for text in (fact.text, *fact.questions, *(q.text for q in fact.quotes)):
                spelled.update(words(text))
        self._speller = SpellingCorrector(sorted(spelled), languages=("en",))

    def focus(self, sentence: str, topic: Topic) -> List[Tuple[str, str]]:
        """(word as typed, stem) of each word that carries the point of the
        question ``sentence``."""
        naming = set(_stems(f"{topic.name.replace('_', ' ')} {topic.title}"))
        found = []
        english = english_words()
        for word in words(sentence):
            if word in FUNCTION_WORDS or word.isdigit() or len(word) < 2:
                continue
            corrected = self._speller.correct_word(word)
            stemmed = stem(corrected)
            if corrected in FUNCTION_WORDS or stemmed in naming:
                continue
            if not self.known_as(stemmed) and corrected not in english:
                continue  # a typo or a name nothing can be said about either way
            found.append((word, stemmed))
        return found

    def known_as(self, stemmed: str) -> Tuple[str, ...]:
        """The knowledge base's stems a question stem meets: itself, or words
        of the same family ("prepare" / "preparation", "operating" /
        "operation"): a shared beginning of at least five letters that leaves
        at most two letters of the shorter word."""
        if stemmed in self.vocabulary:
            return (stemmed,)
        if len(stemmed) < FAMILY_PREFIX:
            return ()
        return tuple(
            known
            for known in self._by_prefix.get(stemmed[:FAMILY_PREFIX], ())
            if _shared_beginning(known, stemmed)
            >= max(FAMILY_PREFIX, min(len(known), len(stemmed)) - FAMILY_SLACK)
        )

    def _score(self, fact: Fact, focus: Sequence[Tuple[str, ...]]) -> Tuple[float, int]:
        """BM25 of the fact for the focus (each a family of stems), and how
        many of the focus words it has."""
        doc = self._docs[fact.id]
        length = sum(doc.values())
        total = len(self._docs)
        score, matched = 0.0, 0
        for family in focus:
            count = sum(doc.get(term, 0) for term in family)
            if not count:
                continue
            matched += 1
            df = max(self._document_frequency[term] for term in family)
            idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
            norm = K1 * (1 - B + B * length / self._average_length)
            score += idf * count * (K1 + 1) / (count + norm)
        return score, matched

    def ranked(
        self, focus: Sequence[Tuple[str, ...]], topic: Topic
    ) -> List[Tuple[float, int, Fact]]:
        """The facts of the topic and its neighbours that share a focus word:
        the most focus words first, then the topic's own, then by score."""
        near, scored = _near(topic), []
        for fact in self.kb.facts.values():
            if fact.topic not in near:
                continue
            score, matched = self._score(fact, focus)
            if matched:
                scored.append((score, matched, fact))
        return sorted(scored, key=lambda s: (-s[1], s[2].topic != topic.name, -s[0]))

    def _embedding(self, text: str) -> np.ndarray:
        """The question's embedding, computed once when several topics are
        tried for the same message (only the last question is kept)."""
        if self._last_embedded[0] != text:
            self._last_embedded = (text, self._encode([text])[0])
        return self._last_embedded[1]

    def closest(self, text: str, topic: Topic) -> Tuple[float, Fact | None]:
        """The fact of the topic or its neighbours closest in meaning to
        ``text``, and how close (cosine); (0, None) without embeddings."""
        if self._encode is None:
            return 0.0, None
        near = _near(topic)
        similarity = self._vectors @ self._embedding(text)
        best = np.full(len(self._facts), -1.0)
        np.maximum.at(best, self._owners, similarity)
        for number, fact in enumerate(self._facts):
            if fact.topic not in near:
                best[number] = -1.0
        number = int(np.argmax(best))
        return float(best[number]), self._facts[number]

    def choose(self, text: str, topic: Topic, terms: Iterable[str] = ()) -> Choice:
        """The answer to ``text``, asked about ``topic``."""
        sentence = question_sentence(text)
        focus = self.focus(sentence, topic)
        families = [(word, self.known_as(stemmed)) for word, stemmed in focus]
        unknown = tuple(dict.fromkeys(w for w, family in families if not family))
        groups = list(dict.fromkeys(family for _, family in families if family))
        for term in [*_terms(sentence), *(f"={t}" for t in terms)]:
            if (term,) not in groups:
                groups.append((term,))
        ranked = self.ranked(groups, topic)
        own = [r for r in ranked if r[2].topic == topic.name]
        nearest = (own or ranked or [(0, 0, None)])[0][2]
        if not unknown and not groups:
            return Choice(OVERVIEW, topic)
        _, matched, best = ranked[0] if ranked else (0, 0, None)
        if not unknown and best is not None and matched == len(groups):
            return Choice(FACT, self.kb.topics[best.topic], fact=best)
        similarity, closest = self.closest(sentence, topic)
        if closest is not None and similarity >= (
            SAME_MEANING if unknown else CLOSE_MEANING
        ):
            return Choice(FACT, self.kb.topics[closest.topic], fact=closest)
        if unknown:
            return Choice(NOT_COVERED, topic, unknown=unknown, nearest=nearest)
        if ranked and ranked[0][1] / len(groups) >= MOST_OF_THE_POINT:
            return Choice(FACT, self.kb.topics[best.topic], fact=best)
        return Choice(PARTIAL_ANSWER, topic, nearest=nearest)


def _near(topic: Topic) -> Set[str]:
    """The topic and its neighbours (its follow-ups): where answers are sought."""
    return {topic.name, *topic.follow_ups}


def _shared_beginning(one: str, other: str) -> int:
    """How many first letters two words share."""
    return next(
        (i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b),
        min(len(one), len(other)),
    )


_INDEXES: Dict[int, FactIndex] = {}
MAX_INDEXES = 4


def index_for(kb: KnowledgeBase) -> FactIndex:
    """The index of a knowledge base, built once per loaded knowledge base
    (``knowledge.load`` returns the same object until the file changes)."""
    index = _INDEXES.get(id(kb))
    if index is None or index.kb is not kb:
        if len(_INDEXES) >= MAX_INDEXES:
            _INDEXES.clear()
        index = _INDEXES[id(kb)] = FactIndex(kb, encoder().encode, FACT_VECTORS)
    return index
