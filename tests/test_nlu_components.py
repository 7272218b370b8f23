"""The custom Rasa NLU components on real Rasa messages."""

import pytest
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.training_data.message import Message

from bot import spacy_pipeline
from nlu_components.domain_terms import DomainTermExtractor
from nlu_components.language_router import LanguageRouter
from nlu_components.red_flags import RedFlagOverride


@pytest.fixture(scope="module")
def model():
    return SpacyModel(model=spacy_pipeline.build(), model_name="test")


def message(text, intent, ranking=None, emergency_probability=None):
    msg = Message(data={"text": text})
    msg.set("intent", {"name": intent, "confidence": 0.4}, add_to_output=True)
    msg.set("intent_ranking", ranking or [{"name": intent, "confidence": 0.4}])
    if emergency_probability is not None:
        msg.set("emergency_probability", emergency_probability)
    return msg


def test_extractor_adds_canonical_entities(model):
    msg = message("what is the risk of infections at L1", "ask_risks")
    DomainTermExtractor({"entity_types": None}).process([msg], model)
    entities = {(e["entity"], e["value"]) for e in msg.get("entities")}
    assert entities == {("complication", "infection"), ("spine_region", "lumbar")}
    assert all(e["extractor"] == "DomainTermExtractor" for e in msg.get("entities"))


def test_extractor_filters_entity_types(model):
    msg = message("infection at L1", "ask_risks")
    DomainTermExtractor({"entity_types": ["spine_region"]}).process([msg], model)
    assert [e["value"] for e in msg.get("entities")] == ["lumbar"]


def test_a_reported_red_flag_overrides_an_unsure_classifier(model):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "ask_recovery", "confidence": 0.3},
        {"name": "emergency", "confidence": 0.2},
    ]
    msg = message("my legs went numb since the procedure", "nlu_fallback", ranking)
    RedFlagOverride({"intent": "emergency"}).process([msg], model)
    assert msg.get("intent") == {"name": "emergency", "confidence": 1.0}
    names = [r["name"] for r in msg.get("intent_ranking")]
    assert names[0] == "emergency"
    assert names.count("emergency") == 1
    assert msg.get("red_flags") == {"kind": "report", "symptoms": ["numbness"]}


def test_a_general_question_classified_as_emergency_is_demoted(model):
    ranking = [
        {"name": "emergency", "confidence": 0.5},
        {"name": "ask_risks", "confidence": 0.4},
    ]
    msg = message("is numbness a possible complication?", "emergency", ranking)
    RedFlagOverride({"intent": "emergency"}).process([msg], model)
    assert msg.get("intent")["name"] == "ask_risks"
    assert msg.get("red_flags")["kind"] == "general"


@pytest.mark.parametrize(
    "text",
    [
        "and after?",  # a follow-up
        "my mum",  # a name given in the request form
        "I had a fever last week but I'm fine now",  # over
        "my legs were weak before the fracture",  # before
        "no fever, no numbness",  # denied
    ],
)
def test_an_emergency_without_a_red_flag_now_falls_back(model, text):
    ranking = [
        {"name": "emergency", "confidence": 0.7},
        {"name": "inform", "confidence": 0.2},
    ]
    msg = message(text, "emergency", ranking)
    RedFlagOverride(RedFlagOverride.get_default_config()).process([msg], model)
    assert msg.get("intent")["name"] == "inform"


RANKED = [
    {"name": "emergency", "confidence": 0.8},
    {"name": "inform", "confidence": 0.1},
]


def test_the_emergency_model_adds_what_the_rules_cannot_read(model):
    msg = message("something terrible is happening to my dad", "inform", RANKED[::-1])
    msg.set("emergency_probability", 0.9)
    RedFlagOverride(RedFlagOverride.get_default_config()).process([msg], model)
    assert msg.get("intent")["name"] == "emergency"


def test_a_sure_intent_classifier_alone_is_not_enough(model):
    text = "something terrible is happening to my dad"
    msg = message(text, "emergency", RANKED, emergency_probability=0.2)
    RedFlagOverride(RedFlagOverride.get_default_config()).process([msg], model)
    assert msg.get("intent")["name"] == "inform"


def override(msg, model):
    RedFlagOverride(RedFlagOverride.get_default_config()).process([msg], model)
    return msg.get("intent")["name"]


# the configured bars, by the rules' reading, and the question margin
BARS = RedFlagOverride.get_default_config()["model_above"]
MARGIN = RedFlagOverride.get_default_config()["question_margin"]
JUST = 0.01  # how far above or below a bar


@pytest.mark.parametrize("margin", [-0.1, 0.1, MARGIN])
def test_a_question_moves_the_bar_by_the_margin(model, margin):
    config = {**RedFlagOverride.get_default_config(), "question_margin": margin}

    def decided(msg):
        RedFlagOverride(config).process([msg], model)
        return msg.get("intent")["name"]

    statement = "something terrible is happening to my dad"
    question = "is something terrible happening to my dad?"
    low, high = sorted((BARS["none"], BARS["none"] + margin))
    between = (low + high) / 2
    asked = decided(message(question, "inform", RANKED[::-1], between - JUST))
    stated = decided(message(statement, "inform", RANKED[::-1], between - JUST))
    # between the two bars only the one with the lower bar is an emergency
    if margin < 0:
        assert (asked, stated) == ("emergency", "inform")
    elif margin > 0:
        assert (asked, stated) == ("inform", "emergency")
    else:
        assert asked == stated == "inform"  # just under the one bar
    for text in (statement, question):
        above = message(text, "inform", RANKED[::-1], high + JUST)
        assert decided(above) == "emergency"


