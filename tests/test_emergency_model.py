"""The emergency model, its two encoders, and its Rasa component."""

import numpy as np
import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.emergency_model import WINDOW_WORDS, EmergencyModel, windows
from bot.intent_model import ModelFileError
from bot.sentence_embeddings import MAX_TOKENS, embed, encoder, multilingual_encoder
from nlu_components.emergency_classifier import OUTPUT_KEY, EmergencyClassifier

# a few of each, as patients write them (the model's real training data is
# data/red_flags/development.yml and the NLU examples)
EMERGENCIES = [
    "my legs have gone numb since this morning",
    "he can't move his legs since the procedure",
    "she has a high fever and is shivering tonight",
    "my chest hurts and I can't breathe right now",
    "mum collapsed and won't wake up",
    "the wound is red hot and oozing pus today",
]
NEAR_MISSES = [
    "I had a fever last week but I'm fine now",
    "can vertebroplasty cause numbness in the legs?",
    "no fever, no numbness, legs are fine",
    "my vertebra collapsed after a fall last year",
    "what if I get a fever after the procedure?",
    "a little bruising where the needle went in, nothing else",
]


# each encoder, a text, its paraphrase (in Spanish for the multilingual one),
# an unrelated text, and how much closer the paraphrase must be (e5's
# similarities are all high: its margins are smaller)
ENCODER_CASES = [
    (
        encoder,
        "I cannot feel my legs after the operation",
        "my legs have gone numb since the procedure",
        0.3,
    ),
    (
        multilingual_encoder,
        "the wound is red and oozing pus",
        "la herida está roja y le sale pus",
        0.05,
    ),
]


@pytest.mark.parametrize(("loaded", "text", "paraphrase", "margin"), ENCODER_CASES)
def test_each_encoder_gives_unit_vectors_that_put_paraphrases_close(
    loaded, text, paraphrase, margin
):
    vectors = loaded().encode([text, paraphrase, "how much does the treatment cost"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + margin


def test_both_embeddings_side_by_side_for_any_text():
    texts = ["", "\x00\ufffd", "(" * 20_000, "no siento las piernas"]
    vectors = embed(texts)
    assert vectors.shape == (4, 768)
    assert np.isfinite(vectors).all()
    assert embed([]).shape == (0, 768)


def test_the_tokenizer_splits_unknown_words_and_cuts_long_texts():
    tokenizer = encoder()._tokenizer
    pieces = tokenizer.pieces("vertebroplasty")
    assert len(pieces) > 1
    assert all(p.startswith("##") for p in pieces[1:])
    assert len(tokenizer.ids("pain " * 1000)) == MAX_TOKENS
    assert len(tokenizer.ids("")) == 2  # [CLS] [SEP]
    assert encoder().encode(["", "\x00\ufffd", "ñandú résumé"]).shape == (3, 384)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    texts = EMERGENCIES + NEAR_MISSES
    labels = [True] * len(EMERGENCIES) + [False] * len(NEAR_MISSES)
    model = EmergencyModel().fit(texts, labels)
    path = tmp_path_factory.mktemp("model") / "emergency.skops"
    model.save(path)
    return EmergencyModel.load(path)


def test_a_saved_model_reads_its_training_messages_after_loading(trained):
    probabilities = trained.probabilities(EMERGENCIES + NEAR_MISSES)
    assert all(p > 0.5 for p in probabilities[: len(EMERGENCIES)])
    assert all(p < 0.5 for p in probabilities[len(EMERGENCIES) :])
    assert trained.probabilities([]) == []


def test_a_report_at_the_end_of_a_long_paste_counts(trained):
    chatter = "thank you for the lovely care and the easy parking last week. " * 60
    (pasted,) = trained.probabilities([chatter + EMERGENCIES[0]])
    (chatter_only,) = trained.probabilities([chatter])
    assert pasted > chatter_only + 0.1  # the report, not the chatter, decides


def test_long_texts_are_read_in_overlapping_windows():
    text = " ".join(f"w{i}" for i in range(300))
    parts = windows(text)
    assert all(len(p.split()) <= WINDOW_WORDS for p in parts)
    assert parts[0].split()[0] == "w0"
    assert parts[-1].split()[-1] == "w299"
    assert windows("my legs are numb") == ["my legs are numb"]


def test_a_model_needs_both_kinds_of_message():
    with pytest.raises(ValueError, match="emergencies and other"):
        EmergencyModel().fit(EMERGENCIES, [True] * len(EMERGENCIES))


def test_a_damaged_model_file_is_refused(tmp_path):
    path = tmp_path / "emergency.skops"
    path.write_bytes(b"not a model")
    with pytest.raises(ModelFileError):
        EmergencyModel.load(path)


def test_the_component_trains_on_nlu_examples_and_the_development_set(tmp_path):
    development = tmp_path / "development.yml"
    development.write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "messages": [{"text": t, "label": "emergency"} for t in EMERGENCIES[3:]]
                + [{"text": t, "label": "not_emergency"} for t in NEAR_MISSES],
            }
        )
    )
    examples = [
        Message(data={"text": t, "intent": "emergency"}) for t in EMERGENCIES[:3]
    ]
    examples += [
        Message(data={"text": t, "intent": "ask_cost"})
        for t in ["how much does it cost", "what is the price", "is it expensive"]
    ]
    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    resource = Resource("emergency_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {"development_set": str(development)}
    untrained = EmergencyClassifier.create(config, storage, resource, context)
    untrained.train(TrainingData(training_examples=examples))
    loaded = EmergencyClassifier.load(config, storage, resource, context)
    reported = Message(data={"text": "my dad's legs have gone numb since this morning"})
    past = Message(data={"text": "I had a fever last week but I'm fine now"})
    loaded.process([reported, past])
    assert reported.get(OUTPUT_KEY) > past.get(OUTPUT_KEY)


def test_the_component_without_a_trained_model_adds_nothing(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    loaded = EmergencyClassifier.load({}, storage, Resource("missing"), context)
    msg = Message(data={"text": "my legs have gone numb"})
    loaded.process([msg])
    assert msg.get(OUTPUT_KEY) is None
