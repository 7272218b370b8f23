"""Baseline 2 for ``make eval``: a TF-IDF nearest-neighbour intent classifier.

Each text is a TF-IDF vector of word 1-2-grams; its intent is the weighted
vote of its ``k`` most cosine-similar training examples, and it falls back to
"not understood" when even the nearest example is less similar than
``threshold``. ``k`` and ``threshold`` are chosen on a split of the training
data (never on the held-out set), so the baseline gets a fair chance.
"""

from dataclasses import dataclass
from typing import List, Sequence, Tuple

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split

FALLBACK_INTENT = "nlu_fallback"
NEIGHBOURS = (1, 3, 5)
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4)


@dataclass(frozen=True)
class NeighbourSettings:
    """How many neighbours vote, and the similarity below which it falls back."""

    k: int = 1
    threshold: float = 0.0


class NearestNeighbourClassifier:
    """Predicts the intent of the most similar training examples."""

    def __init__(self, settings: NeighbourSettings = NeighbourSettings()) -> None:
        """Creates an untrained classifier."""
        self.settings = settings
        self._vectorizer = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, lowercase=True
        )
        self._vectors = None
        self._intents: np.ndarray = np.array([])

    def fit(
        self, texts: Sequence[str], intents: Sequence[str]
    ) -> "NearestNeighbourClassifier":
        """Stores the training examples and returns the classifier."""
        self._vectors = self._vectorizer.fit_transform(list(texts))
        self._intents = np.array(list(intents))
        return self

    def predict_with_guess(self, texts: Sequence[str]) -> List[Tuple[str, str]]:
        """(final intent, best guess before the threshold) of each text."""
        # TF-IDF rows are L2-normalised, so the dot product is the cosine
        queries = self._vectorizer.transform(list(texts))
        similarities = (queries @ self._vectors.T).toarray()
        results = []
        for row in similarities:
            nearest = np.argsort(row)[::-1][: self.settings.k]
            votes: dict = {}
            for index in nearest:
                intent = self._intents[index]
                votes[intent] = votes.get(intent, 0.0) + row[index]
            guess = str(max(votes, key=votes.get))
            rejected = row[nearest[0]] < self.settings.threshold
            results.append((FALLBACK_INTENT if rejected else guess, guess))
        return results

    def predict(self, texts: Sequence[str]) -> List[str]:
        """The final intent of each text."""
        return [final for final, _ in self.predict_with_guess(texts)]


def tune(
    texts: Sequence[str], intents: Sequence[str], seed: int = 42
) -> NeighbourSettings:
    """The settings with the best accuracy on a 20% split of the training data."""
    fit_texts, dev_texts, fit_intents, dev_intents = train_test_split(
        list(texts),
        list(intents),
        test_size=0.2,
        random_state=seed,
        stratify=list(intents),
    )
    best, best_accuracy = NeighbourSettings(), -1.0
    for k in NEIGHBOURS:
        for threshold in THRESHOLDS:
            settings = NeighbourSettings(k, threshold)
            model = NearestNeighbourClassifier(settings).fit(fit_texts, fit_intents)
            predicted = model.predict(dev_texts)
            pairs = zip(predicted, dev_intents, strict=True)
            accuracy = np.mean([p == g for p, g in pairs])
            if accuracy > best_accuracy:
                best, best_accuracy = settings, accuracy
    return best