def test_each_reading_is_decided_by_its_own_bar(model):
    """Over, from before or denied (not now), and no symptom found (none): the
    model's probability decides against that reading's bar."""
    for text, reading in (
        ("I had a fever last week but I'm fine now", "not_now"),
        ("something terrible is happening to my dad", "none"),
    ):
        below, above = BARS[reading] - JUST, BARS[reading] + JUST
        assert override(message(text, "emergency", RANKED, below), model) == "inform"
        assert override(message(text, "inform", RANKED, above), model) == "emergency"


def test_a_report_the_rules_read_needs_little_from_the_model(model):
    assert BARS["report"] < BARS["none"]
    text = "my legs have gone numb since this morning"
    above, below = BARS["report"] + JUST, BARS["report"] - JUST
    assert override(message(text, "inform", None, above), model) == "emergency"
    assert override(message(text, "inform", None, below), model) == "inform"


def test_a_short_message_is_an_emergency_only_on_the_rules_word(model):
    assert override(message("my mum", "inform", None, 0.99), model) == "inform"
    assert override(message("he collapsed", "inform", None, 0.99), model) == (
        "emergency"
    )


def test_without_the_emergency_model_the_rules_decide(model):
    text = "something terrible is happening to my dad"
    msg = message(text, "emergency", RANKED)
    RedFlagOverride(RedFlagOverride.get_default_config()).process([msg], model)
    assert msg.get("intent")["name"] == "inform"
    reported = message("my legs have gone numb since this morning", "inform")
    RedFlagOverride(RedFlagOverride.get_default_config()).process([reported], model)
    assert reported.get("intent")["name"] == "emergency"


def test_an_emergency_with_nothing_else_ranked_is_not_understood(model):
    msg = message("and after?", "emergency")
    RedFlagOverride({"intent": "emergency"}).process([msg], model)
    assert msg.get("intent")["name"] == "nlu_fallback"


def test_other_messages_keep_their_intent(model):
    msg = message("how long does it take", "ask_duration")
    RedFlagOverride({"intent": "emergency"}).process([msg], model)
    assert msg.get("intent")["name"] == "ask_duration"
    assert msg.get("red_flags") == {"kind": "none", "symptoms": []}


@pytest.fixture
def trained_classifier(tmp_path):
    """The intent classifier trained, persisted and loaded through Rasa's storage."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from nlu_components.tfidf_classifier import TfidfIntentClassifier

    examples = [
        Message(data={"text": text, "intent": intent})
        for text, intent in [
            ("hello", "greet"),
            ("hi there", "greet"),
            ("good morning", "greet"),
            ("what are the risks", "ask_risks"),
            ("is it dangerous", "ask_risks"),
            ("any complications", "ask_risks"),
        ]
    ]
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intent_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {"min_df": 1}  # six examples: keep n-grams seen once
    untrained = TfidfIntentClassifier.create(config, storage, resource, context)
    untrained.train(TrainingData(training_examples=examples))
    return TfidfIntentClassifier.load(config, storage, resource, context)


def test_trained_classifier_ranks_intents_after_loading(trained_classifier):
    msg = Message(data={"text": "what are the risks of it"})
    trained_classifier.process([msg])
    assert msg.get("intent")["name"] == "ask_risks"
    ranking = msg.get("intent_ranking")
    assert [r["name"] for r in ranking] == ["ask_risks", "greet"]
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_a_blank_message_is_not_understood_rather_than_guessed(
    trained_classifier, text
):
    msg = Message(data={"text": text})
    trained_classifier.process([msg])
    assert msg.get("intent") == {"name": "nlu_fallback", "confidence": 0.0}


def router():
    return LanguageRouter(LanguageRouter.get_default_config())


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hola, ¿qué es la vertebroplastia?", "es"),
        ("bonjour, est-ce que c'est douloureux ?", "fr"),
    ],
)
def test_a_message_in_another_language_is_routed_to_one_intent(text, language):
    msg = message(text, "ask_what_is")
    router().process([msg])
    assert msg.get("intent") == {"name": "other_language", "confidence": 1.0}
    assert msg.get("language") == language


@pytest.mark.parametrize("text", ["sí", "no"])
def test_a_short_yes_or_no_keeps_its_intent_in_any_language(text):
    msg = message(text, "affirm")
    router().process([msg])
    assert msg.get("intent")["name"] == "affirm"


def test_it_is_not_an_emergency_keeps_its_intent_in_spanish():
    msg = message("no es una urgencia", "not_emergency")
    router().process([msg])
    assert msg.get("intent")["name"] == "not_emergency"
    assert msg.get("language") == "es"


def test_an_english_message_taken_for_another_language_falls_back():
    ranking = [
        {"name": "other_language", "confidence": 0.6},
        {"name": "thank", "confidence": 0.3},
    ]
    msg = message("ty", "other_language", ranking)
    router().process([msg])
    assert msg.get("intent")["name"] == "thank"
    assert msg.get("language") == "en"


def test_a_spanish_emergency_is_an_emergency_after_routing(model):
    msg = message("me duele el pecho y no puedo respirar", "ask_risks")
    router().process([msg])
    RedFlagOverride({"intent": "emergency"}).process([msg], model)
    assert msg.get("intent")["name"] == "emergency"
    assert msg.get("language") == "es"
