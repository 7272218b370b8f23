"""The knowledge base: complete, well formed, sourced, plain and safe."""

import re
from typing import Set

import pytest

from bot import knowledge
from bot.paths import SOURCES_DIR
from tests.readability import grade, sentences

NUMBER_WORDS = {
    "half": "0.5",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
}

# Where the sources disagree, the answer must say so and name both sides.
DISAGREEMENTS = {
    "duration": ("half an hour", "one hour"),
    "recovery": ("6-8 hours", "two hours"),
    "hospital_stay": ("24 hours", "same day"),
    "new_fractures": ("10%", "less likely to break again"),
    "specialist": ("neuroradiologist", "spine surgeon"),
}


def numbers_in(text: str) -> Set[str]:
    """Every figure in ``text``, digits and number words alike ("two" -> "2")."""
    found = set(re.findall(r"\d+(?:\.\d+)?", text))
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in NUMBER_WORDS:
            found.add(NUMBER_WORDS[word])
    return found


def source_text(*files: str) -> str:
    return " ".join((SOURCES_DIR / f).read_text(encoding="utf-8") for f in files)


def test_every_required_topic_is_present(kb):
    assert set(knowledge.REQUIRED_TOPICS) <= set(kb.topics)


@pytest.mark.parametrize("name", knowledge.REQUIRED_TOPICS)
def test_topic_is_well_formed(kb, name):
    topic = kb.topics[name]
    assert 2 <= sentences(topic.answer) <= 4, topic.answer
    assert 2 <= len(topic.follow_ups) <= 3
    assert name not in topic.follow_ups
    assert topic.title.endswith("?")
    for file in topic.sources:
        assert (SOURCES_DIR / file).is_file(), file


@pytest.mark.parametrize("name", knowledge.REQUIRED_TOPICS)
def test_every_figure_appears_in_the_cited_sources(kb, name):
    topic = kb.topics[name]
    cited = numbers_in(source_text(*topic.sources))
    for text in filter(None, (topic.answer, topic.detail)):
        assert numbers_in(text) <= cited, (name, numbers_in(text) - cited)
    for key, focus in topic.focus.items():
        missing = numbers_in(focus.text) - numbers_in(source_text(*focus.sources))
        assert not missing, (name, key, missing)


@pytest.mark.parametrize(("name", "sides"), sorted(DISAGREEMENTS.items()))
def test_disagreements_are_stated_and_attributed(kb, name, sides):
    answer = kb.topics[name].answer
    assert "differ" in answer.lower()
    for side in sides:
        assert side in answer
    named = [s.name for s in kb.sources.values() if s.name in answer]
    assert len(named) >= 2, answer


def test_answers_are_plain_language(kb):
    grades = {name: grade(t.answer) for name, t in kb.topics.items()}
    assert max(grades.values()) <= 9.5, grades
    assert sum(grades.values()) / len(grades) <= 7.5, grades


def test_no_third_party_contact_details_are_shown(kb):
    texts = [t.answer for t in kb.topics.values()]
    texts += [t.detail or "" for t in kb.topics.values()]
    texts += [f.text for t in kb.topics.values() for f in t.focus.values()]
    texts += list(kb.ui.values()) + [s.title for s in kb.sources.values()]
    texts += [f.text for f in kb.facts.values()]
    texts += [q.text for f in kb.facts.values() for q in f.quotes]
    everything = " ".join(texts)
    assert not re.search(r"\S+@\S+", everything)
    assert not re.search(r"\+?\d[\d\s()-]{7,}\d", everything)
    for foreign in ("wecareindia", "9029304141", "Harley Street", "Mayo Clinic"):
        assert foreign not in everything


def test_every_quote_is_verbatim_in_its_source(kb):
    for fact in kb.facts.values():
        for quote in fact.quotes:
            assert quote.text in source_text(quote.source), (fact.id, quote.text)


def test_every_figure_of_a_fact_is_in_its_quotes(kb):
    for fact in kb.facts.values():
        quoted = numbers_in(" ".join(q.text for q in fact.quotes))
        assert numbers_in(fact.text) <= quoted, (
            fact.id,
            numbers_in(fact.text) - quoted,
        )


def test_every_topic_has_facts_and_every_fact_is_askable(kb):
    for name in knowledge.REQUIRED_TOPICS:
        assert kb.facts_of(name), name
    for fact in kb.facts.values():
        assert fact.id.startswith(fact.topic + "."), fact.id
        assert 3 <= len(fact.questions) <= 5, fact.id
        assert 1 <= sentences(fact.text) <= 3, fact.id


def test_facts_are_plain_language(kb):
    grades = {f.id: grade(f.text) for f in kb.facts.values()}
    assert sum(grades.values()) / len(grades) <= 8.0
    assert max(grades.values()) <= 12.5, max(grades.items(), key=lambda g: g[1])


def test_facts_that_disagree_name_their_sources(kb):
    names = [s.name for s in kb.sources.values()]
    conflicting = [f for f in kb.facts.values() if f.conflicts_with]
    assert conflicting
    for fact in conflicting:
        other = kb.facts[fact.conflicts_with]
        assert other.conflicts_with, other.id  # both sides point at each other
        assert kb.facts[other.conflicts_with].topic == fact.topic or True
        for side in (fact, other):
            assert any(n in side.text for n in names), side.id


def test_every_cited_source_is_listed_and_present(kb):
    for source in kb.sources.values():
        assert (SOURCES_DIR / source.file).is_file()


def test_alias_answers_suitability_with_the_personal_advice_notice(kb):
    topic, notice = kb.for_intent("ask_suitability")
    assert topic.name == "candidacy"
    assert "only a specialist" in notice.lower()


def test_knowledge_intents_match_the_domain(kb, domain):
    ask_intents = {i for i in domain["intents"] if i.startswith("ask_")}
    answered = set(kb.answer_intents())
    assert answered == ask_intents - {"ask_capabilities"}


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda raw: raw["topics"].pop("risks"), "required topics missing"),
        (lambda raw: raw["topics"]["risks"].pop("answer"), "'answer' is missing"),
        (
            lambda raw: raw["topics"]["risks"].update(follow_ups=["nonexistent"]),
            "refers to 'nonexistent'",
        ),
        (
            lambda raw: raw["topics"]["risks"].update(sources=["unknown.txt"]),
            "cites unknown",
        ),
        (lambda raw: raw["ui"].pop("safety_net"), "ui texts missing"),
    ],
)
def test_malformed_knowledge_is_rejected_with_a_clear_message(mutate, message):
    import yaml

    from bot.paths import KNOWLEDGE_FILE

    raw = yaml.safe_load(KNOWLEDGE_FILE.read_text(encoding="utf-8"))
    mutate(raw)
    with pytest.raises(knowledge.KnowledgeError, match=message):
        knowledge.parse(raw)


def test_missing_knowledge_file_raises_knowledge_error(tmp_path):
    with pytest.raises(knowledge.KnowledgeError, match="not found"):
        knowledge.load(tmp_path / "absent.yml")
