"""The custom Rasa NLU components on real Rasa messages."""

import pytest
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.training_data.message import Message

from bot import spacy_pipeline
from nlu_components.domain_terms import DomainTermExtractor
from nlu_components.red_flags import RedFlagOverride


@pytest.fixture(scope="module")
def model():
    return SpacyModel(model=spacy_pipeline.build(), model_name="test")


def message(text, intent, ranking=None):
    msg = Message(data={"text": text})
    msg.set("intent", {"name": intent, "confidence": 0.4}, add_to_output=True)
    msg.set("intent_ranking", ranking or [{"name": intent, "confidence": 0.4}])
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
