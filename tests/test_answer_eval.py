"""The answers evaluation: its scoring, and the set it reads."""

import re

from bot.paths import PROJECT_ROOT, SOURCES_DIR
from tools.evaluate_answers import (
    DEFAULT_SET,
    FACT,
    NOT_COVERED,
    OTHER,
    TOPIC,
    Question,
    load_questions,
    not_covered_markers,
    read_reply,
    same_statement,
    score,
)
from tools.evaluate_red_flags import emergency_headline


def test_two_passages_state_the_same_thing_when_one_holds_the_other_or_a_long_run():
    one = "The procedure usually takes one hour for each vertebra treated, it says."
    assert same_statement("usually takes one hour for each vertebra", one)
    assert same_statement(one, "It usually takes one hour for each vertebra treated.")
    assert not same_statement("one hour", "It takes half an hour for each vertebra.")


def test_a_reply_is_read_as_a_fact_a_topic_not_covered_or_other(kb):
    headline = emergency_headline()
    fact = kb.facts["cement.hardening_time"]
    assert read_reply(kb, f"{fact.text}\n\nSources: overview", headline) == (
        FACT,
        {fact.id},
    )
    topic = kb.topics["risks"]
    assert read_reply(kb, topic.answer, headline) == (TOPIC, {"risks"})
    for marker in not_covered_markers(kb):
        assert read_reply(kb, marker + " ...", headline)[0] == NOT_COVERED
    assert read_reply(kb, "Did you mean one of these?", headline)[0] == OTHER


def test_covered_questions_need_the_stated_point_and_others_an_honest_reply(kb):
    fact = kb.facts["cement.hardening_time"]
    other = kb.facts["risks.infection"]
    questions = [
        Question("how long to harden", True, (fact.quotes[0].text,), "faq"),
        Question("how long to harden?", True, (fact.quotes[0].text,), "faq"),
        Question("is it hot", False, (), "faq"),
        Question("is it hot?", False, (), "faq"),
    ]
    replies = [fact.text, other.text, not_covered_markers(kb)[-1], fact.text]
    result = score(kb, questions, replies, emergency_headline())
    assert result["counts"]["covered"]["right"] == 1
    assert result["counts"]["covered"]["right_fact"] == 1
    assert result["counts"]["not_covered"]["right"] == 1
    assert [f["question"] for f in result["failures"]] == [
        "how long to harden?",
        "is it hot?",
    ]


def test_the_set_is_as_big_as_promised_and_its_quotes_are_verbatim():
    questions = load_questions(PROJECT_ROOT / DEFAULT_SET)
    assert len(questions) >= 300
    assert sum(not q.covered for q in questions) >= 70
    sources = " ".join(p.read_text(encoding="utf-8") for p in SOURCES_DIR.glob("*.txt"))
    for question in questions:
        assert bool(question.quotes) == question.covered, question.text
        for quote in question.quotes:
            assert quote in sources, quote


def test_the_set_is_never_trained_on():
    questions = load_questions(PROJECT_ROOT / DEFAULT_SET)

    def plain(text):
        return " ".join(re.findall(r"[a-z0-9]+", text.lower()))

    asked = {plain(q.text) for q in questions}
    trained = set()
    for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("- "):
                trained.add(plain(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)))
    assert not asked & trained
