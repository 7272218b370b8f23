"""Answer selection: the fact that answers the point asked, the overview for a
broad question, or a plain "not covered" (bot/fact_selection.py).

The knowledge file is the real one; medical text is read from it.
"""

import pytest

from bot import fact_selection
from bot.fact_selection import FACT, NOT_COVERED, OVERVIEW, question_sentence
from bot.spelling import english_words


@pytest.fixture(scope="module")
def index(kb):
    return fact_selection.index_for(kb)


def test_a_long_message_is_answered_by_its_question_sentence():
    story = (
        "My mum is 84 and has had a bad back since she fell in the garden. "
        "The GP says it is a fracture and mentioned the cement injection. "
        "What actually happens during it? Thanks so much."
    )
    assert question_sentence(story) == "What actually happens during it?"


@pytest.mark.parametrize("name", ["risks", "recovery", "cement", "duration"])
def test_a_broad_question_gets_the_overview(kb, index, name):
    topic = kb.topics[name]
    assert index.choose(topic.title, topic).kind == OVERVIEW


def test_words_no_fact_uses_make_the_point_not_covered(kb, index):
    # ordinary English words that appear nowhere in the knowledge base, taken
    # from the dictionary here, not from a list of expected questions
    absent = sorted(
        w
        for w in english_words()
        if w.isalpha()
        and len(w) >= 7
        and w not in fact_selection.FUNCTION_WORDS
        and not index.known_as(fact_selection.stem(w))
    )[::4000][:6]
    assert len(absent) == 6
    cement = kb.topics["cement"]
    for word in absent:
        choice = index.choose(f"does the cement {word}?", cement)
        assert choice.kind == NOT_COVERED, (word, choice)
        assert choice.unknown == (word,)


def test_a_fact_is_found_by_the_questions_it_answers(kb, index):
    found = 0
    for fact in kb.facts.values():
        topic = kb.topics[fact.topic]
        choice = index.choose(fact.questions[0], topic)
        assert choice.kind != NOT_COVERED, (fact.id, fact.questions[0])
        found += choice.kind == FACT and choice.fact.id == fact.id
    assert found >= 0.6 * len(kb.facts)


def test_a_typo_and_a_word_of_the_same_family_are_forgiven(kb, index):
    fact = kb.facts["cement.hardening_time"]
    cement = kb.topics["cement"]
    assert index.choose("how long does the cement take to harden?", cement).fact == fact
    assert index.choose("how long does the cemnt take to harden?", cement).fact == fact
    assert (
        index.choose("how long does the cement take to go hard?", cement).fact == fact
    )


def test_a_question_in_other_words_finds_its_fact_by_meaning(kb, index):
    # the knowledge base gives times in hours, never in "minutes"
    assert not index.known_as(fact_selection.stem("minutes"))
    choice = index.choose("how many minutes per vertebra?", kb.topics["duration"])
    assert choice.kind == FACT
    assert choice.fact.topic == "duration"


def test_what_the_sources_do_say_comes_from_the_asked_topic(kb, index):
    choice = index.choose("does the cement get hot when it sets?", kb.topics["cement"])
    assert choice.kind == NOT_COVERED
    assert choice.nearest is not None
    assert choice.nearest.topic == "cement"
