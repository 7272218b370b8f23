"""The emergency model: is a red flag being reported now, or only mentioned?

A binary logistic regression over two sentence embeddings, MiniLM and the
multilingual e5 (meaning: "desperate to pass water but nothing's coming" is
close to "can't wee", and "no siento las piernas" to "I can't feel my legs"), and
TF-IDF word and character n-grams (the small words that carry the time: "last
week", "fine now", "since this morning"). It learns emergencies *against their
near-misses*: past and resolved symptoms, general and hypothetical questions,
negations, anatomy words, normal after-effects. The intent classifier only ever
saw emergencies against FAQ questions, so every message naming a symptom looked
like an emergency to it.

Kept free of Rasa imports; ``nlu_components.emergency_classifier`` wraps it.
"""

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, List, Sequence, Tuple

import numpy as np
import scipy.sparse as sparse
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from bot import sentence_embeddings
from bot.intent_model import load_trusted, saved_config, text_features

# A longer message is read in overlapping windows of this many words and is an
# emergency as far as its most alarming window is: the encoder reads 256 word
# pieces at most, and a report at the end of a long pasted story must count.
# Every message the model was trained and measured on is shorter.
WINDOW_WORDS = 120

# texts -> one sentence embedding per text (rows)
Embedder = Callable[[List[str]], np.ndarray]


@dataclass
class LearningSet:
    """Texts the model learns from, whether each is an emergency, and how much
    each one counts."""

    texts: List[str]
    emergencies: List[bool]
    weights: List[float]


def learning_set(
    nlu: Sequence[Tuple[str, bool]],
    development: Sequence[Tuple[str, bool]],
    development_weight: float,
) -> LearningSet:
    """The NLU examples (each counts once) followed by the development
    messages (each counts ``development_weight`` times): (text, emergency?)."""
    pairs = [*nlu, *development]
    return LearningSet(
        texts=[text for text, _ in pairs],
        emergencies=[emergency for _, emergency in pairs],
        weights=[1.0] * len(nlu) + [float(development_weight)] * len(development),
    )


def windows(text: str) -> List[str]:
    """``text`` itself, or overlapping windows of ``WINDOW_WORDS`` words."""
    words = text.split()
    if len(words) <= WINDOW_WORDS:
        return [text]
    step = WINDOW_WORDS // 2
    return [
        " ".join(words[start : start + WINDOW_WORDS])
        for start in range(0, len(words) - step, step)
    ]


@dataclass(frozen=True)
class EmergencyModelConfig:
    """Hyperparameters (chosen by 5-fold cross-validation on the development
    set; see README, "Emergencies")."""

    word_ngrams: Tuple[int, int] = (1, 2)
    char_ngrams: Tuple[int, int] = (2, 5)
    min_df: int = 2
    c: float = 4.0
    max_iter: int = 3000
    random_seed: int = 42


class EmergencyModel:
    """P(a red flag is reported now) for a text."""

    def __init__(
        self,
        config: EmergencyModelConfig = EmergencyModelConfig(),
        embed: Embedder = sentence_embeddings.embed,
    ) -> None:
        """Creates an untrained model (``embed``: both sentence embeddings;
        cross-validation brings the same ones from a cache)."""
        self.config = config
        self._embed = embed
        self._features = text_features(
            config.word_ngrams, config.char_ngrams, config.min_df
        )
        self._classifier = LogisticRegression(
            C=config.c,
            max_iter=config.max_iter,
            class_weight="balanced",
            random_state=config.random_seed,
        )

    def _embedded(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return sparse.csr_matrix(self._embed(list(texts)))

    def fit(
        self,
        texts: Sequence[str],
        emergencies: Sequence[bool],
        weights: Sequence[float] | None = None,
    ) -> "EmergencyModel":
        """Trains on labelled texts (``weights``: how much each one counts)."""
        if len(set(emergencies)) < 2:
            raise ValueError("need emergencies and other messages")
        texts = [t or "" for t in texts]
        matrix = sparse.hstack(
            [self._embedded(texts), self._features.fit_transform(texts)]
        ).tocsr()
        self._classifier.fit(
            matrix,
            np.asarray(emergencies, dtype=int),
            sample_weight=None if weights is None else np.asarray(weights, float),
        )
        return self

    def fit_set(self, learning: LearningSet) -> "EmergencyModel":
        """Trains on a learning set."""
        return self.fit(learning.texts, learning.emergencies, learning.weights)

    def probabilities(self, texts: Sequence[str]) -> List[float]:
        """P(emergency) for each text (a long one: its most alarming window)."""
        if not texts:
            return []
        parts = [windows(t or "") for t in texts]
        flat = [window for part in parts for window in part]
        matrix = sparse.hstack(
            [self._embedded(flat), self._features.transform(flat)]
        ).tocsr()
        scores = iter(self._classifier.predict_proba(matrix)[:, 1])
        return [max(float(next(scores)) for _ in part) for part in parts]

    def save(self, path: Path) -> None:
        """Writes the trained model to ``path`` (skops format, no pickle)."""
        sio.dump(
            {
                "config": asdict(self.config),
                "features": self._features,
                "classifier": self._classifier,
            },
            path,
        )

    @classmethod
    def load(cls, path: Path) -> "EmergencyModel":
        """Reads a model written by ``save``.

        Raises:
            ModelFileError: if the file is missing or holds untrusted types.
        """
        saved = load_trusted(path, "emergency model")
        model = cls(saved_config(EmergencyModelConfig, saved))
        model._features = saved["features"]
        model._classifier = saved["classifier"]
        return model
